/** What resize and extract print from their node's report: the per-module rows and the retained energy. */
import type { Report } from '../../shared/ipc/reports.js';

export type CompressionRow = Readonly<Record<string, string | number | null>>;

/** The rows of the "Modules" table of Resize Rank's / Extract LoRA's report. */
export function compressionRows(reports: readonly Report[]): CompressionRow[] {
  return reports.flatMap((r) => r.sections.flatMap((s) => (s.kind === 'table' && s.title === 'Modules' ? (s.rows as CompressionRow[]) : [])));
}

/** Mean and spread of the Frobenius norm retained (percent) over the compressed modules, on stderr. */
export function printRetention(reports: readonly Report[], label: string): void {
  const fros = compressionRows(reports).flatMap((r) => (typeof r.froRetained === 'number' ? [r.froRetained / 100] : []));
  if (fros.length === 0) return;
  const mean = fros.reduce((a, b) => a + b, 0) / fros.length;
  const std = Math.sqrt(fros.reduce((a, b) => a + (b - mean) ** 2, 0) / fros.length);
  process.stderr.write(`${label}: ${(100 * mean).toFixed(2)}% | std: ${std.toFixed(3)} | lowest ${(100 * Math.min(...fros)).toFixed(2)}%\n`);
}
