/** Select Layers: the selection rule, tensor blocks of a checkpoint, and what revert / drop do to a bake plan. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLoraToModel } from '../../../main/engine/ops/apply/apply-lora.js';
import { planBake } from '../../../main/engine/ops/apply/plan-bake.js';
import { loadLora, modelFromBase, openBaseModel } from '../../../main/engine/ops/load.js';
import { createLayerSelector } from '../../../main/engine/ops/select/layer-selector.js';
import { selectLoraModules } from '../../../main/engine/ops/select/select-lora.js';
import { selectModelLayers } from '../../../main/engine/ops/select/select-model.js';
import { tensorBlocks } from '../../../main/engine/ops/select/tensor-blocks.js';
import type { LoraValue } from '../../../main/engine/values/lora-value.js';
import type { BaseModel } from '../../../main/engine/values/model-value.js';
import { makeDemoDir } from './helpers/demo-dir.js';

let base: BaseModel;
let style: LoraValue;
beforeAll(async () => {
  const dir = await makeDemoDir();
  base = await openBaseModel(path.join(dir, 'sd15-tiny.safetensors'));
  style = await loadLora(path.join(dir, 'style-lora.safetensors'));
});
afterAll(async () => {
  await base.source.close();
});

describe('layer selector', () => {
  it('selects by any name matching a pattern or by block; exclude inverts', () => {
    const keep = createLayerSelector({ mode: 'include', patterns: ['attn2', 're:^te\\.'], blocks: ['OUT03-OUT05'] });
    expect(keep(['unet.x.attn2.to_k'], 'IN01')).toBe(true);
    expect(keep(['lora_unet_x', 'te.text_model.q_proj'], 'TE')).toBe(true);
    expect(keep(['unet.x.attn1.to_k'], 'OUT04')).toBe(true);
    expect(keep(['unet.x.attn1.to_k'], 'OUT06')).toBe(false);
    expect(keep(['unet.x.attn1.to_k'], undefined)).toBe(false);
    const drop = createLayerSelector({ mode: 'exclude', patterns: ['*.to_k'], blocks: [] });
    expect(drop(['unet.x.attn1.to_k'], 'IN01')).toBe(false);
    expect(drop(['unet.x.attn1.to_q'], 'IN01')).toBe(true);
  });

  it('refuses an invalid pattern or block with a message naming it', () => {
    expect(() => createLayerSelector({ mode: 'include', patterns: ['re:('], blocks: [] })).toThrow(/Layer pattern "re:\("/);
    expect(() => createLayerSelector({ mode: 'include', patterns: [], blocks: ['IN99'] })).toThrow(/Block "IN99"/);
  });

  it('keeps LoRA modules by their file or canonical names and blocks', () => {
    const te = selectLoraModules(style, createLayerSelector({ mode: 'include', patterns: [], blocks: ['TE'] }));
    expect(te.modules.length).toBeGreaterThan(0);
    expect(te.modules.every((m) => m.block === 'TE' && m.name.startsWith('lora_te_'))).toBe(true);
    const byCanonical = selectLoraModules(style, createLayerSelector({ mode: 'include', patterns: ['unet.*.attn1.to_q'], blocks: [] }));
    expect(byCanonical.modules.length).toBeGreaterThan(0);
    expect(byCanonical.modules.every((m) => m.name.endsWith('attn1_to_q'))).toBe(true);
    const rest = selectLoraModules(style, createLayerSelector({ mode: 'exclude', patterns: [], blocks: ['TE'] }));
    expect(rest.modules.length + te.modules.length).toBe(style.modules.length);
  });
});

describe('tensor blocks and model selections', () => {
  it('gives every tensor of a checkpoint the block of its module (norms and biases included)', () => {
    const blocks = tensorBlocks(base.keyMap, base.source.entries);
    expect(blocks.get('model.diffusion_model.input_blocks.1.1.norm.weight')).toBe('IN01');
    expect(blocks.get('model.diffusion_model.input_blocks.1.1.proj_in.bias')).toBe('IN01');
    expect(blocks.get('model.diffusion_model.middle_block.1.transformer_blocks.0.norm1.weight')).toBe('MID');
    expect(blocks.get('model.diffusion_model.output_blocks.11.1.proj_out.weight')).toBe('OUT11');
    expect(blocks.get('cond_stage_model.transformer.text_model.encoder.layers.0.layer_norm1.weight')).toBe('TE');
  });

  it('revert drops the patches of the tensors not kept; drop leaves them out of the output', () => {
    const patched = applyLoraToModel(modelFromBase(base), style, 1);
    const patchedKeys = new Set(planBake(patched, { dtype: 'same' }).filter((j) => j.patches.length > 0).map((j) => j.entry.name));
    const unetOnly = createLayerSelector({ mode: 'include', patterns: ['model.diffusion_model.'], blocks: [] });
    const reverted = selectModelLayers(patched, unetOnly, 'revert');
    const jobs = planBake(reverted.model, { dtype: 'same' });
    expect(jobs).toHaveLength(base.source.entries.length);
    const stillPatched = jobs.filter((j) => j.patches.length > 0).map((j) => j.entry.name);
    expect(stillPatched.length).toBeGreaterThan(0);
    expect(stillPatched.every((k) => k.startsWith('model.diffusion_model.'))).toBe(true);
    expect(stillPatched.length).toBeLessThan(patchedKeys.size);
    const dropped = selectModelLayers(patched, unetOnly, 'drop');
    const kept = planBake(dropped.model, { dtype: 'same' });
    expect(kept.every((j) => j.entry.name.startsWith('model.diffusion_model.'))).toBe(true);
    expect(kept.length).toBe(dropped.kept);
    expect(dropped.kept + dropped.notKept).toBe(base.source.entries.length);
    // A LoRA applied after a selection patches the reverted tensors again.
    const again = applyLoraToModel(reverted.model, style, 1);
    expect(planBake(again, { dtype: 'same' }).filter((j) => j.patches.length > 0).length).toBe(patchedKeys.size);
  });
});
