import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { tfjsMatMul } from '../../../main/engine/compute/tfjs-matmul.js';
import { CancelledError } from '../../../main/engine/errors.js';
import { orthogonalityError } from '../../../main/engine/linalg/matrix.js';
import { denseOperator, randomizedSVD, type LinearOperator } from '../../../main/engine/linalg/randomized-svd.js';
import { svd } from '../../../main/engine/linalg/svd.js';
import { withSingularValues } from './fixtures.js';

function matrixWith(rows: number, cols: number, spectrum: (i: number) => number, seed: number): { data: Float32Array; rows: number; cols: number; s: number[] } {
  const s = Array.from({ length: Math.min(rows, cols) }, (_, i) => spectrum(i));
  const a = withSingularValues(rows, cols, s, seed);
  return { data: Float32Array.from(a.data), rows, cols, s };
}

function maxRelError(got: Float64Array, want: readonly number[], k: number): number {
  let e = 0;
  for (let i = 0; i < k; i++) e = Math.max(e, Math.abs(got[i]! - want[i]!) / want[i]!);
  return e;
}

describe('randomizedSVD', () => {
  it('an exactly low-rank matrix is recovered to fp32 rounding', async () => {
    const m = matrixWith(300, 200, (i) => (i < 12 ? 10 / (i + 1) : 0), 1);
    const r = await randomizedSVD(m, 12, tfjsMatMul, { powerIterations: 0 });
    expect(r.k).toBe(12);
    expect(maxRelError(r.S, m.s, 12)).toBeLessThan(2e-6);
    expect(orthogonalityError({ rows: 300, cols: 12, data: Float64Array.from(r.U) })).toBeLessThan(1e-5);
    expect(orthogonalityError({ rows: 200, cols: 12, data: Float64Array.from(r.V) })).toBeLessThan(1e-5);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < 300; i++) {
      for (let j = 0; j < 200; j++) {
        let x = 0;
        for (let t = 0; t < 12; t++) x += r.U[i * 12 + t]! * r.S[t]! * r.V[j * 12 + t]!;
        err += (x - m.data[i * 200 + j]!) ** 2;
        norm += m.data[i * 200 + j]! ** 2;
      }
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-5);
  });

  it('a geometrically decaying spectrum: top-k within 1e-5 of the dense SVD', async () => {
    const m = matrixWith(400, 250, (i) => 0.85 ** i, 2);
    const r = await randomizedSVD(m, 16, tfjsMatMul);
    const dense = svd({ rows: 400, cols: 250, data: Float64Array.from(m.data) }, { vectors: false }).S;
    expect(maxRelError(r.S, Array.from(dense), 16)).toBeLessThan(1e-5);
    expect(r.frobeniusSquared! / m.s.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
  });

  it('a slowly decaying spectrum: estimates from below, improved by power iterations', async () => {
    const m = matrixWith(300, 300, (i) => 1 / (1 + i), 3);
    const errors: number[] = [];
    for (const q of [0, 1, 3]) {
      const r = await randomizedSVD(m, 10, tfjsMatMul, { powerIterations: q, seed: 5 });
      for (let i = 0; i < 10; i++) expect(r.S[i]).toBeLessThanOrEqual(m.s[i]! * (1 + 1e-6));
      errors.push(maxRelError(r.S, m.s, 10));
    }
    expect(errors[1]).toBeLessThan(errors[0]!);
    expect(errors[2]).toBeLessThan(errors[1]!);
    expect(errors[2]).toBeLessThan(1e-4);
  });

  it('is deterministic for a seed, and the seed matters', async () => {
    const m = matrixWith(120, 90, (i) => 1 / (1 + i), 4);
    const a = await randomizedSVD(m, 5, referenceMatMul, { seed: 7, powerIterations: 0 });
    const b = await randomizedSVD(m, 5, referenceMatMul, { seed: 7, powerIterations: 0 });
    const c = await randomizedSVD(m, 5, referenceMatMul, { seed: 8, powerIterations: 0 });
    expect(b.S).toEqual(a.S);
    expect(b.U).toEqual(a.U);
    expect(c.S).not.toEqual(a.S);
  });

  it('works on an operator known only through products (here: a wide matrix)', async () => {
    const m = matrixWith(80, 500, (i) => 2 * 0.7 ** i, 5);
    const inner = denseOperator(m.data, 80, 500, referenceMatMul);
    let products = 0;
    const counted: LinearOperator = {
      rows: 80,
      cols: 500,
      multiply: (x, n) => (products++, inner.multiply(x, n)),
      multiplyTranspose: (y, n) => (products++, inner.multiplyTranspose(y, n)),
    };
    const r = await randomizedSVD(counted, 8, referenceMatMul, { powerIterations: 2 });
    expect(products).toBe(2 * 2 + 2);
    expect(r.frobeniusSquared).toBeUndefined();
    expect(maxRelError(r.S, m.s, 8)).toBeLessThan(1e-5);
  });

  it('refuses a matrix with NaN', async () => {
    const m = matrixWith(30, 20, (i) => 1 / (1 + i), 7);
    m.data[5] = Number.NaN;
    await expect(randomizedSVD(m, 3, referenceMatMul)).rejects.toMatchObject({ code: 'not-finite' });
  });

  it('stops when cancelled', async () => {
    const m = matrixWith(50, 40, (i) => 1 / (1 + i), 6);
    await expect(randomizedSVD(m, 3, referenceMatMul, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });
});
