import { afterAll, describe, expect, it } from 'vitest';
import * as T from '../../../main/engine/naming/architectures/index.js';
import { buildKeyMap } from '../../../main/engine/naming/key-map.js';
import { baseOnDisk, tempDir } from './disk.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.each([
  ['LlamaForCausalLM file (model. prefix)', 'model.'],
  ['bare LlamaModel file', ''],
])('Llama: %s', (_n, prefix) => {
  it('PEFT module paths resolve with or without the class prefix', async () => {
    const km = buildKeyMap(await baseOnDisk(tmp.dir, `llama-${prefix.length}`, T.llamaTensors(T.tinyLlama(), prefix)));
    expect(km.architecture.family).toBe('llama');
    expect(km.conflicts).toEqual([]);
    for (const m of ['base_model.model.model.layers.1.self_attn.q_proj', 'base_model.model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.q_proj', 'layers.1.self_attn.q_proj']) {
      expect(km.resolve(m), m).toMatchObject({ baseKey: `${prefix}layers.1.self_attn.q_proj.weight`, transpose: false, block: 'L01' });
    }
    expect(km.resolve('base_model.model.model.layers.0.self_attn.k_proj')?.baseShape).toEqual([16, 16]); // Llama-2: no grouped KV heads
    expect(km.resolve('base_model.model.model.layers.0.mlp.down_proj')?.baseShape).toEqual([16, 40]);
    expect(km.resolve('base_model.model.model.embed_tokens')).toMatchObject({ baseKey: `${prefix}embed_tokens.weight`, transpose: false, block: 'LM' });
    if (prefix === 'model.') expect(km.resolve('base_model.model.lm_head')).toMatchObject({ baseKey: 'lm_head.weight', block: 'LM' });
    else expect(km.explain('base_model.model.lm_head')).toMatch(/task head \("lm_head"\)/);
    expect(km.explain('base_model.model.model.layers.2.self_attn.q_proj')).toMatch(/layers index 2 is out of range.*0–1/);
    expect(km.explain('base_model.model.transformer.h.0.attn.c_attn')).toMatch(/GPT-2 module path, but the base is Llama/);
  });
});

it('Qwen2: q/k/v biases are bias keys', async () => {
  const km = buildKeyMap(await baseOnDisk(tmp.dir, 'qwen2', T.llamaTensors(T.tinyLlama(T.QWEN2_0_5B))));
  expect(km.architecture.family).toBe('qwen2');
  expect(km.resolve('base_model.model.model.layers.0.self_attn.v_proj')?.biasKey).toBe('model.layers.0.self_attn.v_proj.bias');
  expect(km.resolve('base_model.model.model.layers.0.self_attn.o_proj')?.biasKey).toBeUndefined();
});

describe.each([
  ['GPT2LMHeadModel file (transformer. prefix)', 'transformer.'],
  ['GPT2Model file', ''],
])('GPT-2: %s', (_n, prefix) => {
  it('every Conv1D weight is a transposed target; embeddings and norms are not', async () => {
    const km = buildKeyMap(await baseOnDisk(tmp.dir, `gpt2-${prefix.length}`, T.gpt2Tensors(T.TINY_GPT2, prefix)));
    expect(km.architecture.family).toBe('gpt2');
    const h = 8;
    for (const [m, shape] of [
      ['attn.c_attn', [h, 3 * h]],
      ['attn.c_proj', [h, h]],
      ['mlp.c_fc', [h, 4 * h]],
      ['mlp.c_proj', [4 * h, h]],
    ] as const) {
      for (const name of [`base_model.model.transformer.h.1.${m}`, `h.1.${m}`]) {
        expect(km.resolve(name), name).toMatchObject({ baseKey: `${prefix}h.1.${m}.weight`, baseShape: shape, transpose: true, block: 'L01', biasKey: `${prefix}h.1.${m}.bias` });
      }
    }
    expect(km.resolve('base_model.model.transformer.wte')).toMatchObject({ transpose: false, block: 'LM' });
    expect(km.resolve('base_model.model.transformer.h.0.ln_1')?.transpose).toBe(false);
  });
});

describe.each([
  ['BertForSequenceClassification file (bert. prefix, classifier)', 'bert.', 2],
  ['bare BertModel file', '', undefined],
])('BERT: %s', (_n, prefix, labels) => {
  it('PEFT paths resolve', async () => {
    const km = buildKeyMap(await baseOnDisk(tmp.dir, `bert-${prefix.length}`, T.bertTensors(T.TINY_BERT, { prefix, ...(labels ? { classifierLabels: labels } : {}) })));
    expect(km.architecture.family).toBe('bert');
    expect(km.resolve('base_model.model.bert.encoder.layer.1.attention.self.query')).toMatchObject({ baseKey: `${prefix}encoder.layer.1.attention.self.query.weight`, block: 'L01' });
    expect(km.resolve('base_model.model.bert.encoder.layer.0.output.dense')?.baseKey).toBe(`${prefix}encoder.layer.0.output.dense.weight`);
    expect(km.resolve('base_model.model.bert.pooler.dense')?.block).toBe('LM');
    if (labels) expect(km.resolve('base_model.model.classifier')?.baseShape).toEqual([2, 8]);
    else expect(km.explain('base_model.model.classifier')).toMatch(/task head \("classifier"\).*does not have/);
  });
});

it('Mistral (grouped KV heads): k_proj is narrower than q_proj', async () => {
  const km = buildKeyMap(await baseOnDisk(tmp.dir, 'mistral', T.llamaTensors(T.tinyLlama(T.MISTRAL_7B))));
  expect(km.resolve('base_model.model.model.layers.0.self_attn.k_proj')?.baseShape).toEqual([8, 16]);
  expect(km.resolve('base_model.model.model.layers.0.self_attn.q_proj')?.baseShape).toEqual([16, 16]);
});
