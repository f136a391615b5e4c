import { describe, expect, it } from 'vitest';
import { multiply, orthogonalityError, type Matrix } from '../../../main/engine/linalg/matrix.js';
import { householderQR } from '../../../main/engine/linalg/qr.js';
import { randomMatrix, relDiff, withSingularValues } from './fixtures.js';

function checkQR(a: Matrix): void {
  const { Q, R } = householderQR(a);
  const k = Math.min(a.rows, a.cols);
  expect([Q.rows, Q.cols, R.rows, R.cols]).toEqual([a.rows, k, k, a.cols]);
  expect(relDiff(multiply(Q, R).data, a.data)).toBeLessThan(1e-13);
  if (k > 0) expect(orthogonalityError(Q)).toBeLessThan(1e-13);
  for (let i = 0; i < k; i++) {
    expect(R.data[i * a.cols + i]).toBeGreaterThanOrEqual(0);
    for (let j = 0; j < Math.min(i, a.cols); j++) expect(R.data[i * a.cols + j]).toBe(0);
  }
}

describe('householderQR', () => {
  it.each([
    [50, 20],
    [20, 20],
    [7, 19],
    [1, 1],
    [1, 5],
    [5, 1],
  ])('A = QR, QᵀQ = I, R upper triangular (%i×%i)', (m, n) => {
    checkQR(randomMatrix(m, n, m * 31 + n));
  });

  it('a rank-deficient matrix still gets orthonormal Q', () => {
    checkQR(withSingularValues(30, 12, [5, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3));
  });

  it('duplicated columns give a zero diagonal in R', () => {
    const base = randomMatrix(10, 3, 4);
    const a: Matrix = { rows: 10, cols: 6, data: new Float64Array(60) };
    for (let i = 0; i < 10; i++) for (let j = 0; j < 6; j++) a.data[i * 6 + j] = base.data[i * 3 + (j % 3)]!;
    checkQR(a);
    const { R } = householderQR(a);
    for (let i = 3; i < 6; i++) expect(Math.abs(R.data[i * 6 + i]!)).toBeLessThan(1e-14);
  });

  it('the zero matrix and a 1×1 negative', () => {
    checkQR({ rows: 4, cols: 3, data: new Float64Array(12) });
    const { Q, R } = householderQR({ rows: 1, cols: 1, data: Float64Array.of(-3) });
    expect([Q.data[0], R.data[0]]).toEqual([-1, 3]);
  });
});
