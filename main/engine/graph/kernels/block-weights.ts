/**
 * Block Weights: LBW presets or vectors, TE / UNet strengths and elemental rules, as a multiplier on each
 * module's strength by its block (ops/block-weights). The LoRA's own architecture picks the layout family.
 */
import { presetVector } from '../../../../shared/blocks/block-weight-presets.js';
import { parseElementalRules } from '../../../../shared/blocks/elemental.js';
import { blockWeights } from '../../../../shared/nodes/catalogue/lora.js';
import { EngineError } from '../../errors.js';
import { createBlockMultiplier } from '../../ops/block-weights/multiplier.js';
import { weightLoraByBlocks } from '../../ops/block-weights/weight-lora.js';
import { defineKernel } from '../kernel.js';

export const blockWeightsKernel = defineKernel(blockWeights, async ({ node, inputs, params }) => {
  const lora = inputs.one('lora', 'lora');
  const family = lora.architecture.family;
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
  const weighted = weightLoraByBlocks(lora, { multiplier }, `${lora.label} (block weights)`);
  const zeroed = weighted.modules.filter((m) => m.strength === 0).length;
  const shown = params.preset === 'custom' ? `${params.weights.length} values` : params.preset;
  return { outputs: { lora: weighted }, summary: `${shown}, ${weighted.modules.length - zeroed} modules weighted, ${zeroed} set to 0` };
});
