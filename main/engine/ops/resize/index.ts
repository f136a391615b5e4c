/** Rank resize (kohya resize_lora.py semantics) and the truncation report it shares with extraction. */
export { resizeLora, checkResizeOptions, type ResizeOptions, type ResizeResult } from './resize-lora.js';
export { ResizeReport, describeRankRule } from './resize-report.js';
export { compressionReport, rowValues, type CompressionRow, type ReportSubject } from './compression-report.js';
export { retention, type Retention } from './retention.js';
