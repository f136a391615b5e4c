/**
 * The report of a truncation (Resize Rank, Extract LoRA) in shared/ipc's shapes: a table with kohya's
 * per-module numbers (old and new rank, alpha, sum(S) retained, fro retained, max(S) ratio), a summary with the
 * mean and spread of the Frobenius retention (what resize_lora.py prints at the end), and the spectra of the
 * modules that lost most, with the kept rank marked.
 */
import type { Report, ReportSection, TableColumn } from '../../../../shared/ipc/reports.js';
import type { SavedLoraModule } from '../../export/save-lora.js';
import { retention } from './retention.js';

export interface CompressionRow {
  readonly module: string;
  readonly block?: string;
  readonly oldRank: number | null;
  readonly saved?: SavedLoraModule;
  /** Why the module was not truncated (kept as it was, skipped …). */
  readonly note?: string;
}

export interface ReportSubject {
  readonly id: string;
  readonly type: string;
  readonly title: string;
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(6)));
const SPECTRA = 24;
const SPECTRUM_VALUES = 64;

const COLUMNS: TableColumn[] = [
  { key: 'module', label: 'Module', type: 'text' },
  { key: 'block', label: 'Block', type: 'text' },
  { key: 'oldRank', label: 'Old rank', type: 'integer' },
  { key: 'rank', label: 'New rank', type: 'integer' },
  { key: 'alpha', label: 'Alpha', type: 'number' },
  { key: 'sumRetained', label: 'sum(S) retained', type: 'number', unit: '%' },
  { key: 'froRetained', label: 'Fro retained', type: 'number', unit: '%' },
  { key: 'maxRatio', label: 'max(S) ratio', type: 'number' },
  { key: 'note', label: 'Note', type: 'text' },
];

export function rowValues(r: CompressionRow): Record<string, string | number | null> {
  const c = r.saved?.compression;
  const ret = c ? retention(c.singularValues, c.rank) : undefined;
  const fro = c ? c.frobeniusRetained : null;
  return {
    module: r.saved?.name ?? r.module,
    block: r.block ?? null,
    oldRank: r.oldRank,
    rank: r.saved?.rank ?? null,
    alpha: finite(r.saved?.alpha),
    sumRetained: finite(ret?.sumRetained === null || ret === undefined ? null : 100 * ret.sumRetained),
    froRetained: finite(fro === null ? null : 100 * fro),
    maxRatio: finite(ret?.maxRatio),
    note: r.note ?? (c && !c.complete ? 'top singular values only (randomized SVD): sum(S) is of those' : null),
  };
}

export function compressionReport(subject: ReportSubject, summary: { label: string; value: string | number }[], rows: readonly CompressionRow[], extra: ReportSection[] = []): Report {
  const fros = rows.flatMap((r) => (r.saved?.compression ? [r.saved.compression.frobeniusRetained] : []));
  const mean = fros.length ? fros.reduce((a, b) => a + b, 0) / fros.length : null;
  const std = mean === null ? null : Math.sqrt(fros.reduce((a, b) => a + (b - mean) ** 2, 0) / fros.length);
  const sections: ReportSection[] = [
    {
      kind: 'summary',
      title: subject.title,
      items: [
        ...summary,
        { label: 'Mean Frobenius retention', value: mean === null ? 'n/a' : `${(100 * mean).toFixed(2)} %` },
        { label: 'Spread (std)', value: std === null ? 'n/a' : std.toFixed(4) },
      ],
    },
    { kind: 'table', title: 'Modules', columns: COLUMNS, rows: rows.map(rowValues) },
  ];
  const worst = rows
    .filter((r) => r.saved?.compression)
    .sort((a, b) => a.saved!.compression!.frobeniusRetained - b.saved!.compression!.frobeniusRetained)
    .slice(0, SPECTRA);
  if (worst.length > 0) {
    sections.push({
      kind: 'spectra',
      title: `Singular values of the ${worst.length} modules that kept least`,
      series: worst.map((r) => ({
        source: subject.title,
        module: r.saved!.name,
        ...(r.block ? { block: r.block } : {}),
        values: Array.from(r.saved!.compression!.singularValues.subarray(0, SPECTRUM_VALUES), (v) => finite(v) ?? 0),
        keptRank: r.saved!.compression!.rank,
      })),
    });
  }
  sections.push(...extra);
  return { nodeId: subject.id, nodeType: subject.type, title: subject.title, createdAt: Date.now(), sections };
}
