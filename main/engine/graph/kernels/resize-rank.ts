/**
 * Resize Rank: kohya resize_lora semantics (ops/resize). The truncation is computed here, a module at a time in
 * the pool, so the node's report has the ranks and retained energy; the output LoRA holds the new factors.
 */
import { resizeRank } from '../../../../shared/nodes/catalogue/lora.js';
import type { SavedLoraModule } from '../../export/save-lora.js';
import { mapBounded } from '../../ops/inspect-report/pool-map.js';
import { resizeLora } from '../../ops/resize/resize-lora.js';
import type { LoraModuleValue, RankRule } from '../../values/lora-value.js';
import { defineKernel } from '../kernel.js';

export function rankRuleOf(p: { method: 'fixed' | 'sv_ratio' | 'sv_fro' | 'sv_cumulative'; rank: number; dynamicParam: number }): RankRule {
  return p.method === 'fixed' ? { type: 'fixed', rank: p.rank } : { type: 'dynamic', method: p.method, param: p.dynamicParam, maxRank: p.rank };
}

export const resizeRankKernel = defineKernel(resizeRank, async ({ node, inputs, params, run, pool }) => {
  const lora = inputs.one('lora', 'lora');
  const { lora: planned, report } = resizeLora(lora, { rank: rankRuleOf(params), ...(params.convRank > 0 ? { convRank: params.convRank } : {}) }, `${lora.label} (resized)`);
  const workers = await pool();
  const saved: SavedLoraModule[] = [];
  const modules = await mapBounded(
    planned.modules,
    workers.size * 2,
    async (m): Promise<LoraModuleValue> => {
      if (m.source.type !== 'compress') return m;
      const r = await workers.run('combine.module', { source: m.source, module: m.name }, { signal: run.signal });
      saved.push({ name: m.name, source: m.name, ...(m.canonical ? { canonical: m.canonical } : {}), ...(m.block ? { block: m.block } : {}), rank: r.factors.rank, alpha: r.factors.rank * m.scale, ...(r.compression ? { compression: r.compression } : {}) });
      return { ...m, rank: r.factors.rank, source: { type: 'factors', factors: r.factors, scale: r.scale } };
    },
    (done) => run.onProgress?.({ fraction: done / planned.modules.length, message: `module ${done}/${planned.modules.length}` }),
    run.signal,
  );
  const resized = { ...planned, modules };
  const out = report.toReport(saved, { id: node.id, type: node.type, title: node.title });
  const ranks = [...new Set(modules.flatMap((m) => (m.rank !== undefined ? [m.rank] : [])))].sort((a, b) => a - b);
  return {
    outputs: { lora: resized, report: { kind: 'report', report: out } },
    summary: `${report.resized} of ${modules.length} modules resized, rank ${ranks.length <= 3 ? ranks.join('/') : `${ranks[0]}–${ranks[ranks.length - 1]}`}`,
    report: out,
  };
});
