/**
 * Inspect's report (shared/ipc reports.ts) for LoRAs, compared side by side, and optionally a model: per-module
 * rank, scale, ‖ΔW‖ and effective rank; ‖ΔW‖ per block; singular-value spectra of chosen modules; mapping
 * coverage onto the model; sign conflicts between LoRAs. Module numbers are computed in worker threads.
 */
import type { Report, ReportSection } from '../../../../shared/ipc/reports.js';
import { compilePattern } from '../../../../shared/nodes/patterns.js';
import type { WorkerPool } from '../../compute/worker-pool.js';
import { compareBlocks } from '../../naming/blocks.js';
import { FAMILY_TITLE } from '../../naming/components.js';
import type { RunContext } from '../../run-context.js';
import type { LoraModuleValue, LoraValue } from '../../values/lora-value.js';
import type { ModelValue } from '../../values/model-value.js';
import { mapLora } from '../apply/apply-lora.js';
import type { ModuleStats } from './module-stats.js';
import { modelSections } from './model-sections.js';
import { mapBounded } from './pool-map.js';

export interface InspectOptions {
  readonly perModule: boolean;
  readonly perBlock: boolean;
  readonly spectra: boolean;
  readonly mapping: boolean;
  readonly signConflicts: boolean;
  readonly spectraModules: readonly string[];
  readonly maxSpectra: number;
}

