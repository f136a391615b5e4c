import { afterAll, describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { computeModuleDelta, FP32_EPSILON, loadAdapter, readBiasDelta, type LoadedAdapter } from '../../../main/engine/adapters/index.js';
import { expectClose, matmul64, rnd, scalar, scaled, tmpDir, tuckerEinsum, write } from './helpers.js';

const dir = tmpDir('lycoris');
const opened: LoadedAdapter[] = [];
afterAll(async () => {
  for (const a of opened) await a.source.close();
});
async function load(file: string): Promise<LoadedAdapter> {
  const a = await loadAdapter(file);
  opened.push(a);
  return a;
}
const get = (a: LoadedAdapter, name: string) => {
  const m = a.modules.find((x) => x.name === name);
  if (!m) throw new Error(`no module ${name}`);
  return m;
};
const hadamard = (x: Float64Array, y: Float64Array) => x.map((v, i) => v * y[i]!);

/** Kronecker product by definition, 4-D: out[i·p + r, j·q + c, h, w] = a[i, j] · b[r, c, h, w]; returned flattened. */
function kron4(a: ArrayLike<number>, m: number, n: number, b: ArrayLike<number>, p: number, q: number, kh = 1, kw = 1): Float64Array {
  const O = m * p;
  const I = n * q;
  const out = new Float64Array(O * I * kh * kw);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let r = 0; r < p; r++) for (let c = 0; c < q; c++) for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) {
    out[(((i * p + r) * I + (j * q + c)) * kh + h) * kw + w] = a[i * n + j]! * b[((r * q + c) * kh + h) * kw + w]!;
  }
  return out;
}

describe('LoHa', () => {
  const L = 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q';
  const w = { w1a: rnd(`${L}.hada_w1_a`, [6, 2]), w1b: rnd(`${L}.hada_w1_b`, [2, 8]), w2a: rnd(`${L}.hada_w2_a`, [6, 2]), w2b: rnd(`${L}.hada_w2_b`, [2, 8]) };
  const C = 'lora_unet_down_blocks_0_resnets_0_conv1';
  const c = { w1a: rnd(`${C}.hada_w1_a`, [5, 2]), w1b: rnd(`${C}.hada_w1_b`, [2, 27]), w2a: rnd(`${C}.hada_w2_a`, [5, 3]), w2b: rnd(`${C}.hada_w2_b`, [3, 27]) };
  const T = 'lora_unet_up_blocks_0_resnets_0_conv2';
  const t = {
    t1: rnd(`${T}.hada_t1`, [2, 2, 3, 3]), w1a: rnd(`${T}.hada_w1_a`, [2, 5]), w1b: rnd(`${T}.hada_w1_b`, [2, 3]),
    t2: rnd(`${T}.hada_t2`, [2, 2, 3, 3]), w2a: rnd(`${T}.hada_w2_a`, [2, 5]), w2b: rnd(`${T}.hada_w2_b`, [2, 3]),
  };
  const file = write(dir, 'loha.safetensors', [
    ...Object.values(w), scalar(`${L}.alpha`, 1),
    ...Object.values(c), scalar(`${C}.alpha`, 4, 'BF16'),
    ...Object.values(t), scalar(`${T}.alpha`, 4),
  ]);

  it('linear: scale·(w1a·w1b) ⊙ (w2a·w2b), scale = alpha / rows of w1b', async () => {
    const a = await load(file);
    const m = get(a, L);
    expect(m).toMatchObject({ dialect: 'lycoris', rank: 2, alpha: 1, scale: 0.5, deltaShape: [6, 8] });
    expect(m.params.kind).toBe('loha');
    const expected = hadamard(matmul64(w.w1a.data, w.w1b.data, 6, 2, 8), matmul64(w.w2a.data, w.w2b.data, 6, 2, 8));
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(expected, 0.5));
  });

  it('conv without Tucker: flattened [out, in·k·k] delta, halves may differ in rank', async () => {
    const a = await load(file);
    const m = get(a, C);
    expect(m).toMatchObject({ rank: 2, scale: 2, deltaShape: [5, 27] });
    const expected = hadamard(matmul64(c.w1a.data, c.w1b.data, 5, 2, 27), matmul64(c.w2a.data, c.w2b.data, 5, 3, 27));
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(expected, 2));
  });

  it('Tucker: each half is einsum(t, wb, wa) as in ComfyUI, then the Hadamard product', async () => {
    const a = await load(file);
    const m = get(a, T);
    expect(m).toMatchObject({ rank: 2, scale: 2, deltaShape: [5, 3, 3, 3] });
    const m1 = tuckerEinsum(t.t1.data, 2, 2, 3, 3, t.w1b.data, 3, t.w1a.data, 5);
    const m2 = tuckerEinsum(t.t2.data, 2, 2, 3, 3, t.w2b.data, 3, t.w2a.data, 5);
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(hadamard(m1, m2), 2));
  });
});

