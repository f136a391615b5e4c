/**
 * Resize Rank computes its truncations in the node itself, a module at a time in the pool
 * (task 'combine.module'; Extract LoRA does the same in its op, task 'extract.module'), so the node's report has each module's rank and retained energy; the output LoRA
 * then holds the small factors in memory and sinks only write them.
 */
import type { WorkerPool } from '../../compute/worker-pool.js';
import type { SavedLoraModule } from '../../export/save-lora.js';
import { savedModuleOf } from '../../export/saved-module.js';
import { mapBounded } from '../../ops/inspect-report/pool-map.js';
import type { RunContext } from '../../run-context.js';
import type { LoraModuleValue, LoraValue } from '../../values/lora-value.js';

export interface EvaluatedLora {
  readonly lora: LoraValue;
  /** One entry per evaluated module, as Save LoRA would describe it (for the resize / extract reports). */
  readonly modules: SavedLoraModule[];
}

export async function evaluateModules(lora: LoraValue, evaluate: (m: LoraModuleValue) => boolean, pool: WorkerPool, run: RunContext): Promise<EvaluatedLora> {
  const saved: SavedLoraModule[] = [];
  const total = lora.modules.length;
  const modules = await mapBounded(
    lora.modules,
    pool.size * 2,
    async (m): Promise<LoraModuleValue> => {
      if (!evaluate(m)) return m;
      const r = await pool.run('combine.module', { source: m.source, module: m.name }, { signal: run.signal });
      saved.push(savedModuleOf(m, r));
      return { ...m, rank: r.factors.rank, source: { type: 'factors', factors: r.factors, scale: r.scale } };
    },
    (done) => run.onProgress?.({ fraction: done / Math.max(1, total), message: `module ${done}/${total}` }),
    run.signal,
  );
  return { lora: { ...lora, modules }, modules: saved };
}

export function rankSummary(modules: readonly LoraModuleValue[]): string {
  const ranks = [...new Set(modules.flatMap((m) => (m.rank !== undefined ? [m.rank] : [])))].sort((a, b) => a - b);
  if (ranks.length === 0) return 'no rank';
  return ranks.length <= 3 ? `rank ${ranks.join('/')}` : `ranks ${ranks[0]}–${ranks[ranks.length - 1]}`;
}
