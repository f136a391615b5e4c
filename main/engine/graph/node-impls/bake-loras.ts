/**
 * Bake LoRAs: several LoRAs mapped onto one model with their connection strengths, then added as one step per
 * LoRA (sum) or as one task-vector merge step (merge-methods: TIES, DARE, ...). The node's report holds a
 * mapping entry per LoRA.
 */
import { bakeLoras } from '../../../../shared/nodes/catalogue/model.js';
import { prepareApply } from '../../ops/apply/apply-lora.js';
import { validateMergeOptions } from '../../merge-methods/options.js';
import type { ModelStep } from '../../values/model-value.js';
import { defineNodeImpl } from '../node-impl.js';
import { mappingsReport } from './apply-lora.js';

export const bakeLorasKernel = defineNodeImpl(bakeLoras, async ({ node, inputs, params, run }) => {
  const model = inputs.one('model', 'model');
  const loras = inputs.all('loras', 'lora');
  const options = { allowUnmatched: params.allowUnmatched, acceptArchitectureMismatch: params.acceptArchitectureMismatch };
  const applied = loras.map((i) => prepareApply(model.base, i.value, typeof i.params.strength === 'number' ? i.params.strength : 1, options));
  for (const a of applied) for (const u of a.mapping.unmatched) run.log?.(`warning: ${node.title}: ${a.lora.label}: ${u.module} skipped: ${u.reason}`);
  const steps: ModelStep[] =
    params.method === 'sum'
      ? applied.map((a) => ({ type: 'apply', applied: a }))
      : [{ type: 'merge', members: applied, options: validateMergeOptions({ method: params.method, density: params.density, seed: params.seed, majority: params.majority }) }];
  const matched = applied.map((a) => `${a.mapping.matched.length}/${a.lora.modules.length}`).join(', ');
  return {
    outputs: { model: { ...model, steps: [...model.steps, ...steps], label: `${model.label} + ${applied.map((a) => a.lora.label).join(' + ')}` } },
    summary: `${params.method}, ${applied.length} LoRAs, ${matched} modules matched`,
    report: mappingsReport(node, applied),
  };
});
