import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { peftConfigPath, planOutputModules } from '../../../main/engine/export/lora-format/output-modules.js';
import type { LoraModuleValue, LoraValue } from '../../../main/engine/values/lora-value.js';

function lora(family: LoraValue['architecture']['family'], modules: Partial<LoraModuleValue>[]): LoraValue {
  return {
    kind: 'lora',
    label: 'test',
    architecture: { family, layout: 'unknown', components: [], evidence: [] },
    modules: modules.map((m) => ({
      name: 'x',
      kind: 'lora',
      deltaShape: [4, 4],
      rank: 2,
      scale: 1,
      embedding: false,
      dora: false,
      strength: 1,
      source: { type: 'file', path: '/x.safetensors', module: m.name ?? 'x' },
      ...m,
    })),
    inputs: [],
    unusedKeys: [],
  };
}

describe('output module names and layouts', () => {
  it('spells SD modules the kohya way from canonical names, whatever the input dialect', () => {
    const v = lora('sd1', [{ name: 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', canonical: 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q' }]);
    const [p] = planOutputModules(v, 'kohya');
    expect(p!.outName).toBe('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q');
    expect(p!.type === 'factors' && p!.names).toEqual({
      down: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight',
      up: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight',
      alpha: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.alpha',
    });
  });

  it('spells PEFT modules base_model.model.<path>, embeddings as lora_embedding_A/B, modules_to_save as full tensors', () => {
    const v = lora('llama', [
      { name: 'base_model.model.model.layers.0.self_attn.q_proj', canonical: 'model.layers.0.self_attn.q_proj' },
      { name: 'base_model.model.model.embed_tokens', canonical: 'model.embed_tokens', embedding: true, deltaShape: [8, 32] },
      { name: 'base_model.model.lm_head', kind: 'replace', replaceTensors: { weight: 'base_model.model.lm_head.weight' } },
    ]);
    const [q, e, r] = planOutputModules(v, 'peft');
    expect(q!.type === 'factors' && q!.names).toEqual({ down: 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', up: 'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight' });
    expect(e!.type === 'factors' && e!.names).toEqual({ down: 'base_model.model.model.embed_tokens.lora_embedding_A', up: 'base_model.model.model.embed_tokens.lora_embedding_B' });
    expect(r!.type === 'replace' && r!.tensors).toEqual([{ source: 'base_model.model.lm_head.weight', outName: 'base_model.model.lm_head.weight' }]);
    expect(peftConfigPath(q!.outName)).toBe('model.layers.0.self_attn.q_proj');
    expect(peftConfigPath('unet.down_blocks.0.attentions.0.proj_in')).toBe('down_blocks.0.attentions.0.proj_in');
    expect(peftConfigPath('base_model.model.transformer.h.0.attn.c_attn')).toBe('transformer.h.0.attn.c_attn');
  });

  it('refuses, in one error naming each module, what a format cannot hold', () => {
    const v = lora('llama', [
      { name: 'base_model.model.model.layers.0.self_attn.q_proj', canonical: 'model.layers.0.self_attn.q_proj' },
      { name: 'base_model.model.model.layers.0.mlp.up_proj', canonical: 'model.layers.0.mlp.up_proj', dora: true },
    ]);
    let err: unknown;
    try {
      planOutputModules(v, 'kohya');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('lora-not-writable');
    expect((err as EngineError).message).toContain('2 of 2 modules');
    expect((err as EngineError).message).toContain('not for llama');
    expect((err as EngineError).message).toContain('DoRA');
  });

  it('refuses two modules that land on the same output name', () => {
    const c = 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q';
    const v = lora('sd1', [
      { name: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', canonical: c },
      { name: 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', canonical: c },
    ]);
    expect(() => planOutputModules(v, 'kohya')).toThrow(/both written as/);
  });
});
