/**
 * Select Model Layers: which base tensors are not kept, as a model step: "revert" drops every patch applied
 * to them so far (they keep the base's values), "drop" leaves them out of what Save Model writes.
 */
import type { ModelValue } from '../../values/model-value.js';
import type { LayerSelector } from './layer-selector.js';
import { tensorBlocks } from './tensor-blocks.js';

export interface ModelSelection {
  readonly model: ModelValue;
  readonly kept: number;
  readonly notKept: number;
}

export function selectModelLayers(model: ModelValue, keep: LayerSelector, effect: 'revert' | 'drop'): ModelSelection {
  const entries = model.base.source.entries;
  const blocks = tensorBlocks(model.base.keyMap, entries);
  const notKept = entries.filter((e) => !keep([e.name], blocks.get(e.name))).map((e) => e.name);
  return {
    model: { ...model, steps: [...model.steps, { type: 'select', effect, keys: notKept }], label: `${model.label} (${effect === 'revert' ? 'partly reverted' : 'selected'})` },
    kept: entries.length - notKept.length,
    notKept: notKept.length,
  };
}
