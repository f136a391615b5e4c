import { describe, expect, it } from 'vitest';
import { getPatternKey, matchesModulesToSave, parseKey, peftModulePath } from '../../../main/engine/adapters/index.js';

describe('parseKey', () => {
  const param = (module: string, role: string, dialect: string | undefined) => ({ kind: 'param', module, role, dialect });
  it.each([
    ['lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', param('lora_unet_down_blocks_0_attentions_0_proj_in', 'down', 'kohya')],
    ['lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_mid.weight', param('lora_te2_text_model_encoder_layers_0_mlp_fc1', 'mid', 'kohya')],
    ['lora_unet_mid_block_attentions_0_proj_in.alpha', param('lora_unet_mid_block_attentions_0_proj_in', 'alpha', undefined)],
    ['up_blocks.1.attentions.2.transformer_blocks.0.attn2.processor.to_out_lora.up.weight', param('up_blocks.1.attentions.2.transformer_blocks.0.attn2.to_out.0', 'up', 'diffusers-attnproc')],
    ['unet.mid_block.attentions.0.transformer_blocks.0.attn1.processor.to_v_lora.down.weight', param('unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_v', 'down', 'diffusers-attnproc')],
    ['text_encoder.text_model.encoder.layers.11.self_attn.to_out_lora.up.weight', param('text_encoder.text_model.encoder.layers.11.self_attn.out_proj', 'up', 'diffusers-attnproc')],
    ['text_encoder.text_model.encoder.layers.11.self_attn.to_k_lora.down.weight', param('text_encoder.text_model.encoder.layers.11.self_attn.k_proj', 'down', 'diffusers-attnproc')],
    ['unet.down_blocks.0.attentions.0.proj_in.lora.up.weight', param('unet.down_blocks.0.attentions.0.proj_in', 'up', 'diffusers')],
    ['text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight', param('text_encoder.text_model.encoder.layers.0.self_attn.q_proj', 'down', 'diffusers')],
    ['base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', param('base_model.model.model.layers.0.self_attn.q_proj', 'down', 'peft')],
    ['transformer.transformer_blocks.0.attn.to_q.lora_B.default.weight', param('transformer.transformer_blocks.0.attn.to_q', 'up', 'peft')],
    ['base_model.model.model.embed_tokens.lora_embedding_B', param('base_model.model.model.embed_tokens', 'embB', 'peft')],
    ['base_model.model.model.layers.0.mlp.up_proj.lora_magnitude_vector', param('base_model.model.model.layers.0.mlp.up_proj', 'magnitude', 'peft')],
    ['lora_unet_input_blocks_4_1_proj_in.hada_t2', param('lora_unet_input_blocks_4_1_proj_in', 't2', 'lycoris')],
    ['lora_unet_input_blocks_4_1_proj_in.lokr_w1_b', param('lora_unet_input_blocks_4_1_proj_in', 'lokrW1b', 'lycoris')],
    ['lora_unet_input_blocks_4_1_proj_in.lokr_w1', param('lora_unet_input_blocks_4_1_proj_in', 'lokrW1', 'lycoris')],
    ['lora_unet_input_blocks_4_1_norm.diff_b', param('lora_unet_input_blocks_4_1_norm', 'diffBias', 'lycoris')],
    ['lora_unet_input_blocks_4_1_norm.diff', param('lora_unet_input_blocks_4_1_norm', 'diff', 'lycoris')],
    ['lora_unet_input_blocks_4_1_proj_in.dora_scale', param('lora_unet_input_blocks_4_1_proj_in', 'doraScale', 'lycoris')],
  ])('%s', (key, expected) => {
    expect(parseKey(key)).toEqual(expected);
  });

  it('full tensors and unsupported spellings', () => {
    expect(parseKey('base_model.model.classifier.weight')).toEqual({ kind: 'full-tensor', module: 'base_model.model.classifier', param: 'weight' });
    expect(parseKey('base_model.model.score.modules_to_save.default.bias')).toEqual({ kind: 'full-tensor', module: 'base_model.model.score', param: 'bias' });
    expect(parseKey('base_model.model.score.original_module.weight')).toMatchObject({ kind: 'unused', reason: expect.stringMatching(/original_module/) });
    expect(parseKey('lora_unet_x.oft_blocks')).toMatchObject({ kind: 'unused', reason: expect.stringMatching(/OFT/) });
    expect(parseKey('lora_unet_x.a1.weight')).toMatchObject({ kind: 'unused', reason: expect.stringMatching(/GLoRA/) });
    expect(parseKey('m.q.lora_B.bias')).toMatchObject({ kind: 'unused', reason: expect.stringMatching(/lora_bias/) });
    expect(parseKey('m.q.lora_E')).toMatchObject({ kind: 'unused', reason: expect.stringMatching(/AdaLoRA/) });
    expect(parseKey('alpha')).toMatchObject({ kind: 'unused' });
  });
});

describe('PEFT pattern matching (get_pattern_key semantics)', () => {
  const path = 'model.layers.10.self_attn.q_proj';
  it('matches the whole path or a dot-bounded suffix, as a regular expression', () => {
    expect(getPatternKey(['q_proj'], path, 'cfg')).toBe('q_proj');
    expect(getPatternKey(['proj'], path, 'cfg')).toBeUndefined();
    expect(getPatternKey(['layers.1.self_attn.q_proj'], path, 'cfg')).toBeUndefined();
    expect(getPatternKey(['layers.10.self_attn.q_proj'], path, 'cfg')).toBe('layers.10.self_attn.q_proj');
    expect(getPatternKey([path], path, 'cfg')).toBe(path);
    expect(getPatternKey(['layers\\.1\\d\\.self_attn\\.(q|k)_proj'], path, 'cfg')).toBe('layers\\.1\\d\\.self_attn\\.(q|k)_proj');
    expect(getPatternKey(['.*_proj'], path, 'cfg')).toBe('.*_proj');
  });

  it('the first matching key in order wins', () => {
    expect(getPatternKey(['self_attn.q_proj', 'q_proj'], path, 'cfg')).toBe('self_attn.q_proj');
    expect(getPatternKey(['q_proj', 'self_attn.q_proj'], path, 'cfg')).toBe('q_proj');
  });

  it('module paths are matched without the PEFT wrapper; a component prefix is absorbed by the pattern', () => {
    expect(peftModulePath('base_model.model.model.layers.0.mlp.up_proj')).toBe('model.layers.0.mlp.up_proj');
    expect(peftModulePath('base_model.model.transformer.h.0.attn.c_attn')).toBe('transformer.h.0.attn.c_attn');
    expect(peftModulePath('transformer.h.0.attn.c_attn')).toBe('transformer.h.0.attn.c_attn');
    const unet = peftModulePath('unet.down_blocks.0.attentions.0.proj_in');
    expect(getPatternKey(['down_blocks.0.attentions.0.proj_in'], unet, 'cfg')).toBe('down_blocks.0.attentions.0.proj_in');
    expect(getPatternKey(['transformer.h.0.attn.c_attn'], 'transformer.h.0.attn.c_attn', 'cfg')).toBe('transformer.h.0.attn.c_attn');
  });

  it('modules_to_save matches by string suffix, like PEFT (so "classifier" also matches "pre_classifier")', () => {
    expect(matchesModulesToSave('pre_classifier', ['classifier'])).toBe(true);
    expect(matchesModulesToSave('classifier', ['score'])).toBe(false);
    expect(matchesModulesToSave('classifier', null)).toBe(false);
  });
});
