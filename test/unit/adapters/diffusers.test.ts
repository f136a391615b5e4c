import { afterAll, describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { computeModuleDelta, loadAdapter, type LoadedAdapter } from '../../../main/engine/adapters/index.js';
import { expectClose, matmul64, rnd, scalar, scaled, tmpDir, write } from './helpers.js';

const dir = tmpDir('diffusers');
const opened: LoadedAdapter[] = [];
afterAll(async () => {
  for (const a of opened) await a.source.close();
});
async function load(file: string): Promise<LoadedAdapter> {
  const a = await loadAdapter(file);
  opened.push(a);
  return a;
}
const byName = (a: LoadedAdapter) => new Map(a.modules.map((m) => [m.name, m]));

describe('diffusers attention-processor LoRA', () => {
  const blk = 'down_blocks.0.attentions.0.transformer_blocks.0';
  const q = [rnd(`${blk}.attn1.processor.to_q_lora.down.weight`, [4, 8]), rnd(`${blk}.attn1.processor.to_q_lora.up.weight`, [8, 4])];
  const out = [rnd(`${blk}.attn1.processor.to_out_lora.down.weight`, [4, 8]), rnd(`${blk}.attn1.processor.to_out_lora.up.weight`, [8, 4])];
  const k2 = [rnd(`unet.${blk}.attn2.processor.to_k_lora.down.weight`, [4, 6]), rnd(`unet.${blk}.attn2.processor.to_k_lora.up.weight`, [8, 4])];
  const te = [
    rnd('text_encoder.text_model.encoder.layers.0.self_attn.to_q_lora.down.weight', [2, 6]),
    rnd('text_encoder.text_model.encoder.layers.0.self_attn.to_q_lora.up.weight', [6, 2]),
    rnd('text_encoder.text_model.encoder.layers.0.self_attn.to_out_lora.down.weight', [2, 6]),
    rnd('text_encoder.text_model.encoder.layers.0.self_attn.to_out_lora.up.weight', [6, 2]),
  ];
  const file = write(dir, 'attnproc.safetensors', [...q, ...out, ...k2, ...te], { format: 'pt' });

  it('names modules after the patched layer: processor dropped, to_out_lora → to_out.0, prefixes kept', async () => {
    const a = await load(file);
    expect(a.dialects).toEqual(['diffusers-attnproc']);
    expect(a.modules.map((m) => m.name)).toEqual([
      `${blk}.attn1.to_out.0`,
      `${blk}.attn1.to_q`,
      'text_encoder.text_model.encoder.layers.0.self_attn.out_proj',
      'text_encoder.text_model.encoder.layers.0.self_attn.q_proj',
      `unet.${blk}.attn2.to_k`,
    ]);
    expect(a.unusedKeys).toEqual([]);
    for (const m of a.modules) expect(m).toMatchObject({ alpha: undefined, alphaSource: 'none', scale: 1 });
    expect(byName(a).get(`unet.${blk}.attn2.to_k`)).toMatchObject({ rank: 4, deltaShape: [8, 6] });
  });

  it('delta is up·down with scale 1', async () => {
    const a = await load(file);
    const m = byName(a).get(`${blk}.attn1.to_out.0`)!;
    expectClose(await computeModuleDelta(a, m, referenceMatMul), matmul64(out[1]!.data, out[0]!.data, 8, 4, 8));
  });
});

describe('diffusers .lora.down / lora_linear_layer, with kohya-exported alpha', () => {
  const unetDown = rnd('unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v.lora.down.weight', [4, 8]);
  const unetUp = rnd('unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v.lora.up.weight', [8, 4]);
  const teDown = rnd('text_encoder.text_model.encoder.layers.3.self_attn.k_proj.lora_linear_layer.down.weight', [2, 6]);
  const teUp = rnd('text_encoder.text_model.encoder.layers.3.self_attn.k_proj.lora_linear_layer.up.weight', [6, 2]);
  const file = write(dir, 'lora-layer.safetensors', [
    unetDown, unetUp, scalar('unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v.alpha', 1, 'F16'),
    teDown, teUp,
  ]);

  it('takes the module name before .lora / .lora_linear_layer and honours a stored .alpha', async () => {
    const a = await load(file);
    const m = byName(a);
    expect(a.dialects).toEqual(['diffusers']);
    expect(m.get('unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v')).toMatchObject({ dialect: 'diffusers', rank: 4, alpha: 1, alphaSource: 'tensor', scale: 0.25 });
    expect(m.get('text_encoder.text_model.encoder.layers.3.self_attn.k_proj')).toMatchObject({ rank: 2, scale: 1 });
    const d = await computeModuleDelta(a, m.get('unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v')!, referenceMatMul);
    expectClose(d, scaled(matmul64(unetUp.data, unetDown.data, 8, 4, 8), 0.25));
  });
});
