/**
 * Block Weights: LBW presets or vectors, TE / UNet strengths and elemental rules, as a multiplier on each
 * module's strength by its block (ops/block-weights). With a model connected, the base's family and the block of
 * the base tensor each module maps to decide (the base is authoritative); without, the LoRA's own.
 */
import { presetVector } from '../../../../shared/blocks/block-weight-presets.js';
import { parseElementalRules } from '../../../../shared/blocks/elemental.js';
import { blockWeights } from '../../../../shared/nodes/catalogue/lora.js';
import { EngineError } from '../../errors.js';
import { mapLora } from '../../ops/apply/apply-lora.js';
import { createBlockMultiplier } from '../../ops/block-weights/multiplier.js';
import { weightLoraByBlocks } from '../../ops/block-weights/weight-lora.js';
import type { LoraModuleValue } from '../../values/lora-value.js';
import { defineNodeImpl } from '../node-impl.js';

export const blockWeightsImpl = defineNodeImpl(blockWeights, async ({ node, inputs, params }) => {
  const lora = inputs.one('lora', 'lora');
  const model = inputs.optional('model', 'model');
  // With a model, the base is authoritative: its family, and each module's block from the mapping.
  const blockByModule = model ? new Map(mapLora(model.base, lora).matched.map((m) => [m.module, m.target.block])) : undefined;
  const family = model ? model.base.keyMap.architecture.family : lora.architecture.family;
  if (family === 'unknown') {
    throw new EngineError('block-weights-architecture', `${node.title}: the architecture of ${lora.label} was not recognised, so its blocks are unknown.`, {
      node: node.id,
      hint: 'Block weights need a LoRA for SD 1.x/2.x, SDXL, Flux or a transformers model.',
    });
  }
  let weights: string;
  if (params.preset === 'custom') weights = params.weights.join(',');
  else if (params.layout !== 'auto') {
    const v = presetVector(params.preset, params.layout);
    if (!v.ok) throw new EngineError('preset-layout', `${node.title}: ${v.message}.`, { node: node.id });
    weights = v.vector.join(',');
  } else weights = params.preset;
  const rules = params.elements.trim() === '' ? { ok: true as const, rules: [] } : parseElementalRules(params.elements);
  if (!rules.ok) throw new EngineError('bad-elemental-rule', `${node.title}: elemental rule on line ${rules.line}: ${rules.message}.`, { node: node.id });
  const multiplier = createBlockMultiplier({ family, weights, te: params.teStrength, unet: params.unetStrength, elements: rules.rules });
  const blockOf = blockByModule ? (m: LoraModuleValue): string => blockByModule.get(m.name) ?? m.block ?? 'OTHER' : undefined;
  const weighted = weightLoraByBlocks(lora, { multiplier, ...(blockOf ? { blockOf } : {}) }, `${lora.label} (block weights)`);
  const zeroed = weighted.modules.filter((m) => m.strength === 0).length;
  const shown = params.preset === 'custom' ? `${params.weights.length} values` : params.preset;
  return { outputs: { lora: weighted }, summary: `${shown}, ${weighted.modules.length - zeroed} modules weighted, ${zeroed} set to 0` };
});
