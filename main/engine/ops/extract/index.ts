/** Extract LoRA (kohya extract_lora_from_models.py semantics) from a base and a tuned checkpoint. */
export { extractLora, checkExtractOptions, DEFAULT_EXTRACT_THRESHOLD, type ExtractResult } from './extract-lora.js';
export type { ExtractOptions } from './extract-options.js';
export { ExtractReport, type ScannedModule } from './extract-report.js';
export { planExtraction, type ExtractionUnit, type UnitFilter } from './plan-extraction.js';
export { extractSource } from '../../module-source/extract-source.js';
export type { ExtractSource, TensorRef } from '../../module-source/source-types.js';
export { extractScanTask, type ScanPayload } from './scan-task.js';
export { deltaStats, readTensorDelta, type DeltaStats } from '../../module-source/tensor-delta.js';
