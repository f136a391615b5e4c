import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as T from '../../../main/engine/naming/architectures/index.js';
import { buildKeyMap, type BuiltKeyMap } from '../../../main/engine/naming/key-map.js';
import { baseOnDisk, tempDir } from './disk.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
// Tiny Flux: hidden h = 16, MLP 64, so qkv is [48, 16] and linear1 is [112, 16].
const H = 16;

describe.each([
  ['BFL as released', ''],
  ['BFL in a ComfyUI checkpoint', 'model.diffusion_model.'],
])('Flux %s (tiny, on disk)', (_name, prefix) => {
  let km: BuiltKeyMap;
  beforeAll(async () => {
    km = buildKeyMap(await baseOnDisk(tmp.dir, `flux-${prefix.length}`, T.fluxBflTensors(T.fluxConfig('tiny'), prefix)));
  });

  it('kohya names the fused modules whole', () => {
    expect(km.conflicts).toEqual([]);
    expect(km.resolve('lora_unet_double_blocks_0_img_attn_qkv')).toMatchObject({ baseKey: `${prefix}double_blocks.0.img_attn.qkv.weight`, baseShape: [3 * H, H], block: 'D00' });
    expect(km.resolve('lora_unet_double_blocks_0_img_attn_qkv')?.slice).toBeUndefined();
    expect(km.resolve('lora_unet_single_blocks_37_linear1')).toMatchObject({ baseKey: `${prefix}single_blocks.37.linear1.weight`, baseShape: [7 * H, H], block: 'S37' });
    expect(km.resolve('lora_unet_double_blocks_18_txt_mlp_2')?.block).toBe('D18');
    expect(km.resolve('lora_unet_img_in')).toMatchObject({ baseKey: `${prefix}img_in.weight`, block: 'FLUX' });
  });

  it.each([
    ['transformer.transformer_blocks.3.attn.to_q', 'double_blocks.3.img_attn.qkv', 0, H],
    ['transformer.transformer_blocks.3.attn.to_k', 'double_blocks.3.img_attn.qkv', H, H],
    ['transformer_blocks.3.attn.to_v', 'double_blocks.3.img_attn.qkv', 2 * H, H],
    ['transformer.transformer_blocks.3.attn.add_k_proj', 'double_blocks.3.txt_attn.qkv', H, H],
    ['lora_transformer_single_transformer_blocks_5_attn_to_v', 'single_blocks.5.linear1', 2 * H, H],
    ['transformer.single_transformer_blocks.5.proj_mlp', 'single_blocks.5.linear1', 3 * H, 4 * H],
    ['lycoris_single_transformer_blocks_5_attn_to_q', 'single_blocks.5.linear1', 0, H],
  ])('diffusers %s → slice of %s rows %i+%i', (module, bfl, start, length) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe(`${prefix}${bfl}.weight`);
    expect(t?.slice).toEqual({ start, length });
    expect(t?.biasKey).toBe(`${prefix}${bfl}.bias`);
  });

  it.each([
    ['transformer.transformer_blocks.3.attn.to_out.0', 'double_blocks.3.img_attn.proj'],
    ['transformer.transformer_blocks.3.attn.to_add_out', 'double_blocks.3.txt_attn.proj'],
    ['transformer.transformer_blocks.3.ff.net.0.proj', 'double_blocks.3.img_mlp.0'],
    ['transformer.transformer_blocks.3.ff_context.net.2', 'double_blocks.3.txt_mlp.2'],
    ['transformer.transformer_blocks.3.norm1.linear', 'double_blocks.3.img_mod.lin'],
    ['transformer.single_transformer_blocks.5.proj_out', 'single_blocks.5.linear2'],
    ['transformer.single_transformer_blocks.5.norm.linear', 'single_blocks.5.modulation.lin'],
    ['transformer.x_embedder', 'img_in'],
    ['transformer.context_embedder', 'txt_in'],
    ['transformer.time_text_embed.guidance_embedder.linear_2', 'guidance_in.out_layer'],
    ['transformer.proj_out', 'final_layer.linear'],
  ])('diffusers %s → whole %s', (module, bfl) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe(`${prefix}${bfl}.weight`);
    expect(t?.slice).toBeUndefined();
  });

  it('explains what cannot be mapped', () => {
    expect(km.explain('transformer.norm_out.linear')).toMatch(/shift and scale halves swapped/);
    expect(km.explain('lora_unet_single_blocks_38_linear1')).toMatch(/single_blocks index 38 is out of range.*0–37/);
    expect(km.explain('lora_unet_down_blocks_0_attentions_0_proj_in')).toMatch(/UNet module.*Flux base.*no UNet/);
  });
});

