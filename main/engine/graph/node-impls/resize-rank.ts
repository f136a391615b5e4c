/**
 * Resize Rank: kohya resize_lora semantics (ops/resize). The truncation is computed here, a module at a time in
 * the pool, so the node's report has the ranks and retained energy; the output LoRA holds the new factors.
 */
import { resizeRank } from '../../../../shared/nodes/catalogue/lora.js';
import { resizeLora } from '../../ops/resize/resize-lora.js';
import type { RankRule } from '../../values/lora-value.js';
import { defineNodeImpl } from '../node-impl.js';
import { evaluateModules, rankSummary } from './evaluate-modules.js';

export function rankRuleOf(p: { method: 'fixed' | 'sv_ratio' | 'sv_fro' | 'sv_cumulative'; rank: number; dynamicParam: number }): RankRule {
  return p.method === 'fixed' ? { type: 'fixed', rank: p.rank } : { type: 'dynamic', method: p.method, param: p.dynamicParam, maxRank: p.rank };
}

export const resizeRankImpl = defineNodeImpl(resizeRank, async ({ node, inputs, params, run, pool }) => {
  const lora = inputs.one('lora', 'lora');
  const { lora: planned, report } = resizeLora(lora, { rank: rankRuleOf(params), ...(params.convRank > 0 ? { convRank: params.convRank } : {}) }, `${lora.label} (resized)`);
  const evaluated = await evaluateModules(planned, (m) => m.source.type === 'compress', await pool(), run);
  const out = report.toReport(evaluated.modules, { id: node.id, type: node.type, title: node.title });
  return {
    outputs: { lora: evaluated.lora, report: { kind: 'report', report: out } },
    summary: `${report.resized} of ${planned.modules.length} modules resized, ${rankSummary(evaluated.lora.modules)}`,
    report: out,
  };
});
