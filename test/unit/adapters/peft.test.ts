import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { computeModuleDelta, loadAdapter, readLoraFactors, type LoadedAdapter } from '../../../main/engine/adapters/index.js';
import { expectClose, matmul64, rejection, rnd, scalar, scaled, tmpDir, write } from './helpers.js';

const root = tmpDir('peft');
const opened: LoadedAdapter[] = [];
afterAll(async () => {
  for (const a of opened) await a.source.close();
});
async function load(p: string, opts?: Parameters<typeof loadAdapter>[1]): Promise<LoadedAdapter> {
  const a = await loadAdapter(p, opts);
  opened.push(a);
  return a;
}
const byName = (a: LoadedAdapter) => new Map(a.modules.map((m) => [m.name, m]));

function peftDir(name: string, tensors: Parameters<typeof write>[2], config: Record<string, unknown>, metadata?: Record<string, string>): string {
  const d = path.join(root, name);
  mkdirSync(d, { recursive: true });
  write(d, 'adapter_model.safetensors', tensors, metadata);
  writeFileSync(path.join(d, 'adapter_config.json'), JSON.stringify(config, null, 2));
  return d;
}

const P = 'base_model.model.model.layers';

describe('PEFT directory with adapter_config.json', () => {
  const qA = rnd(`${P}.0.self_attn.q_proj.lora_A.weight`, [4, 8]);
  const qB = rnd(`${P}.0.self_attn.q_proj.lora_B.weight`, [8, 4]);
  const vA = rnd(`${P}.0.self_attn.v_proj.lora_A.weight`, [4, 8]);
  const vB = rnd(`${P}.0.self_attn.v_proj.lora_B.weight`, [8, 4]);
  const dA = rnd(`${P}.1.mlp.down_proj.lora_A.weight`, [2, 12]);
  const dB = rnd(`${P}.1.mlp.down_proj.lora_B.weight`, [8, 2]);
  const eA = rnd('base_model.model.model.embed_tokens.lora_embedding_A', [4, 10]);
  const eB = rnd('base_model.model.model.embed_tokens.lora_embedding_B', [6, 4]);
  const head = rnd('base_model.model.lm_head.weight', [10, 6]);
  const norm = rnd('base_model.model.model.norm.weight', [6]);
  const config = {
    peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: 'tiny-llama', r: 4, lora_alpha: 8,
    target_modules: ['q_proj', 'v_proj', 'down_proj', 'embed_tokens'], modules_to_save: ['lm_head'],
    rank_pattern: { 'layers.1.mlp.down_proj': 2, down_proj: 3 },
    alpha_pattern: { 'layers\\.0\\.self_attn\\.v_proj': 2, proj: 100 },
    use_rslora: false, use_dora: false, fan_in_fan_out: false, lora_dropout: 0.05, bias: 'none',
  };
  const dir = peftDir('llama', [qA, qB, vA, vB, dA, dB, eA, eB, head, norm], config);

  it('reads r / lora_alpha, rank_pattern and alpha_pattern the way PEFT matches them', async () => {
    const a = await load(dir);
    expect(a.path).toBe(dir);
    expect(a.configSource).toBe(path.join(dir, 'adapter_config.json'));
    expect(a.peftConfig).toMatchObject({ r: 4, lora_alpha: 8, task_type: 'CAUSAL_LM', modules_to_save: ['lm_head'] });
    expect(a.peftConfig!.extra).toEqual({ lora_dropout: 0.05, bias: 'none' });
    const m = byName(a);
    expect(m.get(`${P}.0.self_attn.q_proj`)).toMatchObject({ dialect: 'peft', rank: 4, alpha: 8, alphaSource: 'config', scale: 2 });
    // "proj" must not match "v_proj": PEFT anchors a key at a dot boundary.
    expect(m.get(`${P}.0.self_attn.v_proj`)).toMatchObject({ alpha: 2, alphaSource: 'config-pattern', scale: 0.5 });
    // The first rank_pattern key that matches wins ("layers.1.mlp.down_proj": 2, not "down_proj": 3).
    expect(m.get(`${P}.1.mlp.down_proj`)).toMatchObject({ rank: 2, alpha: 8, scale: 4, deltaShape: [8, 12] });
    expectClose(await computeModuleDelta(a, m.get(`${P}.0.self_attn.v_proj`)!, referenceMatMul), scaled(matmul64(vB.data, vA.data, 8, 4, 8), 0.5));
  });

  it('embeddings: module orientation B·A [dim, vocab], embedding flag for the transpose', async () => {
    const a = await load(dir);
    const e = byName(a).get('base_model.model.model.embed_tokens')!;
    expect(e).toMatchObject({ embedding: true, rank: 4, scale: 2, deltaShape: [6, 10] });
    const f = await readLoraFactors(a, e);
    expect(f).toMatchObject({ rank: 4, out: 6, inFlat: 10 });
    expect(Array.from(f.up)).toEqual(Array.from(eB.data));
    expect(Array.from(f.down)).toEqual(Array.from(eA.data));
    expectClose(await computeModuleDelta(a, e, referenceMatMul), scaled(matmul64(eB.data, eA.data, 6, 4, 10), 2));
  });

  it('modules_to_save tensors become replace modules; other full tensors are unused with a reason', async () => {
    const a = await load(dir);
    const h = byName(a).get('base_model.model.lm_head')!;
    expect(h).toMatchObject({ dialect: 'peft', deltaShape: [10, 6], scale: 1 });
    expect(h.params).toEqual({ kind: 'replace', tensors: { weight: head.name } });
    await expect(computeModuleDelta(a, h, referenceMatMul)).rejects.toMatchObject({ code: 'not-a-delta', module: 'base_model.model.lm_head' });
    expect(a.unusedKeys).toEqual([{ key: norm.name, reason: expect.stringMatching(/not listed in the PEFT config's modules_to_save/) }]);
  });

  it('refuses a config whose rank disagrees with the tensors, naming the module', async () => {
    const d = peftDir('mismatch', [qA, qB], { ...config, r: 8, rank_pattern: {} });
    const err = await rejection(() => loadAdapter(d));
    expect(err.code).toBe('config-mismatch');
    expect(err.module).toBe(`${P}.0.self_attn.q_proj`);
    expect(err.message).toContain(path.join(d, 'adapter_model.safetensors'));
    expect(err.message).toMatch(/rank 4.*r = 8/);
  });

  it('a rank_pattern order that picks the wrong key is a mismatch too (the order matters)', async () => {
    const d = peftDir('order', [dA, dB], { ...config, rank_pattern: { down_proj: 3, 'layers.1.mlp.down_proj': 2 } });
    const err = await rejection(() => loadAdapter(d));
    expect(err.code).toBe('config-mismatch');
    expect(err.message).toMatch(/rank_pattern "down_proj" gives r = 3/);
  });
});

describe('PEFT options', () => {
  it('use_rslora: scale = lora_alpha / √r', async () => {
    const A = rnd(`${P}.0.self_attn.q_proj.lora_A.weight`, [16, 4]);
    const B = rnd(`${P}.0.self_attn.q_proj.lora_B.weight`, [4, 16]);
    const a = await load(peftDir('rslora', [A, B], { peft_type: 'LORA', r: 16, lora_alpha: 8, use_rslora: true }));
    const m = a.modules[0]!;
    expect(m.scale).toBe(2);
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(matmul64(B.data, A.data, 4, 16, 4), 2));
  });

  it('fan_in_fan_out (GPT-2 Conv1D): factors stay nn.Linear-shaped, the module says to transpose', async () => {
    const A = rnd('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight', [4, 8]);
    const B = rnd('base_model.model.transformer.h.0.attn.c_attn.lora_B.weight', [24, 4]);
    const a = await load(peftDir('gpt2', [A, B], { peft_type: 'LORA', r: 4, lora_alpha: 4, fan_in_fan_out: true, target_modules: ['c_attn'] }));
    expect(a.modules[0]).toMatchObject({ name: 'base_model.model.transformer.h.0.attn.c_attn', fanInFanOut: true, deltaShape: [24, 8], scale: 1 });
  });

  it('DoRA: lora_magnitude_vector is one value per output row, PEFT convention without epsilon', async () => {
    const A = rnd(`${P}.0.self_attn.q_proj.lora_A.weight`, [4, 8]);
    const B = rnd(`${P}.0.self_attn.q_proj.lora_B.weight`, [6, 4]);
    const mag = rnd(`${P}.0.self_attn.q_proj.lora_magnitude_vector`, [6]);
    const cA = rnd('base_model.model.conv.lora_A.weight', [2, 3, 3, 3]);
    const cB = rnd('base_model.model.conv.lora_B.weight', [5, 2, 1, 1]);
    const cMag = rnd('base_model.model.conv.lora_magnitude_vector', [1, 5, 1, 1]);
    const a = await load(peftDir('dora', [A, B, mag, cA, cB, cMag], { peft_type: 'LORA', r: 4, lora_alpha: 4, use_dora: true, rank_pattern: { conv: 2 }, alpha_pattern: { conv: 2 } }));
    const m = byName(a);
    expect(m.get(`${P}.0.self_attn.q_proj`)!.dora).toEqual({ key: mag.name, norm: 'rows', epsilon: 0, convention: 'peft' });
    expect(m.get('base_model.model.conv')).toMatchObject({ deltaShape: [5, 3, 3, 3], dora: { key: cMag.name, norm: 'rows', epsilon: 0 } });
    expect(m.get(`${P}.0.self_attn.q_proj`)!.keys).toContain(mag.name);
  });

  it('a file with adapter_config.json beside it uses that config, and says so', async () => {
    const d = path.join(root, 'beside');
    mkdirSync(d, { recursive: true });
    const A = rnd(`${P}.0.self_attn.q_proj.lora_A.weight`, [4, 8]);
    const B = rnd(`${P}.0.self_attn.q_proj.lora_B.weight`, [8, 4]);
    const file = write(d, 'my-adapter.safetensors', [A, B]);
    writeFileSync(path.join(d, 'adapter_config.json'), JSON.stringify({ r: 4, lora_alpha: 2 }));
    const a = await load(file);
    expect(a.modules[0]!.scale).toBe(0.5);
    expect(a.notes.join('\n')).toContain('Using the PEFT config found beside the file');
    const ignored = await load(file, { ignoreConfig: true });
    expect(ignored.modules[0]!.scale).toBe(1);
  });
});

describe('PEFT LoHa / LoKr configs and stored alphas', () => {
  it('LOHA and LOKR configs: scale = alpha / r from the config (PEFT), even for a LoKr with full w1 and w2', async () => {
    const h = ['hada_w1_a', 'hada_w1_b', 'hada_w2_a', 'hada_w2_b'];
    const loha = await load(peftDir('loha', h.map((n, i) => rnd(`base_model.model.fc.${n}`, i % 2 === 0 ? [4, 2] : [2, 6])), { peft_type: 'LOHA', r: 2, alpha: 4 }));
    expect(loha.modules[0]).toMatchObject({ dialect: 'lycoris', rank: 2, alpha: 4, alphaSource: 'config', scale: 2 });
    const lokr = await load(peftDir('lokr', [rnd('base_model.model.fc.lokr_w1', [2, 2]), rnd('base_model.model.fc.lokr_w2', [2, 3])], { peft_type: 'LOKR', r: 8, alpha: 4 }));
    // LyCORIS / ComfyUI would use scale 1 for full w1 and w2; PEFT's LoKr layer always scales by alpha / r.
    expect(lokr.modules[0]).toMatchObject({ rank: undefined, alpha: 4, scale: 0.5 });
  });

  it('a stored .alpha that disagrees with the config: the config wins, with a note', async () => {
    const A = rnd(`${P}.0.self_attn.q_proj.lora_A.weight`, [4, 8]);
    const B = rnd(`${P}.0.self_attn.q_proj.lora_B.weight`, [8, 4]);
    const a = await load(peftDir('stored-alpha', [A, B, scalar(`${P}.0.self_attn.q_proj.alpha`, 1)], { r: 4, lora_alpha: 8 }));
    expect(a.modules[0]).toMatchObject({ alpha: 8, alphaSource: 'config', scale: 2 });
    expect(a.notes.join('\n')).toMatch(/1 module\(s\) carry an \.alpha tensor that differs from the PEFT config/);
  });
});

describe('PEFT-style files without a config', () => {
  it('scale from a stored .alpha, else 1, and a note that says so; .default.weight and prefixes kept', async () => {
    const A = rnd('unet.down_blocks.1.attentions.0.proj_in.lora_A.default.weight', [4, 8]);
    const B = rnd('unet.down_blocks.1.attentions.0.proj_in.lora_B.default.weight', [8, 4]);
    const tA = rnd('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight', [2, 8]);
    const tB = rnd('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight', [8, 2]);
    const fA = rnd('transformer.single_transformer_blocks.0.attn.to_k.lora_A.weight', [2, 8]);
    const fB = rnd('transformer.single_transformer_blocks.0.attn.to_k.lora_B.weight', [8, 2]);
    const file = write(root, 'no-config.safetensors', [A, B, tA, tB, scalar('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.alpha', 1), fA, fB]);
    const a = await load(file);
    const m = byName(a);
    expect(a.peftConfig).toBeUndefined();
    expect(m.get('unet.down_blocks.1.attentions.0.proj_in')).toMatchObject({ dialect: 'peft', scale: 1, alphaSource: 'none' });
    expect(m.get('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj')).toMatchObject({ alpha: 1, alphaSource: 'tensor', scale: 0.5 });
    expect(m.get('transformer.single_transformer_blocks.0.attn.to_k')).toMatchObject({ scale: 1 });
    expect(a.notes.join('\n')).toMatch(/3 PEFT-style module\(s\) without a PEFT config.*stored \.alpha \/ r for 1, 1 for the other 2/);
  });

  it('base_model.model. full tensors are taken as modules_to_save, with a note', async () => {
    const A = rnd('base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight', [2, 4]);
    const B = rnd('base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.weight', [4, 2]);
    const w = rnd('base_model.model.classifier.weight', [3, 4]);
    const b = rnd('base_model.model.classifier.bias', [3]);
    const a = await load(write(root, 'bert-no-config.safetensors', [A, B, w, b]));
    expect(byName(a).get('base_model.model.classifier')!.params).toEqual({ kind: 'replace', tensors: { weight: w.name, bias: b.name } });
    expect(a.notes.join('\n')).toMatch(/treated as PEFT modules_to_save/);
  });

  it('diffusers lora_adapter_metadata: one config, or one per component', async () => {
    const A = rnd('transformer.blocks.0.attn.to_q.lora_A.weight', [4, 8]);
    const B = rnd('transformer.blocks.0.attn.to_q.lora_B.weight', [8, 4]);
    const whole = await load(write(root, 'meta-whole.safetensors', [A, B], { lora_adapter_metadata: JSON.stringify({ r: 4, lora_alpha: 16, rank_pattern: {}, alpha_pattern: {} }) }));
    expect(whole.modules[0]).toMatchObject({ alpha: 16, alphaSource: 'config', scale: 4 });
    const tA = rnd('text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight', [2, 8]);
    const tB = rnd('text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight', [8, 2]);
    const meta = { 'transformer.r': 4, 'transformer.lora_alpha': 2, 'text_encoder.r': 2, 'text_encoder.lora_alpha': 8, 'text_encoder.alpha_pattern': { q_proj: 1 } };
    const comp = await load(write(root, 'meta-components.safetensors', [A, B, tA, tB], { lora_adapter_metadata: JSON.stringify(meta) }));
    const m = byName(comp);
    expect(m.get('transformer.blocks.0.attn.to_q')).toMatchObject({ alpha: 2, scale: 0.5 });
    expect(m.get('text_encoder.text_model.encoder.layers.0.self_attn.q_proj')).toMatchObject({ alpha: 1, alphaSource: 'config-pattern', scale: 0.5 });
    expect(Object.keys(comp.componentConfigs ?? {}).sort()).toEqual(['text_encoder', 'transformer']);
  });
});
