/** Combine LoRAs into one LoRA (concat, svd, task-vector merges, kohya parity): see docs/combine.md. */
export { combineLoras, planCombine, describeCombineOptions, type CombineInput, type CombinePlan } from './combine-loras.js';
export { COMBINE_PLAN_METHODS, parseCombineMethod, validateCombineOptions, type CombinePlanMethod, type CombineOptions, type RawCombineOptions } from './options.js';
export { alignModules, type AlignedMember, type ModuleGroup } from './align.js';
export { CombineError, type CombineErrorCode } from './errors.js';
