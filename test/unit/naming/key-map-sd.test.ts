import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as T from '../../../main/engine/naming/architectures/index.js';
import { buildKeyMap, type BuiltKeyMap } from '../../../main/engine/naming/key-map.js';
import type { NamedShape } from '../../../main/engine/naming/types.js';
import { baseOnDisk, tempDir } from './disk.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const U = 'model.diffusion_model.';

describe('SD 1.5 single-file LDM base (tiny, on disk)', () => {
  let km: BuiltKeyMap;
  let entries: NamedShape[];
  beforeAll(async () => {
    entries = await baseOnDisk(tmp.dir, 'sd15', T.sd15Checkpoint({ size: 'tiny', buffers: true }));
    km = buildKeyMap(entries);
  });

  it('is SD 1.x with no spelling generated twice for different targets', () => {
    expect(km.architecture.family).toBe('sd1');
    expect(km.conflicts).toEqual([]);
  });

  it.each([
    // kohya SD1 (diffusers-style flattened)
    ['lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', 'input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight', 'IN01'],
    ['lora_unet_down_blocks_1_attentions_1_proj_in', 'input_blocks.5.1.proj_in.weight', 'IN05'],
    ['lora_unet_mid_block_attentions_0_transformer_blocks_0_ff_net_0_proj', 'middle_block.1.transformer_blocks.0.ff.net.0.proj.weight', 'MID'],
    ['lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_attn2_to_k', 'output_blocks.11.1.transformer_blocks.0.attn2.to_k.weight', 'OUT11'],
    ['lora_unet_up_blocks_1_resnets_2_conv_shortcut', 'output_blocks.5.0.skip_connection.weight', 'OUT05'],
    ['lora_unet_down_blocks_0_downsamplers_0_conv', 'input_blocks.3.0.op.weight', 'IN03'],
    ['lora_unet_conv_in', 'input_blocks.0.0.weight', 'IN00'],
    ['lora_unet_time_embedding_linear_1', 'time_embed.0.weight', 'UNET'],
    ['lora_unet_conv_out', 'out.2.weight', 'UNET'],
    // kohya LDM-style flattened (converted / LyCORIS SD1 files)
    ['lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q', 'input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight', 'IN04'],
    ['lora_unet_output_blocks_2_1_conv', 'output_blocks.2.1.conv.weight', 'OUT02'],
    // diffusers / PEFT, with and without unet.
    ['down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0', 'input_blocks.1.1.transformer_blocks.0.attn1.to_out.0.weight', 'IN01'],
    ['unet.up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_v', 'output_blocks.3.1.transformer_blocks.0.attn2.to_v.weight', 'OUT03'],
    ['base_model.model.mid_block.attentions.0.proj_out', 'middle_block.1.proj_out.weight', 'MID'],
    // old attention processors (before the adapters' rewrite)
    ['unet.down_blocks.2.attentions.1.transformer_blocks.0.attn1.processor.to_out', 'input_blocks.8.1.transformer_blocks.0.attn1.to_out.0.weight', 'IN08'],
    ['mid_block.attentions.0.transformer_blocks.0.attn2.processor.to_k', 'middle_block.1.transformer_blocks.0.attn2.to_k.weight', 'MID'],
    // SimpleTuner LyCORIS, ComfyUI generic
    ['lycoris_down_blocks_0_attentions_1_transformer_blocks_0_attn2_to_q', 'input_blocks.2.1.transformer_blocks.0.attn2.to_q.weight', 'IN02'],
    ['diffusion_model.output_blocks.8.2.conv', 'output_blocks.8.2.conv.weight', 'OUT08'],
  ])('%s → %s', (module, key, block) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe(U + key);
    expect(t?.block).toBe(block);
    expect(t?.transpose).toBe(false);
    expect(t?.slice).toBeUndefined();
    expect(t?.baseShape).toEqual(entries.find((e) => e.name === U + key)?.shape);
  });

  it.each([
    ['lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'text_model.encoder.layers.0.self_attn.q_proj.weight'],
    ['lora_te_text_model_encoder_layers_11_mlp_fc2', 'text_model.encoder.layers.11.mlp.fc2.weight'],
    ['text_encoder.text_model.encoder.layers.3.self_attn.out_proj', 'text_model.encoder.layers.3.self_attn.out_proj.weight'],
    // old diffusers text-encoder spelling: to_q means q_proj, to_out(.0) means out_proj
    ['text_encoder.text_model.encoder.layers.3.self_attn.to_q', 'text_model.encoder.layers.3.self_attn.q_proj.weight'],
    ['text_encoder.text_model.encoder.layers.3.self_attn.to_out.0', 'text_model.encoder.layers.3.self_attn.out_proj.weight'],
    ['text_encoders.clip_l.transformer.text_model.encoder.layers.5.mlp.fc1', 'text_model.encoder.layers.5.mlp.fc1.weight'],
  ])('text encoder %s → %s', (module, key) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe(`cond_stage_model.transformer.${key}`);
    expect(t?.block).toBe('TE');
  });

  it('bias keys where the base has them; 1×1 conv projections keep their 4-D shape', () => {
    expect(km.resolve('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q')?.biasKey).toBeUndefined();
    expect(km.resolve('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_out_0')?.biasKey).toBe(
      `${U}input_blocks.1.1.transformer_blocks.0.attn1.to_out.0.bias`,
    );
    const projIn = km.resolve('lora_unet_down_blocks_0_attentions_0_proj_in');
    expect(projIn?.baseShape).toEqual([8, 8, 1, 1]);
    expect(projIn?.biasKey).toBe(`${U}input_blocks.1.1.proj_in.bias`);
    expect(km.resolve('lora_te_text_model_encoder_layers_0_self_attn_q_proj')?.biasKey).toBe(
      'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.bias',
    );
  });

  it('position_ids and biases are not targets', () => {
    expect(km.resolve('cond_stage_model.transformer.text_model.embeddings.position_ids')).toBeUndefined();
    expect(km.modules.some((m) => m.target.baseKey.endsWith('.bias'))).toBe(false);
  });

  it('explains what does not resolve', () => {
    expect(km.explain('lora_te2_text_model_encoder_layers_0_self_attn_q_proj')).toMatch(/SDXL text-encoder module \(TE2.*single text encoder/);
    expect(km.explain('lora_te1_text_model_encoder_layers_0_self_attn_q_proj')).toMatch(/SDXL text-encoder module \(TE1/);
    expect(km.explain('lora_te_text_model_encoder_layers_12_self_attn_q_proj')).toMatch(/layers index 12 is out of range.*layers 0–11/);
    expect(km.explain('lora_unet_input_blocks_12_1_proj_in')).toMatch(/input_blocks index 12 is out of range.*input_blocks 0–11/);
    expect(km.explain('lora_unet_double_blocks_0_img_attn_qkv')).toMatch(/Flux.*not Flux/);
    expect(km.explain('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_qq')).toMatch(
      /unknown spelling.*closest known spelling: lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q\)/,
    );
    expect(km.explain('lora_unet_conv_in')).toMatch(/resolves to model\.diffusion_model\.input_blocks\.0\.0\.weight in block IN00/);
  });
});

