/** New LoRA: a fresh seeded rank-r branch on the model's matching layers (see ops/new-lora). */
import { newLora } from '../../../../shared/nodes/catalogue/load.js';
import { createNewLora } from '../../ops/new-lora/new-lora.js';
import { defineNodeImpl } from '../node-impl.js';

export const newLoraImpl = defineNodeImpl(newLora, async ({ node, inputs, params }) => {
  const model = inputs.one('model', 'model');
  const lora = createNewLora(model.base, { ...params, label: node.title });
  const zero = params.zeroFactor === 'none' ? 'both factors random (ΔW ≠ 0)' : `${params.zeroFactor === 'up' ? 'B' : 'A'} = 0 (ΔW = 0)`;
  return { outputs: { lora }, summary: `rank ${params.rank}, alpha ${params.alpha}, ${lora.modules.length} modules, ${zero}` };
});