export interface InspectSubject {
  readonly id: string;
  readonly type: string;
  readonly title: string;
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
const round = (v: number | null): number | null => (v === null ? null : Number(v.toPrecision(6)));

interface ModuleRow {
  lora: LoraValue;
  module: LoraModuleValue;
  block: string;
  stats?: ModuleStats;
}

export async function buildInspectReport(subject: InspectSubject, loras: readonly LoraValue[], model: ModelValue | undefined, o: InspectOptions, pool: WorkerPool, ctx: RunContext): Promise<Report> {
  const sections: ReportSection[] = [];
  const blockOf = new Map<LoraValue, Map<string, string>>();
  const mappings = model ? loras.map((l) => mapLora(model.base, l)) : [];
  loras.forEach((l, i) => blockOf.set(l, new Map((mappings[i]?.matched ?? []).map((m) => [m.module, m.target.block]))));
  if (loras.length === 0 && model) sections.push(...modelSections(model));

  const rows: ModuleRow[] = loras.flatMap((lora) =>
    lora.modules.filter((m) => m.kind !== 'replace').map((module) => ({ lora, module, block: module.block ?? blockOf.get(lora)?.get(module.name) ?? 'OTHER' })),
  );
  const needStats = o.perModule || o.perBlock || o.spectra;
  const conflictsWork = o.signConflicts && loras.length >= 2 ? sharedModules(loras) : [];
  const total = (needStats ? rows.length : 0) + conflictsWork.length;
  let done = 0;
  const tick = (): void => ctx.onProgress?.({ fraction: total === 0 ? 1 : ++done / total, message: `module ${done}/${total}` });
  if (needStats) {
    const stats = await mapBounded(
      rows,
      pool.size * 2,
      (r) => pool.run('inspect.moduleStats', { module: r.module.name, source: r.module.source, kind: r.module.kind, deltaShape: r.module.deltaShape, coefficient: r.module.strength }, { signal: ctx.signal }),
      tick,
      ctx.signal,
    );
    rows.forEach((r, i) => (r.stats = stats[i]));
  }

  sections.push(summarySection(loras, rows));
  if (o.perModule && rows.length > 0) sections.push(moduleTable(rows, loras.length > 1));
  if (o.perBlock && rows.length > 0) sections.push(blockNorms(loras, rows));
  if (o.spectra && rows.length > 0) sections.push(spectra(loras, rows, o));
  if (o.mapping && model && loras.length > 0) {
    sections.push({
      kind: 'mapping',
      title: `Mapping onto ${model.label}`,
      entries: loras.map((l, i) => ({
        source: l.label,
        architecture: mappings[i]!.architecture.family,
        matched: mappings[i]!.matched.length,
        unmatched: mappings[i]!.unmatched.map((u) => ({ module: u.module, reason: u.reason })),
        perBlock: mappings[i]!.perBlock.map((b) => ({ block: b.block, matched: b.count })),
      })),
    });
  }
  if (conflictsWork.length > 0) {
    const counts = await mapBounded(
      conflictsWork,
      pool.size * 2,
      (w) => pool.run('inspect.signConflicts', { module: w.key, members: w.members.map((m) => ({ source: m.source, coefficient: m.strength })) }, { signal: ctx.signal }),
      tick,
      ctx.signal,
    );
    const entries = counts.reduce((s, c) => s + c.entries, 0);
    const conflicts = counts.reduce((s, c) => s + c.conflicts, 0);
    sections.push({
      kind: 'sign-conflicts',
      title: 'Sign conflicts',
      sources: loras.map((l) => l.label),
      overall: entries === 0 ? 0 : conflicts / entries,
      modules: conflictsWork.map((w, i) => ({ module: w.key, ...(w.block ? { block: w.block } : {}), fraction: counts[i]!.entries === 0 ? 0 : counts[i]!.conflicts / counts[i]!.entries, entries: counts[i]!.entries })),
    });
  } else if (o.signConflicts && loras.length >= 2) {
    sections.push({ kind: 'notes', title: 'Sign conflicts', lines: [{ level: 'info', text: 'The LoRAs share no module, so their signs cannot conflict.' }] });
  }
  ctx.onProgress?.({ fraction: 1 });
  return { nodeId: subject.id, nodeType: subject.type, title: subject.title, createdAt: Date.now(), sections };
}

function summarySection(loras: readonly LoraValue[], rows: readonly ModuleRow[]): ReportSection {
  return {
    kind: 'summary',
    title: 'LoRAs',
    items: loras.flatMap((l) => {
      const own = rows.filter((r) => r.lora === l);
      const sq = own.reduce((s, r) => s + (r.stats ? r.stats.frobenius ** 2 : 0), 0);
      const ranks = [...new Set(l.modules.map((m) => m.rank).filter((r): r is number => r !== undefined))].sort((a, b) => a - b);
      return [
        { label: `${l.label}: architecture`, value: `${FAMILY_TITLE[l.architecture.family]} (${l.architecture.layout})` },
        { label: `${l.label}: modules`, value: l.modules.length },
        { label: `${l.label}: ranks`, value: ranks.join(', ') || '—' },
        ...(own.some((r) => r.stats) ? [{ label: `${l.label}: total ‖ΔW‖`, value: Number(Math.sqrt(sq).toPrecision(6)) }] : []),
      ];
    }),
  };
}

function moduleTable(rows: readonly ModuleRow[], withSource: boolean): ReportSection {
  return {
    kind: 'table',
    title: 'Modules',
    columns: [
      ...(withSource ? [{ key: 'lora', label: 'LoRA', type: 'text' as const }] : []),
      { key: 'module', label: 'Module', type: 'text' },
      { key: 'block', label: 'Block', type: 'text' },
      { key: 'kind', label: 'Kind', type: 'text' },
      { key: 'rank', label: 'Rank', type: 'integer' },
      { key: 'alpha', label: 'Alpha', type: 'number' },
      { key: 'scale', label: 'Scale', type: 'number' },
      { key: 'strength', label: 'Strength', type: 'number' },
      { key: 'norm', label: '‖ΔW‖', type: 'number' },
      { key: 'effectiveRank', label: 'Effective rank', type: 'number' },
    ],
    rows: rows.map((r) => ({
      ...(withSource ? { lora: r.lora.label } : {}),
      module: r.module.canonical ?? r.module.name,
      block: r.block,
      kind: r.module.kind,
      rank: r.module.rank ?? null,
      // alpha as kohya stores it (scale = alpha / rank); rsLoRA modules store alpha/√r instead.
      alpha: r.module.rank !== undefined ? round(finite(r.module.scale * r.module.rank)) : null,
      scale: round(finite(r.module.scale)),
      strength: round(finite(r.module.strength)),
      norm: round(finite(r.stats?.frobenius)),
      effectiveRank: round(finite(r.stats?.effectiveRank)),
    })),
  };
}

function blockNorms(loras: readonly LoraValue[], rows: readonly ModuleRow[]): ReportSection {
  const blocks = [...new Set(rows.map((r) => r.block))].sort(compareBlocks);
  return {
    kind: 'block-norms',
    title: '‖ΔW‖ per block',
    blocks,
    series: loras.map((l) => ({
      source: l.label,
      values: blocks.map((b) => {
        const own = rows.filter((r) => r.lora === l && r.block === b && r.stats);
        return own.length === 0 ? null : round(Math.sqrt(own.reduce((s, r) => s + r.stats!.frobenius ** 2, 0)));
      }),
    })),
  };
}

function spectra(loras: readonly LoraValue[], rows: readonly ModuleRow[], o: InspectOptions): ReportSection {
  const tests = o.spectraModules.map((p) => compilePattern(p)).flatMap((c) => (c.ok ? [c.test] : []));
  const series = loras.flatMap((l) => {
    const own = rows.filter((r) => r.lora === l && r.stats?.singularValues && r.stats.singularValues.length > 0);
    const chosen = tests.length > 0 ? own.filter((r) => tests.some((t) => t(r.module.name) || (r.module.canonical !== undefined && t(r.module.canonical)))) : [...own].sort((a, b) => b.stats!.frobenius - a.stats!.frobenius);
    return chosen.slice(0, o.maxSpectra).map((r) => ({
      source: l.label,
      module: r.module.canonical ?? r.module.name,
      block: r.block,
      values: Array.from(r.stats!.singularValues!, (v) => (Number.isFinite(v) ? v : 0)),
    }));
  });
  return { kind: 'spectra', title: 'Singular values', series };
}

interface SharedModule {
  key: string;
  block?: string;
  members: LoraModuleValue[];
}

/** Modules two or more LoRAs have (by canonical name, else name) with the same delta size. */
function sharedModules(loras: readonly LoraValue[]): SharedModule[] {
  const byKey = new Map<string, SharedModule>();
  for (const l of loras) {
    for (const m of l.modules) {
      if (m.kind === 'replace') continue;
      const key = m.canonical ?? m.name;
      const e = byKey.get(key) ?? { key, ...(m.block ? { block: m.block } : {}), members: [] };
      e.members.push(m);
      byKey.set(key, e);
    }
  }
  const size = (m: LoraModuleValue): number => m.deltaShape.reduce((a, b) => a * b, 1);
  return [...byKey.values()].filter((e) => e.members.length >= 2 && e.members.every((m) => size(m) === size(e.members[0]!)));
}
