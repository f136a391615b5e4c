/** Select LoRA Layers: keeps or removes modules by name pattern (file or canonical name) or by block. */
import { selectLoraLayers } from '../../../../shared/nodes/catalogue/lora.js';
import { EngineError } from '../../errors.js';
import { createLayerSelector } from '../../ops/select/layer-selector.js';
import { selectLoraModules } from '../../ops/select/select-lora.js';
import { defineNodeImpl } from '../node-impl.js';

export const selectLoraLayersImpl = defineNodeImpl(selectLoraLayers, async ({ node, inputs, params }) => {
  const lora = inputs.one('lora', 'lora');
  const selected = selectLoraModules(lora, createLayerSelector(params));
  if (selected.modules.length === 0) {
    throw new EngineError('empty-selection', `${node.title}: no module of ${lora.label} is left (${lora.modules.length} in, mode ${params.mode}).`, {
      node: node.id,
      hint: 'Check the patterns and blocks: patterns match module names as the file spells them or canonical names (unet.down_blocks.0…).',
    });
  }
  return { outputs: { lora: { ...selected, label: `${lora.label} (selected)` } }, summary: `${selected.modules.length} of ${lora.modules.length} modules kept` };
});
