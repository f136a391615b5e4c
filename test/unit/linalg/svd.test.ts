import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { orthogonalityError, type Matrix } from '../../../main/engine/linalg/matrix.js';
import { singularValues, svd } from '../../../main/engine/linalg/svd.js';
import { maxAbs, randomMatrix, reconstruct, relDiff, withSingularValues } from './fixtures.js';

function checkSVD(a: Matrix, tol = 1e-13): ReturnType<typeof svd> {
  const r = svd(a);
  const k = Math.min(a.rows, a.cols);
  expect([r.U!.rows, r.U!.cols, r.S.length, r.V!.rows, r.V!.cols]).toEqual([a.rows, k, k, a.cols, k]);
  for (let i = 0; i < k; i++) {
    expect(r.S[i]).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(r.S[i]).toBeLessThanOrEqual(r.S[i - 1]!);
  }
  if (k > 0) {
    expect(orthogonalityError(r.U!)).toBeLessThan(tol * 10);
    expect(orthogonalityError(r.V!)).toBeLessThan(tol * 10);
  }
  const scale = Math.max(maxAbs(r.S), 1);
  const back = reconstruct(r.U!, r.S, r.V!);
  let err = 0;
  for (let i = 0; i < back.length; i++) err = Math.max(err, Math.abs(back[i]! - a.data[i]!));
  expect(err / scale).toBeLessThan(tol * 10);
  return r;
}

describe('svd', () => {
  const spectrum = [100, 40, 10, 5, 2, 1, 0.5, 0.1];
  it.each([
    [60, 8, 'tall, QR first'],
    [12, 8, 'tall'],
    [8, 8, 'square'],
    [8, 30, 'wide'],
  ])('recovers known singular values to 1e-12 relative (%i×%i, %s)', (m, n) => {
    const a = withSingularValues(m, n, spectrum, m + n);
    const r = checkSVD(a);
    for (let i = 0; i < 8; i++) expect(Math.abs(r.S[i]! - spectrum[i]!) / spectrum[i]!).toBeLessThan(1e-12);
  });

  it('random matrices of several shapes', () => {
    for (const [m, n] of [[1, 1], [1, 7], [7, 1], [2, 2], [33, 21], [21, 33], [64, 64]] as const) checkSVD(randomMatrix(m, n, m * 100 + n));
  });

  it('rank-deficient: zero singular values and still orthonormal factors', () => {
    const a = withSingularValues(20, 15, [3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 11);
    const r = checkSVD(a);
    expect(maxAbs(r.S.subarray(3))).toBeLessThan(1e-14);
    expect(relDiff(r.S.subarray(0, 3), [3, 2, 1])).toBeLessThan(1e-13);
  });

  it('repeated singular values', () => {
    const r = checkSVD(withSingularValues(10, 10, [2, 2, 2, 2, 1, 1, 1, 1, 1, 1], 3));
    expect(relDiff(r.S, [2, 2, 2, 2, 1, 1, 1, 1, 1, 1])).toBeLessThan(1e-13);
  });

  it('the zero matrix and a 1×1 negative', () => {
    const z = checkSVD({ rows: 5, cols: 3, data: new Float64Array(15) });
    expect(Array.from(z.S)).toEqual([0, 0, 0]);
    const one = svd({ rows: 1, cols: 1, data: Float64Array.of(-4) });
    expect(one.S[0]).toBe(4);
    expect(one.U!.data[0]! * one.V!.data[0]!).toBe(-1);
  });

  it('a graded matrix: tiny singular values keep their absolute accuracy', () => {
    const s = [1, 1e-3, 1e-6, 1e-9];
    const r = checkSVD(withSingularValues(9, 4, s, 5));
    for (let i = 0; i < 4; i++) expect(Math.abs(r.S[i]! - s[i]!)).toBeLessThan(1e-14);
  });

  it('values only give the same values', () => {
    const a = randomMatrix(25, 18, 8);
    expect(relDiff(singularValues(a), svd(a).S)).toBeLessThan(1e-14);
  });

  it('refuses NaN', () => {
    const a = randomMatrix(3, 3, 1);
    a.data[4] = Number.NaN;
    expect(() => svd(a)).toThrow(EngineError);
  });
});
