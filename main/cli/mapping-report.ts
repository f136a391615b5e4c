/** The mapping report of a LoRA on a base, for people (stderr). */
import type { MappingReport } from '../engine/naming/types.js';
import type { LoraValue } from '../engine/values/lora-value.js';
import { terminalField } from './terminal-text.js';

export function formatMappingReport(lora: LoraValue, report: MappingReport, maxUnmatched = 20): string {
  const total = report.matched.length + report.unmatched.length;
  const arch = lora.architecture.family === 'unknown' ? '' : `, made for ${lora.architecture.family}`;
  const lines = [`${lora.label}: ${report.matched.length}/${total} modules matched${arch}`];
  if (report.perBlock.length > 0) lines.push(`  per block: ${report.perBlock.map((b) => `${b.block} ${b.count}`).join(' · ')}`);
  for (const u of report.unmatched.slice(0, maxUnmatched)) lines.push(`  unmatched ${u.module}: ${u.reason}`);
  if (report.unmatched.length > maxUnmatched) lines.push(`  … ${report.unmatched.length - maxUnmatched} more unmatched (see --json)`);
  if (lora.unusedKeys.length > 0) lines.push(`  ${lora.unusedKeys.length} tensor(s) of the file belong to no module (e.g. ${lora.unusedKeys[0]!.key}: ${lora.unusedKeys[0]!.reason})`);
  if (report.overlaps && report.overlaps.length > 0) lines.push(`  note: ${report.overlaps.length} base tensor(s) get overlapping patches from several modules (they add)`);
  return lines.map(terminalField).join('\n');
}