describe('SD 1.5 diffusers UNet base resolves the same modules as the LDM base', () => {
  let ldm: BuiltKeyMap;
  const diffusers: BuiltKeyMap[] = [];
  beforeAll(async () => {
    ldm = buildKeyMap(await baseOnDisk(tmp.dir, 'sd15-ldm', T.sd15Checkpoint({ size: 'tiny' })));
    diffusers.push(buildKeyMap(await baseOnDisk(tmp.dir, 'sd15-diff', T.sd15DiffusersUnet({ size: 'tiny' }))));
    diffusers.push(buildKeyMap(await baseOnDisk(tmp.dir, 'sd15-diff-unet', T.sd15DiffusersUnet({ size: 'tiny', prefix: 'unet.' }))));
  });

  it('every UNet spelling kohya, diffusers and LDM-style tools write lands on the same canonical module', () => {
    const unet = ldm.modules.filter((m) => m.component === 'unet');
    expect(unet.length).toBeGreaterThan(300);
    for (const d of diffusers) {
      expect(d.conflicts).toEqual([]);
      for (const m of unet) {
        const ldmPath = m.target.baseKey.slice(U.length, m.target.baseKey.lastIndexOf('.'));
        for (const name of [m.kohyaName!, m.peftName!, `lora_unet_${ldmPath.replace(/\./g, '_')}`]) {
          const hit = d.lookup(name);
          expect(hit?.canonical, name).toBe(m.canonical);
          expect(hit?.target.block).toBe(m.target.block);
          expect(hit?.target.baseShape).toEqual(m.target.baseShape);
        }
      }
    }
    expect(diffusers[1]!.resolve('lora_unet_input_blocks_1_1_proj_in')?.baseKey).toBe('unet.down_blocks.0.attentions.0.proj_in.weight');
  });

  it('a UNet-only file explains text-encoder modules', () => {
    expect(diffusers[0]!.explain('lora_te_text_model_encoder_layers_0_self_attn_q_proj')).toMatch(/text-encoder module, but the SD 1\.x base \(unet\) has no text encoder/);
  });
});

