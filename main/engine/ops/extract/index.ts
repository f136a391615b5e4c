/** Extract LoRA (kohya extract_lora_from_models.py semantics) from a base and a tuned checkpoint. */
export { extractLora, checkExtractOptions, DEFAULT_EXTRACT_THRESHOLD, type ExtractOptions, type ExtractResult } from './extract-lora.js';
export { ExtractReport, type ScannedModule } from './extract-report.js';
export { planExtraction, type ExtractionUnit, type UnitFilter } from './plan-extraction.js';
export { extractSource, type ExtractSource, type TensorRef } from './extract-source.js';
export { extractScanTask, type ScanPayload } from './scan-task.js';
export { deltaStats, readTensorDelta, type DeltaStats } from './tensor-delta.js';
