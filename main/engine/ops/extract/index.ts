/** Extract LoRA (kohya extract_lora_from_models.py semantics) from a base and a tuned checkpoint. */
export { extractLora, checkExtractOptions, DEFAULT_EXTRACT_THRESHOLD, type ExtractResult } from './extract-lora.js';
export type { ExtractOptions } from './extract-options.js';
export { ExtractReport, type ScannedModule } from './extract-report.js';
export { planExtraction, type ExtractionUnit, type UnitFilter } from './plan-extraction.js';
export { extractModule, EXTRACT_SKETCH, type ExtractedModule } from '../../module-source/extract-source.js';
export type { ExtractSource, TensorRef } from '../../module-source/source-types.js';
export { extractModuleTask, type ExtractModulePayload, type ExtractModuleResult } from './module-task.js';
export { thresholdedDelta, type DeltaStats, type ThresholdedDelta } from '../../module-source/tensor-delta.js';
