import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { moduleDelta } from '../../../main/engine/module-source/evaluate.js';
import { moduleFactors } from '../../../main/engine/module-source/evaluate.js';
import type { ModuleSource, RankRule } from '../../../main/engine/values/lora-value.js';
import { delta64, frobenius, matmul64, randomFactors, relativeMaxError, singularValues64, truncated64, weightedSum } from '../ops/combine/helpers.js';

const mm = referenceMatMul;
const fixed = (rank: number): RankRule => ({ type: 'fixed', rank });

describe('concat source', () => {
  it('is the exact weighted sum: vstack(c_i·s_i·down_i), hstack(up_i), scale 1, rank Σr_i', async () => {
    const a = randomFactors(6, 2, 5);
    const b = randomFactors(6, 3, 5);
    const source: ModuleSource = {
      type: 'concat',
      out: 6,
      inFlat: 5,
      members: [
        { source: { type: 'factors', factors: a, scale: 0.5 }, coefficient: 0.8 },
        { source: { type: 'factors', factors: b, scale: 2 }, coefficient: -1.5 },
      ],
    };
    const { factors, scale } = await moduleFactors(source, mm);
    expect(scale).toBe(1);
    expect(factors.rank).toBe(5);
    // up* is the inputs' ups side by side, unchanged; down* carries c·s.
    expect(factors.up[0 * 5 + 0]).toBe(a.up[0]);
    expect(factors.up[1 * 5 + 2]).toBe(b.up[1 * 3 + 0]);
    expect(factors.down[0]).toBeCloseTo(0.8 * 0.5 * a.down[0]!, 7);
    const expected = weightedSum([{ x: delta64(a, 0.5), c: 0.8 }, { x: delta64(b, 2), c: -1.5 }], 30, 5);
    expect(relativeMaxError(await moduleDelta(source, mm), expected)).toBeLessThan(1e-6);
  });

  it('places a part of a fused module at its rows (zero elsewhere)', async () => {
    const fused = randomFactors(9, 2, 3);
    const part = randomFactors(3, 1, 3);
    const source: ModuleSource = {
      type: 'concat',
      out: 9,
      inFlat: 3,
      members: [
        { source: { type: 'factors', factors: fused, scale: 1 }, coefficient: 1 },
        { source: { type: 'factors', factors: part, scale: 1 }, coefficient: 2, rows: { start: 3, length: 3 } },
      ],
    };
    const expected = weightedSum([{ x: delta64(fused), c: 1 }, { x: delta64(part), c: 2, rowStart: 3 }], 27, 3);
    expect(relativeMaxError(await moduleDelta(source, mm), expected)).toBeLessThan(1e-6);
  });

  it('refuses members of different widths, naming the module', async () => {
    const source: ModuleSource = {
      type: 'concat',
      out: 4,
      inFlat: 3,
      members: [
        { source: { type: 'factors', factors: randomFactors(4, 1, 3), scale: 1 }, coefficient: 1 },
        { source: { type: 'factors', factors: randomFactors(4, 1, 5), scale: 1 }, coefficient: 1 },
      ],
    };
    await expect(moduleFactors(source, mm, { module: 'unet.x' })).rejects.toMatchObject({ code: 'combine-shape-mismatch', module: 'unet.x' });
  });

  it('refuses a dense member (it has no factors)', async () => {
    const source: ModuleSource = { type: 'concat', out: 2, inFlat: 2, members: [{ source: { type: 'dense', delta: new Float32Array(4) }, coefficient: 1 }] };
    await expect(moduleFactors(source, mm, { module: 'm' })).rejects.toMatchObject({ code: 'no-factors' });
  });
});