describe('SD 2.x single-file base: OpenCLIP fused in_proj as q/k/v slices', () => {
  let km: BuiltKeyMap;
  beforeAll(async () => {
    km = buildKeyMap(await baseOnDisk(tmp.dir, 'sd2', T.sd2Checkpoint({ size: 'tiny' })));
  });

  it.each([
    ['lora_te_text_model_encoder_layers_0_self_attn_q_proj', 0],
    ['text_encoder.text_model.encoder.layers.0.self_attn.k_proj', 16],
    ['text_encoder.text_model.encoder.layers.0.self_attn.to_v', 32],
  ])('%s → rows %i.. of in_proj_weight', (module, start) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe('cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight');
    expect(t?.baseShape).toEqual([48, 16]);
    expect(t?.slice).toEqual({ start, length: 16 });
    expect(t?.biasKey).toBe('cond_stage_model.model.transformer.resblocks.0.attn.in_proj_bias');
    expect(t?.block).toBe('TE');
  });

  it.each([
    ['lora_te_text_model_encoder_layers_23_self_attn_out_proj', 'transformer.resblocks.23.attn.out_proj.weight'],
    ['lora_te_text_model_encoder_layers_1_mlp_fc1', 'transformer.resblocks.1.mlp.c_fc.weight'],
    ['text_encoder.text_model.encoder.layers.1.mlp.fc2', 'transformer.resblocks.1.mlp.c_proj.weight'],
    ['lora_te_text_model_embeddings_token_embedding', 'token_embedding.weight'],
  ])('%s → %s', (module, key) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe(`cond_stage_model.model.${key}`);
    expect(t?.slice).toBeUndefined();
    expect(t?.transpose).toBe(false);
  });

  it('UNet uses Linear projections (2-D)', () => {
    expect(km.resolve('lora_unet_down_blocks_0_attentions_0_proj_in')?.baseShape).toEqual([8, 8]);
  });
});

