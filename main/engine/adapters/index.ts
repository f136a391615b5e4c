/** LoRA dialects → one canonical module model (see types.ts). */
export type {
  AdapterDialect,
  AdapterModule,
  AdapterModuleKind,
  AlphaSource,
  DoraSpec,
  LoadedAdapter,
  LowRankFactors,
  ModuleParams,
  PeftAdapterConfig,
  UnusedKey,
} from './types.js';
export { loadAdapter, type LoadAdapterOptions } from './load-adapter.js';
export { readLoraFactors } from './factors.js';
export { computeModuleDelta, readBiasDelta } from './delta.js';
export { applyDoRA, type ApplyDoraOptions } from './dora.js';
export { FP32_EPSILON } from './dora-spec.js';
export { summarizeAdapter, type AdapterSummary, type ValueCount } from './summary.js';
export { parsePeftConfig, parsePeftConfigText, readPeftConfig } from './peft-config.js';
export { getPatternKey, peftModulePath, matchesModulesToSave } from './peft-patterns.js';
export { parseKey, type ParsedKey, type ParamRole } from './key-parser.js';
export { AdapterError, type AdapterErrorCode } from './errors.js';
