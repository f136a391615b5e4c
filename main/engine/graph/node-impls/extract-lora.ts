/**
 * Extract LoRA: kohya extract_lora_from_models semantics (ops/extract) on the two connected checkpoints; the
 * truncated SVDs are computed in the op's single pass over the weights, so the report is complete. The models
 * are read as their files hold them: patches applied upstream (Apply LoRA, merges) would not be part of ΔW, so
 * a patched model is refused rather than silently ignored.
 */
import { extractLora } from '../../../../shared/nodes/catalogue/lora.js';
import { EngineError } from '../../errors.js';
import { extractLora as extract } from '../../ops/extract/extract-lora.js';
import type { ModelValue } from '../../values/model-value.js';
import { defineNodeImpl } from '../node-impl.js';
import { rankSummary } from './evaluate-modules.js';
import { rankRuleOf } from './resize-rank.js';

function unpatched(model: ModelValue, role: string, node: { id: string; title: string }): ModelValue {
  if (model.steps.length === 0) return model;
  throw new EngineError('extract-patched-model', `${node.title}: the ${role} model (${model.label}) has ${model.steps.length} patching step(s); Extract LoRA reads checkpoints as saved.`, {
    node: node.id,
    hint: 'Save the patched model with Save Model, then load that file as the input of Extract LoRA.',
  });
}

export const extractLoraImpl = defineNodeImpl(extractLora, async ({ node, inputs, params, run, pool }) => {
  const base = unpatched(inputs.one('base', 'model'), 'base', node);
  const tuned = unpatched(inputs.one('tuned', 'model'), 'tuned', node);
  const workers = await pool();
  const { lora, report, modules } = await extract(
    base.base,
    tuned.base,
    {
      rank: rankRuleOf(params),
      ...(params.convRank > 0 ? { convRank: params.convRank } : {}),
      threshold: params.threshold,
      textEncoders: params.textEncoders,
      ...(params.clampQuantile < 1 ? { clampQuantile: params.clampQuantile } : {}),
      seed: params.seed,
    },
    { signal: run.signal, pool: workers, ...(run.onProgress ? { onProgress: run.onProgress } : {}) },
  );
  const out = report.toReport(modules, { id: node.id, type: node.type, title: node.title });
  return {
    outputs: { lora: { ...lora, label: node.title === 'Extract LoRA' ? lora.label : node.title }, report: { kind: 'report', report: out } },
    summary: `${lora.modules.length} modules extracted (${report.skipped.length} below the threshold), ${rankSummary(lora.modules)}`,
    report: out,
  };
});