describe('SDXL single-file SGM base', () => {
  let km: BuiltKeyMap;
  beforeAll(async () => {
    km = buildKeyMap(await baseOnDisk(tmp.dir, 'sdxl', T.sdxlCheckpoint({ size: 'tiny' })));
  });

  it.each([
    ['lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q', 'input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight', 'IN04'],
    ['lora_unet_input_blocks_8_1_transformer_blocks_9_attn2_to_k', 'input_blocks.8.1.transformer_blocks.9.attn2.to_k.weight', 'IN08'],
    ['lora_unet_middle_block_1_transformer_blocks_9_ff_net_2', 'middle_block.1.transformer_blocks.9.ff.net.2.weight', 'MID'],
    ['lora_unet_output_blocks_8_0_skip_connection', 'output_blocks.8.0.skip_connection.weight', 'OUT08'],
    ['lora_unet_output_blocks_2_2_conv', 'output_blocks.2.2.conv.weight', 'OUT02'],
    ['unet.down_blocks.2.attentions.1.transformer_blocks.9.attn2.to_k', 'input_blocks.8.1.transformer_blocks.9.attn2.to_k.weight', 'IN08'],
    ['unet.up_blocks.0.upsamplers.0.conv', 'output_blocks.2.2.conv.weight', 'OUT02'],
    ['lora_unet_label_emb_0_0', 'label_emb.0.0.weight', 'UNET'],
    ['lora_unet_add_embedding_linear_2', 'label_emb.0.2.weight', 'UNET'],
  ])('%s → %s', (module, key, block) => {
    const t = km.resolve(module);
    expect(t?.baseKey).toBe(U + key);
    expect(t?.block).toBe(block);
  });

  it('TE1 is CLIP-L in Hugging Face names', () => {
    for (const m of ['lora_te1_text_model_encoder_layers_0_self_attn_q_proj', 'text_encoder.text_model.encoder.layers.0.self_attn.q_proj']) {
      const t = km.resolve(m);
      expect(t?.baseKey).toBe('conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight');
      expect(t?.block).toBe('TE1');
    }
  });

  it('TE2 q/k/v are slices of the fused in_proj_weight (width 24 in the tiny model)', () => {
    const key = 'conditioner.embedders.1.model.transformer.resblocks.31.attn.in_proj_weight';
    expect(km.resolve('lora_te2_text_model_encoder_layers_31_self_attn_q_proj')).toMatchObject({ baseKey: key, slice: { start: 0, length: 24 }, block: 'TE2' });
    expect(km.resolve('text_encoder_2.text_model.encoder.layers.31.self_attn.k_proj')).toMatchObject({ baseKey: key, slice: { start: 24, length: 24 } });
    expect(km.resolve('lora_te2_text_model_encoder_layers_31_self_attn_v_proj')).toMatchObject({ baseKey: key, slice: { start: 48, length: 24 } });
    expect(km.resolve('lora_te2_text_model_encoder_layers_31_mlp_fc1')?.baseKey).toBe('conditioner.embedders.1.model.transformer.resblocks.31.mlp.c_fc.weight');
  });

  it('TE2 text_projection is stored [in, out]: a transposed target', () => {
    for (const m of ['lora_te2_text_projection', 'text_encoder_2.text_projection']) {
      const t = km.resolve(m);
      expect(t).toMatchObject({ baseKey: 'conditioner.embedders.1.model.text_projection', transpose: true, block: 'TE2' });
    }
  });

  it('refuses SD 1.x-style names with the reason', () => {
    expect(km.explain('lora_te_text_model_encoder_layers_0_self_attn_q_proj')).toMatch(/SD 1\.x\/2\.x-style text-encoder module.*lora_te1_.*lora_te2_/);
    expect(km.explain('lora_unet_input_blocks_11_1_proj_in')).toMatch(/input_blocks index 11 is out of range.*0–8/);
    expect(km.explain('lora_unet_down_blocks_3_resnets_0_conv1')).toMatch(/down_blocks index 3 is out of range.*0–2/);
  });
});

describe('SDXL refiner: one OpenCLIP-bigG text encoder', () => {
  it('lora_te_ and text_encoder. name it; q/k/v are slices', async () => {
    const km = buildKeyMap(await baseOnDisk(tmp.dir, 'refiner', T.sdxlRefinerCheckpoint({ size: 'tiny' })));
    expect(km.architecture.family).toBe('sdxl-refiner');
    expect(km.resolve('lora_te_text_model_encoder_layers_0_self_attn_v_proj')).toMatchObject({
      baseKey: 'conditioner.embedders.0.model.transformer.resblocks.0.attn.in_proj_weight',
      slice: { start: 48, length: 24 },
      block: 'TE',
    });
    expect(km.resolve('lora_unet_input_blocks_11_0_emb_layers_1')?.block).toBe('IN11');
  });
});

describe('diffusers text-encoder files', () => {
  it('SDXL text_encoder + text_encoder_2 in Hugging Face names', () => {
    const km = buildKeyMap(T.sdxlDiffusersTextEncoders({ size: 'tiny' }).map((t) => ({ name: t.key, shape: t.shape })));
    expect(km.resolve('lora_te1_text_model_encoder_layers_0_self_attn_q_proj')?.baseKey).toBe('text_encoder.text_model.encoder.layers.0.self_attn.q_proj.weight');
    expect(km.resolve('lora_te2_text_model_encoder_layers_0_self_attn_q_proj')?.baseKey).toBe('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.weight');
    // nn.Linear text_projection in transformers: not transposed
    expect(km.resolve('lora_te2_text_projection')).toMatchObject({ baseKey: 'text_encoder_2.text_projection.weight', transpose: false });
    expect(km.conflicts).toEqual([]);
  });

  it('a lone CLIP-L file (bare names) takes lora_te_ and lora_te1_ spellings', () => {
    const km = buildKeyMap(T.sd15DiffusersTextEncoder({ size: 'tiny' }).map((t) => ({ name: t.key, shape: t.shape })));
    for (const m of ['lora_te_text_model_encoder_layers_2_mlp_fc1', 'lora_te1_text_model_encoder_layers_2_mlp_fc1', 'text_model.encoder.layers.2.mlp.fc1']) {
      expect(km.resolve(m)?.baseKey, m).toBe('text_model.encoder.layers.2.mlp.fc1.weight');
    }
  });
});
