/** Select Model Layers: tensors not kept revert to the base or are dropped from the output. */
import { selectModelLayers } from '../../../../shared/nodes/catalogue/model.js';
import { EngineError } from '../../errors.js';
import { createLayerSelector } from '../../ops/select/layer-selector.js';
import { selectModelLayers as selectTensors } from '../../ops/select/select-model.js';
import { defineNodeImpl } from '../node-impl.js';

export const selectModelLayersImpl = defineNodeImpl(selectModelLayers, async ({ node, inputs, params }) => {
  const model = inputs.one('model', 'model');
  const r = selectTensors(model, createLayerSelector(params), params.effect);
  if (r.kept === 0) {
    throw new EngineError('empty-selection', `${node.title}: no tensor of ${model.label} is kept (mode ${params.mode}).`, {
      node: node.id,
      hint: 'Patterns match the checkpoint’s tensor names (model.diffusion_model.input_blocks.4…); blocks are labels such as IN04 or TE.',
    });
  }
  const what = params.effect === 'revert' ? 'reverted to the base' : 'dropped';
  return { outputs: { model: r.model }, summary: `${r.kept} tensors kept, ${r.notKept} ${what}` };
});