describe('LoKr', () => {
  const n = (s: string) => `lora_unet_mid_block_attentions_0_${s}`;
  const full = { w1: rnd(`${n('a')}.lokr_w1`, [2, 3]), w2: rnd(`${n('a')}.lokr_w2`, [4, 5]) };
  const half = { w1: rnd(`${n('b')}.lokr_w1`, [2, 2]), w2a: rnd(`${n('b')}.lokr_w2_a`, [4, 2]), w2b: rnd(`${n('b')}.lokr_w2_b`, [2, 6]) };
  const both = { w1a: rnd(`${n('c')}.lokr_w1_a`, [2, 3]), w1b: rnd(`${n('c')}.lokr_w1_b`, [3, 2]), w2a: rnd(`${n('c')}.lokr_w2_a`, [3, 4]), w2b: rnd(`${n('c')}.lokr_w2_b`, [4, 4]) };
  const tk = { w1: rnd(`${n('d')}.lokr_w1`, [2, 2]), t2: rnd(`${n('d')}.lokr_t2`, [2, 2, 3, 3]), w2a: rnd(`${n('d')}.lokr_w2_a`, [2, 3]), w2b: rnd(`${n('d')}.lokr_w2_b`, [2, 4]) };
  const conv = { w1: rnd(`${n('e')}.lokr_w1`, [2, 2]), w2: rnd(`${n('e')}.lokr_w2`, [3, 2, 3, 3]) };
  const flat = { w1: rnd(`${n('f')}.lokr_w1`, [2, 2]), w2a: rnd(`${n('f')}.lokr_w2_a`, [3, 2]), w2b: rnd(`${n('f')}.lokr_w2_b`, [2, 18]) };
  const file = write(dir, 'lokr.safetensors', [
    ...Object.values(full), scalar(`${n('a')}.alpha`, 7),
    ...Object.values(half), scalar(`${n('b')}.alpha`, 1),
    ...Object.values(both), scalar(`${n('c')}.alpha`, 8),
    ...Object.values(tk), scalar(`${n('d')}.alpha`, 1),
    ...Object.values(conv), scalar(`${n('e')}.alpha`, 5),
    ...Object.values(flat),
  ]);

  it('full w1 and w2: kron(w1, w2) with scale 1 whatever alpha says', async () => {
    const a = await load(file);
    const m = get(a, n('a'));
    expect(m).toMatchObject({ rank: undefined, alpha: 7, scale: 1, deltaShape: [8, 15] });
    expectClose(await computeModuleDelta(a, m, referenceMatMul), kron4(full.w1.data, 2, 3, full.w2.data, 4, 5));
  });

  it('low-rank w2: scale = alpha / rows of w2_b', async () => {
    const a = await load(file);
    const m = get(a, n('b'));
    expect(m).toMatchObject({ rank: 2, scale: 0.5, deltaShape: [8, 12] });
    const w2 = matmul64(half.w2a.data, half.w2b.data, 4, 2, 6);
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(kron4(half.w1.data, 2, 2, w2, 4, 6), 0.5));
  });

  it('both factors low-rank: the divisor is w2_b rows (ComfyUI), not w1_b rows', async () => {
    const a = await load(file);
    const m = get(a, n('c'));
    expect(m).toMatchObject({ rank: 4, alpha: 8, scale: 2, deltaShape: [6, 8] });
    const w1 = matmul64(both.w1a.data, both.w1b.data, 2, 3, 2);
    const w2 = matmul64(both.w2a.data, both.w2b.data, 3, 4, 4);
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(kron4(w1, 2, 2, w2, 3, 4), 2));
  });

  it('Tucker w2 (lokr_t2): kron(w1, einsum(t2, w2_b, w2_a)) onto a conv weight', async () => {
    const a = await load(file);
    const m = get(a, n('d'));
    expect(m).toMatchObject({ rank: 2, scale: 0.5, deltaShape: [6, 8, 3, 3] });
    const w2 = tuckerEinsum(tk.t2.data, 2, 2, 3, 3, tk.w2b.data, 4, tk.w2a.data, 3);
    expectClose(await computeModuleDelta(a, m, referenceMatMul), scaled(kron4(tk.w1.data, 2, 2, w2, 3, 4, 3, 3), 0.5));
  });

  it('conv: a full 4-D w2, and a flattened low-rank w2 that equals the 4-D Kronecker product', async () => {
    const a = await load(file);
    const e = get(a, n('e'));
    expect(e).toMatchObject({ scale: 1, deltaShape: [6, 4, 3, 3] });
    expectClose(await computeModuleDelta(a, e, referenceMatMul), kron4(conv.w1.data, 2, 2, conv.w2.data, 3, 2, 3, 3));
    const f = get(a, n('f'));
    expect(f).toMatchObject({ scale: 1, alphaSource: 'none', deltaShape: [6, 36] });
    // ComfyUI reshapes the 2-D kron onto [6, 4, 3, 3]; that must equal kron(w1[:, :, None, None], w2 as [3, 2, 3, 3]).
    const w2 = matmul64(flat.w2a.data, flat.w2b.data, 3, 2, 18);
    expectClose(await computeModuleDelta(a, f, referenceMatMul), kron4(flat.w1.data, 2, 2, w2, 3, 2, 3, 3));
  });
});

