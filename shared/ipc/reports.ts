/**
 * Reports: what Inspect, Probe, Resize Rank and Extract LoRA produce, in a shape the UI plots and the CLI
 * prints. Plain JSON; every number is finite (NaN/Infinity cannot cross JSON: write null).
 */
import { z } from 'zod';

const num = z.number();
const label = z.string();

export const summarySectionSchema = z.object({
  kind: z.literal('summary'),
  title: z.string(),
  items: z.array(z.object({ label, value: z.union([z.string(), num]), unit: z.string().optional() })),
});

export const tableColumnSchema = z.object({
  key: z.string(),
  label,
  type: z.enum(['text', 'number', 'integer']),
  unit: z.string().optional(),
});

/** A sortable table (per-module ranks and norms, resize statistics, skipped modules). */
export const tableSectionSchema = z.object({
  kind: z.literal('table'),
  title: z.string(),
  columns: z.array(tableColumnSchema),
  rows: z.array(z.record(z.string(), z.union([z.string(), num, z.null()]))),
});

/** Singular values, largest first, one series per (LoRA, module); plotted on a log scale. */
export const spectraSectionSchema = z.object({
  kind: z.literal('spectra'),
  title: z.string(),
  series: z.array(
    z.object({
      /** Which input (LoRA name) the module belongs to. */
      source: label,
      module: z.string(),
      block: z.string().optional(),
      values: z.array(num),
      /** Rank the module was truncated to, drawn as a marker (Resize/Extract). */
      keptRank: z.number().int().optional(),
    }),
  ),
});

/** ‖ΔW‖_F per block label (canonical order), one series per LoRA, for side-by-side bars. */
export const blockNormsSectionSchema = z.object({
  kind: z.literal('block-norms'),
  title: z.string(),
  blocks: z.array(z.string()),
  /** values[i] belongs to blocks[i]; null where the LoRA has no module in that block. */
  series: z.array(z.object({ source: label, values: z.array(num.nullable()) })),
});

export const unmatchedEntrySchema = z.object({ module: z.string(), reason: z.string() });

/** How LoRA modules map onto a model: coverage per block and everything that matched nothing. */
export const mappingSectionSchema = z.object({
  kind: z.literal('mapping'),
  title: z.string(),
  entries: z.array(
    z.object({
      source: label,
      architecture: z.string(),
      matched: z.number().int(),
      unmatched: z.array(unmatchedEntrySchema),
      perBlock: z.array(z.object({ block: z.string(), matched: z.number().int() })),
    }),
  ),
});

/** Where the LoRAs' deltas disagree in sign, per module (what TIES' sign election resolves). */
export const signConflictsSectionSchema = z.object({
  kind: z.literal('sign-conflicts'),
  title: z.string(),
  sources: z.array(label),
  /** Fraction of all compared entries with conflicting signs. */
  overall: num,
  modules: z.array(z.object({ module: z.string(), block: z.string().optional(), fraction: num, entries: z.number().int() })),
});

/** Probe: base, unfused branch and fused weight on one layer. */
export const probeSectionSchema = z.object({
  kind: z.literal('probe'),
  title: z.string(),
  layer: z.string(),
  baseKey: z.string(),
  /** [out, in] of the layer as a matrix. */
  shape: z.tuple([z.number().int(), z.number().int()]),
  batch: z.number().int(),
  seed: z.number().int(),
  strength: num,
  outputs: z.array(z.object({ name: z.enum(['base', 'unfused', 'fused']), norm: num })),
  comparisons: z.array(
    z.object({ a: z.enum(['base', 'unfused', 'fused']), b: z.enum(['base', 'unfused', 'fused']), maxAbsDiff: num, relativeL2: num }),
  ),
});

export const notesSectionSchema = z.object({
  kind: z.literal('notes'),
  title: z.string(),
  lines: z.array(z.object({ level: z.enum(['info', 'warning']), text: z.string() })),
});

export const reportSectionSchema = z.discriminatedUnion('kind', [
  summarySectionSchema,
  tableSectionSchema,
  spectraSectionSchema,
  blockNormsSectionSchema,
  mappingSectionSchema,
  signConflictsSectionSchema,
  probeSectionSchema,
  notesSectionSchema,
]);

export const reportSchema = z.object({
  nodeId: z.string(),
  nodeType: z.string(),
  title: z.string(),
  /** ms since the epoch. */
  createdAt: z.number(),
  sections: z.array(reportSectionSchema),
});

export type ReportSection = z.infer<typeof reportSectionSchema>;
export type ReportSectionKind = ReportSection['kind'];
export type Report = z.infer<typeof reportSchema>;
export type TableColumn = z.infer<typeof tableColumnSchema>;
