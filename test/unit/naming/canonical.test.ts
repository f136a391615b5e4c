import { describe, expect, it } from 'vitest';
import {
  canonicalModule,
  canonicalModuleName,
  fluxFusedParts,
  kohyaModuleName,
  peftModuleName,
  referenceKeyMap,
} from '../../../main/engine/naming/canonical.js';
import { NamingError } from '../../../main/engine/naming/errors.js';
import type { ArchitectureFamily } from '../../../main/engine/naming/types.js';

const errorCode = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof NamingError ? e.code : 'not a NamingError';
  }
  return undefined;
};

describe('canonical names align dialects (LoRA-only work)', () => {
  it('kohya SD 1.5 and diffusers SD 1.5 names of the same module have one canonical name', () => {
    const pairs: [string, string, string][] = [
      ['lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q'],
      ['lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_attn2_to_out_0', 'up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_out.0', 'unet.up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_out.0'],
      ['lora_unet_mid_block_attentions_0_proj_in', 'unet.mid_block.attentions.0.proj_in', 'unet.mid_block.attentions.0.proj_in'],
      ['lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'text_encoder.text_model.encoder.layers.0.self_attn.to_q', 'te.text_model.encoder.layers.0.self_attn.q_proj'],
    ];
    for (const [kohya, diffusers, canonical] of pairs) {
      expect(canonicalModuleName(kohya, 'sd1')).toBe(canonical);
      expect(canonicalModuleName(diffusers, 'sd1')).toBe(canonical);
    }
    expect(canonicalModule('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', 'sd1')?.block).toBe('IN01');
  });

  it('SDXL: kohya LDM names and diffusers names meet at the diffusers path; TE2 q/k/v stay separate', () => {
    expect(canonicalModuleName('lora_unet_input_blocks_4_1_transformer_blocks_1_attn2_to_k', 'sdxl')).toBe('unet.down_blocks.1.attentions.0.transformer_blocks.1.attn2.to_k');
    expect(canonicalModuleName('unet.down_blocks.1.attentions.0.transformer_blocks.1.attn2.to_k', 'sdxl')).toBe('unet.down_blocks.1.attentions.0.transformer_blocks.1.attn2.to_k');
    expect(canonicalModuleName('lora_te2_text_model_encoder_layers_5_self_attn_v_proj', 'sdxl')).toBe('te2.text_model.encoder.layers.5.self_attn.v_proj');
    expect(canonicalModuleName('text_encoder.text_model.encoder.layers.5.mlp.fc1', 'sdxl')).toBe('te1.text_model.encoder.layers.5.mlp.fc1');
  });

  it('names of another family or no module are undefined', () => {
    expect(canonicalModuleName('lora_te2_text_model_encoder_layers_0_self_attn_q_proj', 'sd1')).toBeUndefined();
    expect(canonicalModuleName('lora_unet_nonsense', 'sdxl')).toBeUndefined();
    expect(canonicalModuleName('anything', 'unknown')).toBeUndefined();
  });

  it('Flux: kohya fused qkv and diffusers to_q/to_k/to_v meet at the BFL module; parts carry their rows', () => {
    expect(canonicalModule('lora_unet_double_blocks_3_img_attn_qkv', 'flux')).toEqual({ name: 'flux.double_blocks.3.img_attn.qkv', block: 'D03' });
    expect(canonicalModule('transformer.transformer_blocks.3.attn.to_k', 'flux', [3072, 3072])).toEqual({
      name: 'flux.double_blocks.3.img_attn.qkv',
      block: 'D03',
      part: { startUnits: 1 },
      slice: { start: 3072, length: 3072 },
    });
    // Widths come from the ΔW, not from the full-size template: a tiny model's parts are placed right too.
    expect(canonicalModule('lora_transformer_single_transformer_blocks_0_proj_mlp', 'flux', [64, 16])?.slice).toEqual({ start: 48, length: 64 });
    expect(fluxFusedParts('flux.single_blocks.0.linear1').map((p) => [p.peftName, p.part.startUnits])).toEqual([
      ['transformer.single_transformer_blocks.0.attn.to_q', 0],
      ['transformer.single_transformer_blocks.0.attn.to_k', 1],
      ['transformer.single_transformer_blocks.0.attn.to_v', 2],
      ['transformer.single_transformer_blocks.0.proj_mlp', 3],
    ]);
  });

  it.each([
    ['llama', 'base_model.model.model.layers.3.mlp.down_proj', 'model.layers.3.mlp.down_proj', 'L03'],
    ['llama', 'layers.3.mlp.down_proj', 'model.layers.3.mlp.down_proj', 'L03'],
    ['qwen2', 'base_model.model.lm_head', 'lm_head', 'LM'],
    ['gpt2', 'base_model.model.transformer.h.11.attn.c_attn', 'transformer.h.11.attn.c_attn', 'L11'],
    ['gpt2', 'h.11.attn.c_attn', 'transformer.h.11.attn.c_attn', 'L11'],
    ['distilbert', 'base_model.model.distilbert.transformer.layer.0.attention.q_lin', 'distilbert.transformer.layer.0.attention.q_lin', 'L00'],
    ['distilbert', 'transformer.layer.0.attention.q_lin', 'distilbert.transformer.layer.0.attention.q_lin', 'L00'],
    ['distilbert', 'base_model.model.classifier', 'classifier', 'LM'],
    ['bert', 'encoder.layer.2.attention.self.value', 'bert.encoder.layer.2.attention.self.value', 'L02'],
  ] as const)('%s: %s → %s', (family, name, canonical, block) => {
    expect(canonicalModule(name, family)).toEqual({ name: canonical, block });
  });
});

describe('back to dialects for export', () => {
  it.each(['sd1', 'sd2', 'sdxl', 'sdxl-refiner', 'flux'] as const)('%s: kohya → canonical → kohya and PEFT → canonical → PEFT are identities', (family: ArchitectureFamily) => {
    const ref = referenceKeyMap(family)!;
    let kohya = 0;
    let peft = 0;
    for (const m of ref.modules) {
      if (m.kohyaName !== undefined && m.canonicalPart === undefined && m.component !== 'vae' && m.component !== 'other') {
        const c = canonicalModuleName(m.kohyaName, family);
        expect(c, m.kohyaName).toBe(m.canonical);
        expect(kohyaModuleName(c!, family)).toBe(m.kohyaName);
        kohya++;
      }
      if (m.peftName !== undefined) {
        const c = canonicalModuleName(m.peftName, family);
        expect(c, m.peftName).toBe(m.canonical);
        if (m.canonicalPart === undefined) expect(peftModuleName(c!, family)).toBe(m.peftName);
        peft++;
      }
    }
    expect(kohya).toBeGreaterThan(200);
    expect(peft).toBeGreaterThan(200);
  });

  it('kohya spells SD 1.x by the diffusers model and SDXL by the SGM model', () => {
    expect(kohyaModuleName('unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q', 'sd1')).toBe('lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q');
    expect(kohyaModuleName('unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q', 'sdxl')).toBe('lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q');
    expect(kohyaModuleName('te2.text_model.encoder.layers.0.self_attn.q_proj', 'sdxl')).toBe('lora_te2_text_model_encoder_layers_0_self_attn_q_proj');
    expect(kohyaModuleName('te.text_model.encoder.layers.0.mlp.fc1', 'sd2')).toBe('lora_te_text_model_encoder_layers_0_mlp_fc1');
    expect(kohyaModuleName('flux.single_blocks.7.linear1', 'flux')).toBe('lora_unet_single_blocks_7_linear1');
  });

  it('PEFT / diffusers-PEFT module paths', () => {
    expect(peftModuleName('te2.text_model.encoder.layers.0.self_attn.q_proj', 'sdxl')).toBe('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj');
    expect(peftModuleName('unet.mid_block.attentions.0.proj_in', 'sd1')).toBe('unet.mid_block.attentions.0.proj_in');
    expect(peftModuleName('flux.double_blocks.2.img_attn.proj', 'flux')).toBe('transformer.transformer_blocks.2.attn.to_out.0');
    expect(peftModuleName('model.layers.0.self_attn.q_proj', 'llama')).toBe('base_model.model.model.layers.0.self_attn.q_proj');
  });

  it('refuses with typed errors', () => {
    expect(errorCode(() => peftModuleName('flux.double_blocks.2.img_attn.qkv', 'flux'))).toBe('fused-module');
    expect(errorCode(() => kohyaModuleName('model.layers.0.self_attn.q_proj', 'llama'))).toBe('no-kohya-name');
    expect(errorCode(() => kohyaModuleName('unet.nonsense', 'sd1'))).toBe('unknown-canonical');
    expect(errorCode(() => kohyaModuleName('unet.down_blocks.0.attentions.0.proj_in', 'unknown'))).toBe('unknown-family');
  });
});