describe('compress source (svd)', () => {
  const out = 24;
  const inFlat = 18;
  const a = randomFactors(out, 4, inFlat);
  const b = randomFactors(out, 6, inFlat);
  const members = [
    { source: { type: 'factors', factors: a, scale: 0.25 } as const, coefficient: 1.2 },
    { source: { type: 'factors', factors: b, scale: 1 } as const, coefficient: 0.7 },
  ];
  const sum = weightedSum([{ x: delta64(a, 0.25), c: 1.2 }, { x: delta64(b), c: 0.7 }], out * inFlat, inFlat);

  it('keeps the singular values of the dense SVD of Σ c_i·ΔW_i, and its best rank-k reconstruction', async () => {
    const k = 5;
    const r = await moduleFactors({ type: 'compress', out, inFlat, members, rank: fixed(k) }, mm);
    expect(r.factors.rank).toBe(k);
    const ref = singularValues64(sum, out, inFlat);
    const got = r.compression!.singularValues;
    // c·s·down is rounded to fp32 once when stacked: that, not the SVD, bounds the agreement.
    for (let j = 0; j < 10; j++) expect(Math.abs(got[j]! - ref[j]!) / ref[j]!).toBeLessThan(1e-6);
    const best = truncated64(sum, out, inFlat, k);
    const approx = delta64(r.factors, r.scale);
    expect(relativeMaxError(approx, best)).toBeLessThan(1e-5);
    // Eckart–Young: the error is exactly the dropped energy.
    const residual = frobenius(approx.map((v, i) => v - sum[i]!));
    const dropped = Math.sqrt(ref.slice(k).reduce((s, v) => s + v * v, 0));
    expect(residual / dropped).toBeCloseTo(1, 5);
    expect(r.compression!.frobeniusRetained).toBeCloseTo(Math.sqrt(1 - (dropped / frobenius(sum)) ** 2), 7);
  });

  it('splits √σ evenly between up and down (columns of up and rows of down have equal norms)', async () => {
    const r = await moduleFactors({ type: 'compress', out, inFlat, members, rank: fixed(3) }, mm);
    const { up, down, rank } = r.factors;
    for (let j = 0; j < rank; j++) {
      let nu = 0;
      let nd = 0;
      for (let i = 0; i < out; i++) nu += up[i * rank + j]! ** 2;
      for (let c = 0; c < inFlat; c++) nd += down[j * inFlat + c]! ** 2;
      expect(Math.sqrt(nu) / Math.sqrt(nd)).toBeCloseTo(1, 4);
    }
  });

  it('at the full rank reproduces the sum (compressing is then exact)', async () => {
    const r = await moduleFactors({ type: 'compress', out, inFlat, members, rank: fixed(10) }, mm);
    expect(relativeMaxError(delta64(r.factors, r.scale), sum)).toBeLessThan(1e-5);
  });

  it('pads with zero columns where the sum has less rank than declared', async () => {
    const one = randomFactors(out, 2, inFlat);
    const r = await moduleFactors({ type: 'compress', out, inFlat, members: [{ source: { type: 'factors', factors: one, scale: 1 }, coefficient: 1 }], rank: fixed(6) }, mm);
    expect(r.factors.rank).toBe(6);
    for (let i = 0; i < out; i++) for (let j = 2; j < 6; j++) expect(r.factors.up[i * 6 + j]).toBe(0);
    expect(relativeMaxError(delta64(r.factors), delta64(one))).toBeLessThan(1e-5);
  });

  it('compresses a dense member (no factors) together with factored ones', async () => {
    const dense = Float32Array.from(delta64(randomFactors(out, 3, inFlat)));
    const r = await moduleFactors(
      { type: 'compress', out, inFlat, members: [...members, { source: { type: 'dense', delta: dense }, coefficient: -0.5 }], rank: fixed(4) },
      mm,
    );
    const all = weightedSum([{ x: sum, c: 1 }, { x: dense, c: -0.5 }], out * inFlat, inFlat);
    expect(relativeMaxError(delta64(r.factors), truncated64(all, out, inFlat, 4))).toBeLessThan(1e-5);
    const ref = singularValues64(all, out, inFlat);
    expect(Math.abs(r.compression!.singularValues[0]! - ref[0]!) / ref[0]!).toBeLessThan(1e-6);
  });

  it('compresses a large dense delta by randomized SVD: kept singular values within 1e-5 of the dense SVD', async () => {
    const rows = 160;
    const cols = 120;
    // A decaying spectrum (σ_i = 0.8^i) on random orthonormal-ish directions.
    const u = randomFactors(rows, 40, cols);
    const scaledUp = Float32Array.from(u.up, (v, i) => v * 0.8 ** (i % 40));
    const dense = Float32Array.from(matmul64(scaledUp, u.down, rows, 40, cols));
    const r = await moduleFactors({ type: 'compress', out: rows, inFlat: cols, members: [{ source: { type: 'dense', delta: dense }, coefficient: 1 }], rank: fixed(8) }, mm);
    expect(r.compression!.complete).toBe(false);
    const ref = singularValues64(Float64Array.from(dense), rows, cols);
    for (let j = 0; j < 8; j++) expect(Math.abs(r.compression!.singularValues[j]! - ref[j]!) / ref[j]!).toBeLessThan(1e-5);
    const residual = frobenius(delta64(r.factors).map((v, i) => v - dense[i]!));
    const dropped = Math.sqrt(ref.slice(8).reduce((s, v) => s + v * v, 0));
    expect(residual / dropped).toBeLessThan(1 + 1e-4);
  });

  it('applies a dynamic rank rule to the spectrum (kohya sv_fro)', async () => {
    const r = await moduleFactors({ type: 'compress', out, inFlat, members, rank: { type: 'dynamic', method: 'sv_fro', param: 0.9 } }, mm);
    const ref = singularValues64(sum, out, inFlat);
    const total = ref.reduce((s, v) => s + v * v, 0);
    let k = 0;
    let acc = 0;
    while (acc / total < 0.81) acc += ref[k++]! ** 2;
    expect(r.factors.rank).toBe(k);
  });

  it('clamps as kohya: up = U·S, down = Vᵀ, both clipped to ±quantile(cat(up, down), q)', async () => {
    const r = await moduleFactors({ type: 'compress', out, inFlat, members, rank: fixed(4), clampQuantile: 0.9 }, mm);
    const unclamped = await moduleFactors({ type: 'compress', out, inFlat, members, rank: fixed(4) }, mm);
    const all = [...r.factors.up, ...r.factors.down];
    const hi = Math.max(...all);
    expect(Math.min(...all)).toBeGreaterThanOrEqual(-hi);
    // Rows of down are unit vectors before the clamp (kohya's split), so most entries are untouched.
    const rowNorm = Math.sqrt(Array.from(r.factors.down.subarray(0, inFlat)).reduce((s, v) => s + v * v, 0));
    expect(rowNorm).toBeLessThanOrEqual(1 + 1e-6);
    const share = all.filter((v) => Math.abs(v) === hi).length / all.length;
    expect(share).toBeGreaterThan(0.05);
    expect(relativeMaxError(delta64(r.factors), delta64(unclamped.factors))).toBeGreaterThan(1e-4);
  });
});

