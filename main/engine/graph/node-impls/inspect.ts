/** Inspect: a report on the connected LoRAs (and their mapping onto the model, if connected), or on the model alone. */
import { inspect } from '../../../../shared/nodes/catalogue/inspect.js';
import { buildInspectReport } from '../../ops/inspect-report/build-report.js';
import { defineNodeImpl } from '../node-impl.js';

export const inspectImpl = defineNodeImpl(inspect, async ({ node, inputs, params, run, pool }) => {
  const loras = inputs.all('loras', 'lora').map((i) => i.value);
  const model = inputs.optional('model', 'model');
  const report = await buildInspectReport(node, loras, model, params, await pool(), run);
  const modules = loras.reduce((s, l) => s + l.modules.length, 0);
  const summary = loras.length > 0 ? `${loras.length} LoRA${loras.length === 1 ? '' : 's'}, ${modules} modules${model ? `, mapped onto ${model.label}` : ''}` : `model ${model?.label ?? ''}`;
  return { outputs: { report: { kind: 'report', report } }, summary, report };
});