describe('full diffs and LyCORIS DoRA', () => {
  const diff = rnd('lora_unet_down_blocks_0_attentions_0_proj_out.diff', [4, 5]);
  const diffB = rnd('lora_unet_down_blocks_0_attentions_0_proj_out.diff_b', [4]);
  const normDiff = rnd('lora_unet_down_blocks_0_attentions_0_norm.diff', [6]);
  const biasOnly = rnd('lora_unet_down_blocks_0_attentions_0_norm2.diff_b', [6]);
  const R = 'lora_te_text_model_encoder_layers_0_self_attn_k_proj';
  const rowsDora = [rnd(`${R}.lora_down.weight`, [2, 8]), rnd(`${R}.lora_up.weight`, [6, 2]), rnd(`${R}.dora_scale`, [6, 1]), scalar(`${R}.alpha`, 2)];
  const K = 'lora_te_text_model_encoder_layers_0_self_attn_v_proj';
  const colsDora = [rnd(`${K}.lora_down.weight`, [2, 8]), rnd(`${K}.lora_up.weight`, [6, 2]), rnd(`${K}.dora_scale`, [1, 8])];
  const V = 'lora_unet_down_blocks_0_resnets_0_conv2';
  const convDora = [rnd(`${V}.lora_down.weight`, [2, 3, 3, 3]), rnd(`${V}.lora_up.weight`, [5, 2, 1, 1]), rnd(`${V}.dora_scale`, [1, 3, 1, 1])];
  const H = 'lora_unet_down_blocks_1_resnets_0_conv1';
  const hadaDora = [rnd(`${H}.hada_w1_a`, [5, 2]), rnd(`${H}.hada_w1_b`, [2, 27]), rnd(`${H}.hada_w2_a`, [5, 2]), rnd(`${H}.hada_w2_b`, [2, 27]), rnd(`${H}.dora_scale`, [1, 3, 1, 1])];
  const file = write(dir, 'full-dora.safetensors', [diff, diffB, scalar('lora_unet_down_blocks_0_attentions_0_proj_out.alpha', 3), normDiff, biasOnly, ...rowsDora, ...colsDora, ...convDora, ...hadaDora]);

  it('.diff is ΔW at scale 1 (alpha ignored), .diff_b the bias delta; a bias-only module has no weight delta', async () => {
    const a = await load(file);
    const m = get(a, 'lora_unet_down_blocks_0_attentions_0_proj_out');
    expect(m).toMatchObject({ dialect: 'lycoris', scale: 1, rank: undefined, deltaShape: [4, 5] });
    expect(m.params).toEqual({ kind: 'full', diff: diff.name, diffBias: diffB.name });
    expect(Array.from(await computeModuleDelta(a, m, referenceMatMul))).toEqual(Array.from(diff.data));
    expect(Array.from((await readBiasDelta(a, m))!)).toEqual(Array.from(diffB.data));
    expect(get(a, 'lora_unet_down_blocks_0_attentions_0_norm').deltaShape).toEqual([6]);
    const bias = get(a, 'lora_unet_down_blocks_0_attentions_0_norm2');
    await expect(computeModuleDelta(a, bias, referenceMatMul)).rejects.toMatchObject({ code: 'not-a-delta', module: bias.name });
    expect(Array.from((await readBiasDelta(a, bias))!)).toEqual(Array.from(biasOnly.data));
  });

  it('dora_scale [out, 1] is per output row, [1, in(, 1, 1)] per input channel, with fp32 epsilon', async () => {
    const a = await load(file);
    expect(get(a, R)).toMatchObject({ dialect: 'lycoris', scale: 1, dora: { key: `${R}.dora_scale`, norm: 'rows', epsilon: FP32_EPSILON, convention: 'lycoris' } });
    expect(get(a, K).dora).toMatchObject({ norm: 'cols' });
    expect(get(a, V)).toMatchObject({ deltaShape: [5, 3, 3, 3], dora: { norm: 'cols' } });
    expect(get(a, H)).toMatchObject({ deltaShape: [5, 27], dora: { norm: 'cols' } });
    expect(FP32_EPSILON).toBe(1.1920928955078125e-7);
  });
});