describe('task-merge source', () => {
  const out = 5;
  const inFlat = 4;
  const a = randomFactors(out, 2, inFlat);
  const b = randomFactors(out, 3, inFlat);
  const tauA = delta64(a, 0.5);
  const tauB = delta64(b, 1);

  it('ties: trim to density, elect the sign of Σ trimmed τ, mean of the agreeing weighted values (PEFT), at full rank exact', async () => {
    const density = 0.5;
    const weights = [1.5, 0.5];
    const source: ModuleSource = {
      type: 'task-merge',
      out,
      inFlat,
      members: [
        { source: { type: 'factors', factors: a, scale: 0.5 }, coefficient: 1, weight: weights[0]!, index: 0 },
        { source: { type: 'factors', factors: b, scale: 1 }, coefficient: 1, weight: weights[1]!, index: 1 },
      ],
      options: { method: 'ties', density, majority: 'total' },
      rank: fixed(4),
    };
    const n = out * inFlat;
    const trim = (t: Float64Array): Float64Array => {
      const keep = Math.floor(density * n);
      const order = Array.from(t.keys()).sort((i, j) => Math.abs(t[j]!) - Math.abs(t[i]!) || i - j);
      const r = new Float64Array(n);
      for (const i of order.slice(0, keep)) r[i] = t[i]!;
      return r;
    };
    const trimmed = [trim(Float64Array.from(tauA)), trim(Float64Array.from(tauB))];
    const expected = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const elected = trimmed[0]![j]! + trimmed[1]![j]! >= 0 ? 1 : -1;
      let s = 0;
      let count = 0;
      trimmed.forEach((t, i) => {
        if (Math.sign(t[j]!) === elected) {
          s += weights[i]! * t[j]!;
          count++;
        }
      });
      expected[j] = s / Math.max(1, count);
    }
    const r = await moduleFactors(source, mm);
    expect(relativeMaxError(delta64(r.factors, r.scale), expected)).toBeLessThan(1e-5);
  });

  it('task_arithmetic compressed to rank k is the best rank-k approximation of Σ w_i·τ_i', async () => {
    const source: ModuleSource = {
      type: 'task-merge',
      out,
      inFlat,
      members: [
        { source: { type: 'factors', factors: a, scale: 0.5 }, coefficient: 1, weight: 2, index: 0 },
        { source: { type: 'factors', factors: b, scale: 1 }, coefficient: 1, weight: -1, index: 1 },
      ],
      options: { method: 'task_arithmetic' },
      rank: fixed(2),
    };
    const sum = weightedSum([{ x: tauA, c: 2 }, { x: tauB, c: -1 }], out * inFlat, inFlat);
    const r = await moduleFactors(source, mm);
    expect(relativeMaxError(delta64(r.factors), truncated64(sum, out, inFlat, 2))).toBeLessThan(1e-5);
  });

  it('density 1 is the identity: one input at weight 1 comes back unchanged (full rank)', async () => {
    for (const options of [
      { method: 'ties', density: 1, majority: 'total' },
      { method: 'dare_ties', density: 1, seed: 3, majority: 'frequency' },
      { method: 'dare_linear', density: 1, seed: 3 },
      { method: 'magnitude_prune', density: 1 },
    ] as const) {
      const r = await moduleFactors(
        { type: 'task-merge', out, inFlat, members: [{ source: { type: 'factors', factors: a, scale: 0.5 }, coefficient: 1, weight: 1, index: 0 }], options, rank: fixed(4) },
        mm,
      );
      expect(relativeMaxError(delta64(r.factors), tauA)).toBeLessThan(1e-5);
    }
  });

  it('a tiny density gives finite factors, no NaN', async () => {
    for (const options of [
      { method: 'dare_ties', density: 1e-9, seed: 0, majority: 'total' },
      { method: 'ties', density: 1e-9, majority: 'total' },
      { method: 'dare_linear', density: 0.01, seed: 1 },
    ] as const) {
      const r = await moduleFactors(
        {
          type: 'task-merge',
          out,
          inFlat,
          members: [
            { source: { type: 'factors', factors: a, scale: 1 }, coefficient: 1, weight: 1, index: 0 },
            { source: { type: 'factors', factors: b, scale: 1 }, coefficient: 1, weight: 1, index: 1 },
          ],
          options,
          rank: fixed(2),
        },
        mm,
      );
      expect([...r.factors.up, ...r.factors.down].every(Number.isFinite)).toBe(true);
    }
  });

  it('DARE is seeded: the same seed gives the same factors, another seed others', async () => {
    const make = (seed: number): ModuleSource => ({
      type: 'task-merge',
      out,
      inFlat,
      members: [{ source: { type: 'factors', factors: a, scale: 1 }, coefficient: 1, weight: 1, index: 0 }],
      options: { method: 'dare_linear', density: 0.5, seed },
      rank: fixed(4),
    });
    const x = delta64((await moduleFactors(make(1), mm)).factors);
    const y = delta64((await moduleFactors(make(1), mm)).factors);
    const z = delta64((await moduleFactors(make(2), mm)).factors);
    expect(Array.from(x)).toEqual(Array.from(y));
    expect(relativeMaxError(x, z)).toBeGreaterThan(1e-3);
  });
});

