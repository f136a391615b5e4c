/** The mapping reports of a run (Apply LoRA, Bake LoRAs) for people (stderr) and for --json. */
import type { Report, ReportSection } from '../../shared/ipc/reports.js';
import { terminalField } from './terminal-text.js';

type MappingSection = Extract<ReportSection, { kind: 'mapping' }>;

function entries(reports: readonly Report[]): MappingSection['entries'] {
  return reports.flatMap((r) => r.sections.flatMap((s) => (s.kind === 'mapping' ? s.entries : [])));
}

export function mappingLines(reports: readonly Report[], maxUnmatched = 20): string[] {
  const lines: string[] = [];
  for (const e of entries(reports)) {
    lines.push(`${e.source}: ${e.matched}/${e.matched + e.unmatched.length} modules matched${e.architecture === 'unknown' ? '' : `, on ${e.architecture}`}`);
    if (e.perBlock.length > 0) lines.push(`  per block: ${e.perBlock.map((b) => `${b.block} ${b.matched}`).join(' · ')}`);
    for (const u of e.unmatched.slice(0, maxUnmatched)) lines.push(`  unmatched ${u.module}: ${u.reason}`);
    if (e.unmatched.length > maxUnmatched) lines.push(`  … ${e.unmatched.length - maxUnmatched} more unmatched (see --json)`);
  }
  return lines.map(terminalField);
}

export function mappingJson(reports: readonly Report[]): { lora: string; matched: number; unmatched: { module: string; reason: string }[] }[] {
  return entries(reports).map((e) => ({ lora: e.source, matched: e.matched, unmatched: [...e.unmatched] }));
}
