/** Scale LoRA: every module's strength times m (the factors are untouched; the sinks apply it once). */
import { scaleLora } from '../../../../shared/nodes/catalogue/lora.js';
import { scaleLora as scaleLoraValue } from '../../values/lora-value.js';
import { defineNodeImpl } from '../node-impl.js';

export const scaleLoraImpl = defineNodeImpl(scaleLora, async ({ inputs, params }) => {
  const lora = inputs.one('lora', 'lora');
  return { outputs: { lora: scaleLoraValue(lora, params.strength, `${lora.label} ×${params.strength}`) }, summary: `×${params.strength}, ${lora.modules.length} modules` };
});
