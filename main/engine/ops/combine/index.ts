/** Combine LoRAs into one LoRA (concat, svd, task-vector merges, kohya parity): see docs/combine.md. */
export { combineLoras, planCombine, describeCombineOptions, type CombineInput, type CombinePlan } from './combine-loras.js';
export { COMBINE_METHODS, parseCombineMethod, validateCombineOptions, type CombineMethod, type CombineOptions, type RawCombineOptions } from './options.js';
export { alignModules, type AlignedMember, type ModuleGroup } from './align.js';
export { CombineError, type CombineErrorCode } from './errors.js';
