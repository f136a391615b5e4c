import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { tfjsMatMul } from '../../../main/engine/compute/tfjs-matmul.js';
import { CancelledError, EngineError } from '../../../main/engine/errors.js';
import { lowRankSVD, type LowRankFactors, type LowRankSVDResult } from '../../../main/engine/linalg/low-rank-svd.js';
import { orthogonalityError } from '../../../main/engine/linalg/matrix.js';
import { svd } from '../../../main/engine/linalg/svd.js';
import { denseProduct, randomLora, stackLoras } from './lora-factors.js';

/** Checks a result against the dense fp64 SVD of up·down: values, orthonormality, Eckart–Young optimality. */
function checkAgainstDense(f: LowRankFactors, r: LowRankSVDResult, k: number): Float64Array {
  const p = denseProduct(f);
  const ref = svd(p, { vectors: false }).S;
  expect(r.k).toBe(k);
  for (let i = 0; i < k; i++) expect(Math.abs(r.S[i]! - ref[i]!) / ref[i]!).toBeLessThan(1e-10);
  expect(orthogonalityError({ rows: f.rows, cols: k, data: Float64Array.from(r.U) })).toBeLessThan(2e-5);
  expect(orthogonalityError({ rows: f.cols, cols: k, data: Float64Array.from(r.V) })).toBeLessThan(2e-5);
  // ‖P − U·S·Vᵀ‖²_F must equal the tail Σ_{i≥k} σ_i² (the best rank-k approximation).
  let err = 0;
  for (let i = 0; i < f.rows; i++) {
    for (let c = 0; c < f.cols; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += r.U[i * k + j]! * r.S[j]! * r.V[c * k + j]!;
      err += (p.data[i * f.cols + c]! - s) ** 2;
    }
  }
  let tail = 0;
  let total = 0;
  ref.forEach((s, i) => {
    total += s * s;
    if (i >= k) tail += s * s;
  });
  expect(Math.abs(err - tail)).toBeLessThan(1e-5 * total);
  expect(Math.abs(r.frobeniusSquared - total) / total).toBeLessThan(1e-12);
  return ref;
}

