import { describe, expect, it } from 'vitest';
import { pivotedCholesky, pivotedCholeskyFactor } from '../../../main/engine/linalg/cholesky.js';
import { multiplyTransposeA, type Matrix } from '../../../main/engine/linalg/matrix.js';
import { randomMatrix, relDiff, withSingularValues } from './fixtures.js';

const gram = (a: Matrix): Matrix => multiplyTransposeA(a, a);

describe('pivotedCholesky', () => {
  it('RᵀR = G for a positive definite Gram matrix, with a pivoted triangular R', () => {
    const g = gram(randomMatrix(40, 15, 1));
    const { R, rank, perm } = pivotedCholesky(g);
    expect(rank).toBe(15);
    expect(relDiff(multiplyTransposeA(R, R).data, g.data)).toBeLessThan(1e-13);
    for (let k = 0; k < rank; k++) for (let t = 0; t < k; t++) expect(R.data[k * 15 + perm[t]!]).toBe(0);
    for (let k = 0; k + 1 < rank; k++) expect(R.data[k * 15 + perm[k]!]!).toBeGreaterThanOrEqual(R.data[(k + 1) * 15 + perm[k + 1]!]!);
  });

  it('finds the rank of a rank-deficient Gram matrix and still reproduces it', () => {
    const a = withSingularValues(30, 12, [9, 5, 2, 1, 0.5, 0, 0, 0, 0, 0, 0, 0], 2);
    const g = gram(a);
    const { R, rank } = pivotedCholesky(g);
    expect(rank).toBe(5);
    expect([R.rows, R.cols]).toEqual([5, 12]);
    expect(relDiff(multiplyTransposeA(R, R).data, g.data)).toBeLessThan(1e-12);
  });

  it('the JS fallback and the wasm sweeps give the same factor, triangular in pivoted order', () => {
    const g = gram(withSingularValues(25, 14, [6, 5, 4, 3, 2, 1, 0.5, 0.25, 0, 0, 0, 0, 0, 0], 8));
    const w = pivotedCholeskyFactor(g, undefined, 'wasm');
    const j = pivotedCholeskyFactor(g, undefined, 'js');
    expect(w.rank).toBe(8);
    expect(Array.from(w.perm)).toEqual(Array.from(j.perm));
    expect(relDiff(w.F.data, j.F.data)).toBeLessThan(1e-13);
    for (let i = 0; i < w.rank; i++) for (let c = 0; c < i; c++) expect(w.F.data[i * 14 + c]).toBe(0);
    const p = w.perm;
    const gp = { rows: 14, cols: 14, data: new Float64Array(196) };
    for (let a = 0; a < 14; a++) for (let b = 0; b < 14; b++) gp.data[a * 14 + b] = g.data[p[a]! * 14 + p[b]!]!;
    expect(relDiff(multiplyTransposeA(w.F, w.F).data, gp.data)).toBeLessThan(1e-12);
  });

  it('the zero matrix has rank 0', () => {
    expect(pivotedCholesky({ rows: 3, cols: 3, data: new Float64Array(9) }).rank).toBe(0);
  });
});
