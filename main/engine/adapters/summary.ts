/** summarizeAdapter: plain data about a loaded adapter for `lora-studio inspect` (and its --json). */
import { targetsConvLayer } from '../naming/name-kind.js';
import type { AdapterDialect, AdapterModuleKind, LoadedAdapter } from './types.js';

export interface ValueCount {
  value: number;
  count: number;
}

export interface AdapterSummary {
  path: string;
  files: string[];
  dialects: AdapterDialect[];
  tensorCount: number;
  parameterCount: number;
  moduleCount: number;
  modulesByKind: Partial<Record<AdapterModuleKind, number>>;
  /** Layer shapes: conv (ΔW with kernel dims), linear (2-D), embedding, vector (1-D full diffs), replace. */
  layers: { linear: number; conv: number; embedding: number; vector: number; replace: number };
  tucker: number;
  dora: { count: number; conventions: string[] };
  fanInFanOut: number;
  ranks: ValueCount[];
  alphas: ValueCount[];
  alphaMissing: number;
  scales: ValueCount[];
  dtypes: Record<string, number>;
  unusedKeyCount: number;
  /** Unused keys grouped by reason, with a few examples each. */
  unusedByReason: { reason: string; count: number; examples: string[] }[];
  metadataKeys: string[];
  /** kohya sd-scripts training metadata (`ss_*`); long values (tag frequencies, dataset dirs) cut at 200 characters. */
  kohya: Record<string, string>;
  peft?: { source: string; r: number; lora_alpha: number; use_rslora: boolean; use_dora: boolean; rank_pattern: number; alpha_pattern: number; target_modules: string[] | string | null; modules_to_save: string[] | null; base_model_name_or_path?: string | null; task_type?: string | null; peft_type?: string };
  notes: string[];
}

const LONG_VALUE = 200;

export function summarizeAdapter(adapter: LoadedAdapter): AdapterSummary {
  const modulesByKind: Partial<Record<AdapterModuleKind, number>> = {};
  const layers = { linear: 0, conv: 0, embedding: 0, vector: 0, replace: 0 };
  const ranks = new Map<number, number>();
  const alphas = new Map<number, number>();
  const scales = new Map<number, number>();
  let tucker = 0;
  let alphaMissing = 0;
  let fanInFanOut = 0;
  const doraConventions = new Set<string>();
  let dora = 0;
  for (const m of adapter.modules) {
    const kind = m.params.kind;
    modulesByKind[kind] = (modulesByKind[kind] ?? 0) + 1;
    if (kind === 'replace') layers.replace++;
    else if (m.embedding) layers.embedding++;
    // Conv is the target layer's kind: a conv's factors may be stored 2-D ([out, in·k·k]), as LoKr and LoCon do.
    else if (m.deltaShape.length > 2 || targetsConvLayer(m.name)) layers.conv++;
    else if (m.deltaShape.length === 2) layers.linear++;
    else layers.vector++;
    if ((kind === 'lora' && m.params.mid) || (kind === 'loha' && m.params.t1) || (kind === 'lokr' && m.params.t2)) tucker++;
    if (kind === 'replace') continue;
    if (m.rank !== undefined) bump(ranks, m.rank);
    if (m.alpha !== undefined) bump(alphas, m.alpha);
    else alphaMissing++;
    bump(scales, m.scale);
    if (m.fanInFanOut) fanInFanOut++;
    if (m.dora) {
      dora++;
      doraConventions.add(`${m.dora.convention} (${m.dora.norm})`);
    }
  }
  const dtypes: Record<string, number> = {};
  let parameterCount = 0;
  for (const e of adapter.source.entries) {
    dtypes[e.dtype] = (dtypes[e.dtype] ?? 0) + 1;
    parameterCount += e.shape.reduce((a, b) => a * b, 1);
  }
  const byReason = new Map<string, string[]>();
  for (const u of adapter.unusedKeys) {
    const list = byReason.get(u.reason) ?? [];
    list.push(u.key);
    byReason.set(u.reason, list);
  }
  const kohya: Record<string, string> = {};
  for (const [k, v] of Object.entries(adapter.metadata)) {
    if (k.startsWith('ss_')) kohya[k] = v.length > LONG_VALUE ? `${v.slice(0, LONG_VALUE)}… (${v.length} characters)` : v;
  }
  const c = adapter.peftConfig;
  return {
    path: adapter.path,
    files: [...adapter.source.files],
    dialects: [...adapter.dialects],
    tensorCount: adapter.source.entries.length,
    parameterCount,
    moduleCount: adapter.modules.length,
    modulesByKind,
    layers,
    tucker,
    dora: { count: dora, conventions: [...doraConventions].sort() },
    fanInFanOut,
    ranks: sorted(ranks),
    alphas: sorted(alphas),
    alphaMissing,
    scales: sorted(scales),
    dtypes,
    unusedKeyCount: adapter.unusedKeys.length,
    unusedByReason: [...byReason.entries()].map(([reason, keys]) => ({ reason, count: keys.length, examples: keys.slice(0, 3) })),
    metadataKeys: Object.keys(adapter.metadata).sort(),
    kohya,
    ...(c
      ? {
          peft: {
            source: adapter.configSource ?? '',
            r: c.r,
            lora_alpha: c.lora_alpha,
            use_rslora: c.use_rslora,
            use_dora: c.use_dora,
            rank_pattern: Object.keys(c.rank_pattern).length,
            alpha_pattern: Object.keys(c.alpha_pattern).length,
            target_modules: c.target_modules,
            modules_to_save: c.modules_to_save,
            ...(c.base_model_name_or_path !== undefined ? { base_model_name_or_path: c.base_model_name_or_path } : {}),
            ...(c.task_type !== undefined ? { task_type: c.task_type } : {}),
            ...(c.peft_type !== undefined ? { peft_type: c.peft_type } : {}),
          },
        }
      : {}),
    notes: [...adapter.notes],
  };
}

function bump(map: Map<number, number>, v: number): void {
  map.set(v, (map.get(v) ?? 0) + 1);
}

function sorted(map: Map<number, number>): ValueCount[] {
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count }));
}