describe('lowRankSVD', () => {
  it('three random LoRAs: top-k singular values equal the dense SVD of the product', async () => {
    const f = stackLoras(300, 200, [randomLora(300, 200, 16, 1), randomLora(300, 200, 16, 2), randomLora(300, 200, 16, 3)], [1, 0.8, -0.6]);
    const r = await lowRankSVD(f, 16, referenceMatMul);
    const ref = checkAgainstDense(f, r, 16);
    expect(r.singularValues.length).toBe(48);
    for (let i = 0; i < 48; i++) expect(Math.abs(r.singularValues[i]! - ref[i]!)).toBeLessThan(1e-9 * ref[0]!);
  });

  it('decaying spectra, as trained LoRAs have', async () => {
    const f = stackLoras(256, 384, [randomLora(256, 384, 24, 4, 4), randomLora(256, 384, 24, 5, 8), randomLora(256, 384, 24, 6, 2)], [1, 1, 0.5]);
    const r = await lowRankSVD(f, 48, referenceMatMul);
    const ref = checkAgainstDense(f, r, 48);
    expect(ref[47]! / ref[0]!).toBeLessThan(0.05);
    expect(ref[71]! / ref[0]!).toBeLessThan(1e-4);
  });

  it('the same LoRA twice is rank-deficient: the rank is found and the values are still exact', async () => {
    const a = randomLora(200, 150, 12, 7, 6);
    const f = stackLoras(200, 150, [a, a, randomLora(200, 150, 12, 8)], [1, 0.5, 1]);
    const r = await lowRankSVD(f, 30, referenceMatMul);
    checkAgainstDense(f, r, 24);
    expect(r.S[23]! / r.S[0]!).toBeGreaterThan(1e-3);
  });

  it('a LoRA minus itself compresses to nothing', async () => {
    const a = randomLora(64, 80, 8, 9);
    const f = stackLoras(64, 80, [a, a], [1, -1]);
    const r = await lowRankSVD(f, 8, referenceMatMul);
    expect(r.k).toBe(0);
    expect([r.U.length, r.V.length, r.S.length]).toEqual([0, 0, 0]);
    expect(r.singularValues.every((s) => s <= r.noiseFloor)).toBe(true);
  });

  it('more rank than rows: at most min(rows, cols) values', async () => {
    const f = stackLoras(10, 90, [randomLora(10, 90, 16, 10), randomLora(10, 90, 16, 11)], [1, 1]);
    const r = await lowRankSVD(f, 32, referenceMatMul);
    checkAgainstDense(f, r, 10);
    expect(r.singularValues.length).toBe(10);
  });

  it('tall and wide products', async () => {
    for (const [rows, cols] of [[640, 24], [24, 640]] as const) {
      const f = stackLoras(rows, cols, [randomLora(rows, cols, 8, rows), randomLora(rows, cols, 8, cols)], [1, 2]);
      checkAgainstDense(f, await lowRankSVD(f, 8, referenceMatMul), 8);
    }
  });

  it('runs its big products on tfjs with the same singular values', async () => {
    const f = stackLoras(320, 160, [randomLora(320, 160, 16, 12, 5), randomLora(320, 160, 16, 13, 5)], [1, 1]);
    const viaTf = await lowRankSVD(f, 12, tfjsMatMul);
    const viaJs = await lowRankSVD(f, 12, referenceMatMul);
    expect(viaTf.S).toEqual(viaJs.S);
    checkAgainstDense(f, viaTf, 12);
  });

  it('ranks that are not multiples of the kernels\' tile size (R = 15)', async () => {
    const f = stackLoras(70, 50, [randomLora(70, 50, 5, 17, 3), randomLora(70, 50, 5, 18), randomLora(70, 50, 5, 19)], [1, -1, 0.5]);
    checkAgainstDense(f, await lowRankSVD(f, 7, tfjsMatMul), 7);
  });

  it('an all-zero up factor gives rank 0', async () => {
    const f = stackLoras(20, 30, [randomLora(20, 30, 4, 20)], [1]);
    f.up.fill(0);
    const r = await lowRankSVD(f, 4, tfjsMatMul);
    expect([r.k, r.singularValues.length, r.frobeniusSquared]).toEqual([0, 0, 0]);
  });

  it('k = 0 and a 1×1 product', async () => {
    const f = stackLoras(40, 30, [randomLora(40, 30, 4, 14)], [1]);
    expect((await lowRankSVD(f, 0, referenceMatMul)).k).toBe(0);
    const one = await lowRankSVD({ up: Float32Array.of(2), down: Float32Array.of(-3), rows: 1, rank: 1, cols: 1 }, 1, referenceMatMul);
    expect(one.S[0]).toBe(6);
    expect(one.U[0]! * one.V[0]!).toBe(-1);
  });

  it('refuses factors that do not fit, naming the module', async () => {
    const err = await lowRankSVD({ up: new Float32Array(6), down: new Float32Array(6), rows: 3, rank: 2, cols: 4 }, 1, referenceMatMul, { module: 'unet.mid.attn1.to_q' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('bad-shape');
    expect((err as EngineError).module).toBe('unet.mid.attn1.to_q');
  });

  it('refuses NaN or Inf factors instead of compressing them to nothing', async () => {
    const f = stackLoras(40, 30, [randomLora(40, 30, 4, 16)], [1]);
    f.down[7] = Number.POSITIVE_INFINITY;
    const err = await lowRankSVD(f, 2, referenceMatMul, { module: 'te.layer0.q' }).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('not-finite');
    expect((err as EngineError).module).toBe('te.layer0.q');
    f.down[7] = 0;
    f.up[3] = Number.NaN;
    await expect(lowRankSVD(f, 2, referenceMatMul)).rejects.toMatchObject({ code: 'not-finite' });
  });

  it('stops when cancelled', async () => {
    const f = stackLoras(40, 30, [randomLora(40, 30, 4, 15)], [1]);
    await expect(lowRankSVD(f, 2, referenceMatMul, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });
});
