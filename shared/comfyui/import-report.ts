/**
 * What an import did, for one screen (the app's dialog, the CLI's stderr, `--json`): the models it bakes,
 * the LoRAs it left out and why, the files it could not find, and everything in the workflow that is not
 * weight composition (samplers, prompts, VAE decode …), grouped by node type.
 */
import { z } from 'zod';

export const importedLoraSchema = z.object({
  name: z.string(),
  /** Resolved file path, or the name as the workflow spells it when it was not found. */
  path: z.string(),
  strength: z.number(),
  teStrength: z.number(),
  /** The ComfyUI node it came from. */
  comfyNode: z.string(),
});

export const importedOutputSchema = z.object({
  /** The Save Model node of the graph. */
  nodeId: z.string(),
  output: z.string(),
  base: z.object({ name: z.string(), path: z.string(), comfyNode: z.string() }),
  loras: z.array(importedLoraSchema),
});

export const importReportSchema = z.object({
  /** The workflow file (name or path). */
  workflow: z.string(),
  format: z.enum(['ui', 'api']),
  formatVersion: z.number().nullable(),
  outputs: z.array(importedOutputSchema),
  /** LoRAs and loaders left out: bypassed, muted, switched off, unreadable. */
  skipped: z.array(z.object({ comfyNode: z.string(), type: z.string(), title: z.string().optional(), reason: z.string() })),
  /** Model files not found in the models folders: the graph shows them as missing files. */
  unresolved: z.array(z.object({ folder: z.string(), name: z.string(), comfyNode: z.string() })),
  /** Nodes that are not weight composition, by type, in workflow order. */
  notImported: z.array(z.object({ type: z.string(), nodes: z.array(z.object({ id: z.string(), title: z.string().optional() })) })),
  notes: z.array(z.string()),
});

export type ImportedLora = z.infer<typeof importedLoraSchema>;
export type ImportedOutput = z.infer<typeof importedOutputSchema>;
export type ImportReport = z.infer<typeof importReportSchema>;

const num = (n: number): string => String(Math.round(n * 1000) / 1000);

/** The report as plain lines (the CLI prints them on stderr). File names are the workflow's own text: callers print them, never interpret them. */
export function importReportLines(r: ImportReport): string[] {
  const lines: string[] = [];
  const fmt = r.format === 'api' ? 'API format' : `UI format${r.formatVersion !== null ? ` ${r.formatVersion}` : ''}`;
  lines.push(`Imported ${r.workflow} (ComfyUI ${fmt}): ${r.outputs.length} model${r.outputs.length === 1 ? '' : 's'} to bake.`);
  for (const o of r.outputs) {
    lines.push(`  ${o.base.name} → ${o.output}`);
    for (const l of o.loras) lines.push(`    + ${l.name}  strength ${num(l.strength)}, text encoder ${num(l.teStrength)}`);
  }
  if (r.skipped.length > 0) {
    lines.push('Left out:');
    for (const s of r.skipped) lines.push(`  node ${s.comfyNode} (${s.title ?? s.type}): ${s.reason}`);
  }
  if (r.unresolved.length > 0) {
    lines.push('Not found in the models folders (shown as missing files in the graph):');
    for (const u of r.unresolved) lines.push(`  ${u.folder}/${u.name} (node ${u.comfyNode})`);
  }
  if (r.notImported.length > 0) {
    lines.push('Not weight composition, not imported:');
    for (const g of r.notImported) lines.push(`  ${g.type} ×${g.nodes.length} (node${g.nodes.length === 1 ? '' : 's'} ${g.nodes.map((n) => n.id).join(', ')})`);
  }
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines;
}