describe('Flux diffusers base (tiny)', () => {
  let km: BuiltKeyMap;
  beforeAll(async () => {
    km = buildKeyMap(await baseOnDisk(tmp.dir, 'flux-diffusers', T.fluxDiffusersTensors(T.fluxConfig('tiny'))));
  });

  it('diffusers names hit the separate tensors; BFL names of whole modules resolve too', () => {
    expect(km.architecture).toMatchObject({ family: 'flux', layout: 'diffusers' });
    expect(km.conflicts).toEqual([]);
    expect(km.resolve('transformer.transformer_blocks.0.attn.to_k')).toMatchObject({ baseKey: 'transformer_blocks.0.attn.to_k.weight', baseShape: [H, H], block: 'D00' });
    expect(km.resolve('transformer.transformer_blocks.0.attn.to_k')?.slice).toBeUndefined();
    expect(km.resolve('lora_unet_double_blocks_0_img_attn_proj')?.baseKey).toBe('transformer_blocks.0.attn.to_out.0.weight');
    expect(km.resolve('lora_unet_single_blocks_2_linear2')?.baseKey).toBe('single_transformer_blocks.2.proj_out.weight');
    expect(km.lookup('transformer.single_transformer_blocks.2.proj_mlp')?.canonical).toBe('flux.single_blocks.2.linear1');
  });

  it('a fused BFL module cannot be split over separate tensors: explained', () => {
    expect(km.resolve('lora_unet_double_blocks_0_img_attn_qkv')).toBeUndefined();
    expect(km.explain('lora_unet_double_blocks_0_img_attn_qkv')).toMatch(/fused BFL module.*separate tensors.*not supported/);
    expect(km.explain('lora_unet_single_blocks_0_linear1')).toMatch(/fused BFL module/);
  });
});

describe('ComfyUI all-in-one Flux checkpoint: CLIP-L is TE1, T5 is TE2', () => {
  it('kohya, diffusers and ComfyUI spellings of both text encoders resolve', async () => {
    const km = buildKeyMap(await baseOnDisk(tmp.dir, 'flux-aio', T.fluxCheckpoint({ size: 'tiny' })));
    expect(km.architecture).toMatchObject({ family: 'flux', layout: 'bfl' });
    expect([...km.architecture.components].sort()).toEqual(['te1', 'te2', 'transformer']);
    expect(km.conflicts).toEqual([]);
    const clip = 'text_encoders.clip_l.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight';
    for (const m of ['lora_te1_text_model_encoder_layers_0_self_attn_q_proj', 'lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'text_encoder.text_model.encoder.layers.0.self_attn.q_proj']) {
      expect(km.resolve(m), m).toMatchObject({ baseKey: clip, block: 'TE1' });
    }
    const t5 = 'text_encoders.t5xxl.transformer.encoder.block.3.layer.0.SelfAttention.k.weight';
    for (const m of ['lora_te2_encoder_block_3_layer_0_SelfAttention_k', 'lora_te3_encoder_block_3_layer_0_SelfAttention_k', 'text_encoder_2.encoder.block.3.layer.0.SelfAttention.k']) {
      expect(km.resolve(m), m).toMatchObject({ baseKey: t5, block: 'TE2' });
    }
    expect(km.resolve('transformer.transformer_blocks.0.attn.to_v')).toMatchObject({ baseKey: 'model.diffusion_model.double_blocks.0.img_attn.qkv.weight', slice: { start: 32, length: 16 } });
  });
});