describe('kohya-merge source', () => {
  it('one input: ratio·|ratio|·(alpha/r)·up·down (sd-scripts squares the ratio); a missing alpha is the rank', async () => {
    // Hand-computed: up = [1; 2], down = [3, 4], alpha 1 rank 1 → scale 1; ratio 0.5 → 0.25·[[3,4],[6,8]].
    const f = { up: Float32Array.from([1, 2]), down: Float32Array.from([3, 4]), rank: 1, out: 2, inFlat: 2 };
    const r = await moduleFactors({ type: 'kohya-merge', out: 2, inFlat: 2, members: [{ source: { type: 'factors', factors: f, scale: 1 }, ratio: 0.5, index: 0 }], concat: false }, mm);
    expect(Array.from(await moduleDelta({ type: 'factors', factors: r.factors, scale: r.scale }, mm))).toEqual([0.75, 1, 1.5, 2]);
  });

  it('two inputs of equal rank: (base_alpha/r)·(Σ|c_i|up_i)(Σ c_j down_j) with c_i = sqrt(alpha_i/base_alpha)·ratio_i', async () => {
    // Input 0: alpha 2 (scale 2, rank 1), up [1], down [1]; input 1: alpha 8 (scale 8), up [1], down [2].
    // c0 = 1·1 = 1, c1 = sqrt(8/2)·0.5 = 1; up = 1+1 = 2, down = 1+2 = 3; ΔW = (2/1)·2·3 = 12.
    // Exact would be 2·1·1 + 0.5·8·1·2 = 10: kohya's cross terms.
    const f0 = { up: Float32Array.from([1]), down: Float32Array.from([1]), rank: 1, out: 1, inFlat: 1 };
    const f1 = { up: Float32Array.from([1]), down: Float32Array.from([2]), rank: 1, out: 1, inFlat: 1 };
    const source: ModuleSource = {
      type: 'kohya-merge',
      out: 1,
      inFlat: 1,
      members: [
        { source: { type: 'factors', factors: f0, scale: 2 }, ratio: 1, index: 0 },
        { source: { type: 'factors', factors: f1, scale: 8 }, ratio: 0.5, index: 1 },
      ],
      concat: false,
    };
    expect(Array.from(await moduleDelta(source, mm))).toEqual([12]);
  });

  it('--concat: Σ ratio_i·|ratio_i|·(alpha_i/Σr)·up_i·down_i', async () => {
    // Input 0: rank 1, alpha 1; input 1: rank 1, alpha 1 (base alpha 1); Σr = 2.
    // ΔW = 1·1·(1/2)·(1·1) + 0.5·0.5·(1/2)·(1·2) = 0.5 + 0.25 = 0.75.
    const f0 = { up: Float32Array.from([1]), down: Float32Array.from([1]), rank: 1, out: 1, inFlat: 1 };
    const f1 = { up: Float32Array.from([1]), down: Float32Array.from([2]), rank: 1, out: 1, inFlat: 1 };
    const source: ModuleSource = {
      type: 'kohya-merge',
      out: 1,
      inFlat: 1,
      members: [
        { source: { type: 'factors', factors: f0, scale: 1 }, ratio: 1, index: 0 },
        { source: { type: 'factors', factors: f1, scale: 1 }, ratio: 0.5, index: 1 },
      ],
      concat: true,
    };
    expect(Array.from(await moduleDelta(source, mm))).toEqual([0.75]);
  });
});

describe('nested sources', () => {
  it('a concat of a compressed module and a file-free factors module evaluates recursively', async () => {
    const a = randomFactors(6, 3, 4);
    const b = randomFactors(6, 2, 4);
    const inner: ModuleSource = { type: 'compress', out: 6, inFlat: 4, members: [{ source: { type: 'factors', factors: a, scale: 1 }, coefficient: 1 }], rank: fixed(3) };
    const outer: ModuleSource = { type: 'concat', out: 6, inFlat: 4, members: [{ source: inner, coefficient: 2 }, { source: { type: 'factors', factors: b, scale: 1 }, coefficient: 1 }] };
    const expected = weightedSum([{ x: delta64(a), c: 2 }, { x: delta64(b), c: 1 }], 24, 4);
    expect(relativeMaxError(await moduleDelta(outer, mm), expected)).toBeLessThan(1e-5);
  });
});
