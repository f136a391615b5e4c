import { describe, expect, it } from 'vitest';
import { pivotedCholesky } from '../../../main/engine/linalg/cholesky.js';
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

  it('the zero matrix has rank 0', () => {
    expect(pivotedCholesky({ rows: 3, cols: 3, data: new Float64Array(9) }).rank).toBe(0);
  });
});
