import { describe, expect, it } from 'vitest';
import { multiply, orthogonalityError, type Matrix } from '../../../main/engine/linalg/matrix.js';
import { symmetricEigen } from '../../../main/engine/linalg/symmetric-eigen.js';
import { maxAbs, randomMatrix, relDiff, withEigenvalues } from './fixtures.js';

function residual(a: Matrix, values: Float64Array, vectors: Matrix): number {
  const av = multiply(a, vectors);
  let err = 0;
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < vectors.cols; j++) err = Math.max(err, Math.abs(av.data[i * vectors.cols + j]! - values[j]! * vectors.data[i * vectors.cols + j]!));
  return err / Math.max(maxAbs(values), Number.MIN_VALUE);
}

function symmetric(n: number, seed: number): Matrix {
  const r = randomMatrix(n, n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) r.data[i * n + j] = r.data[j * n + i]!;
  return r;
}

describe('symmetricEigen', () => {
  it('recovers a known spectrum, descending, with orthonormal vectors', () => {
    const lambda = [10, 7.5, 3, 1, 0.25, -0.5, -2, -9];
    const a = withEigenvalues(lambda, 5);
    const { values, vectors } = symmetricEigen(a);
    expect(relDiff(values, lambda)).toBeLessThan(1e-13);
    expect(orthogonalityError(vectors!)).toBeLessThan(1e-13);
    expect(residual(a, values, vectors!)).toBeLessThan(1e-13);
  });

  it('random symmetric matrices: AV = VΛ', () => {
    for (const n of [1, 2, 3, 17, 60]) {
      const a = symmetric(n, n);
      const { values, vectors } = symmetricEigen(a);
      for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]!);
      expect(orthogonalityError(vectors!)).toBeLessThan(1e-12);
      expect(residual(a, values, vectors!)).toBeLessThan(1e-12);
    }
  });

  it('repeated eigenvalues and zeros', () => {
    const lambda = [4, 4, 4, 1, 1, 0, 0, 0, 0, -1];
    const a = withEigenvalues(lambda, 9);
    for (const mode of ['all', 10] as const) {
      const { values, vectors } = symmetricEigen(a, { vectors: mode });
      expect(relDiff(values, lambda)).toBeLessThan(1e-13);
      expect(orthogonalityError(vectors!)).toBeLessThan(1e-12);
      expect(residual(a, values, vectors!)).toBeLessThan(1e-12);
    }
  });

  it('the top-k vectors by inverse iteration agree with the full decomposition', () => {
    const a = symmetric(40, 77);
    const full = symmetricEigen(a);
    const top = symmetricEigen(a, { vectors: 6 });
    expect(relDiff(top.values, full.values)).toBeLessThan(1e-13);
    expect([top.vectors!.rows, top.vectors!.cols]).toEqual([40, 6]);
    for (let j = 0; j < 6; j++) {
      let dot = 0;
      for (let i = 0; i < 40; i++) dot += top.vectors!.data[i * 6 + j]! * full.vectors!.data[i * 40 + j]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 12);
    }
    expect(orthogonalityError(top.vectors!)).toBeLessThan(1e-12);
    expect(residual(a, top.values, top.vectors!)).toBeLessThan(1e-12);
  });

  it('a diagonal matrix splits into 1×1 blocks', () => {
    const a: Matrix = { rows: 4, cols: 4, data: new Float64Array(16) };
    [3, -1, 5, 0].forEach((v, i) => (a.data[i * 4 + i] = v));
    const { values, vectors } = symmetricEigen(a, { vectors: 2 });
    expect(Array.from(values)).toEqual([5, 3, 0, -1]);
    expect(Array.from(vectors!.data).map(Math.abs)).toEqual([0, 1, 0, 0, 1, 0, 0, 0]);
  });

  it('values only, and the zero matrix', () => {
    const a = withEigenvalues([2, 1, -3], 4);
    expect(symmetricEigen(a, { vectors: 'none' }).vectors).toBeUndefined();
    const z = symmetricEigen({ rows: 3, cols: 3, data: new Float64Array(9) });
    expect(Array.from(z.values)).toEqual([0, 0, 0]);
    expect(orthogonalityError(z.vectors!)).toBe(0);
  });
});
