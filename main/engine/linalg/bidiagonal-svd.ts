import { EngineError } from '../errors.js';
import { hypot } from './hypot.js';
import type { Matrix } from './matrix.js';

const EPS = Number.EPSILON;

/**
 * Implicit-shift QR on an upper bidiagonal matrix (Golub–Kahan–Reinsch): on return d holds the singular
 * values (nonnegative, unsorted) and f is zero. The left rotations are applied to the columns of U, the right
 * ones to the columns of V, so U·B·Vᵀ is preserved.
 */
export function bidiagonalSVD(d: Float64Array, f: Float64Array, U?: Matrix, V?: Matrix): void {
  const n = d.length;
  let anorm = 0;
  for (let i = 0; i < n; i++) anorm = Math.max(anorm, Math.abs(d[i]!) + (i < n - 1 ? Math.abs(f[i]!) : 0));
  const tiny = EPS * anorm;
  const maxSteps = 75 * Math.max(1, n);
  let steps = 0;
  let q = n - 1;
  while (q > 0) {
    for (let i = 0; i < q; i++) if (Math.abs(f[i]!) <= EPS * (Math.abs(d[i]!) + Math.abs(d[i + 1]!))) f[i] = 0;
    if (f[q - 1] === 0) {
      q--;
      continue;
    }
    let p = q - 1;
    while (p > 0 && f[p - 1] !== 0) p--;
    let zeroAt = -1;
    for (let i = p; i <= q; i++) {
      if (Math.abs(d[i]!) <= tiny) {
        zeroAt = i;
        break;
      }
    }
    if (zeroAt >= 0) {
      d[zeroAt] = 0;
      if (zeroAt < q) chaseRow(d, f, zeroAt, q, U);
      else chaseColumn(d, f, p, q, V);
      continue;
    }
    if (++steps > maxSteps) {
      throw new EngineError('svd-no-convergence', `SVD: no convergence after ${maxSteps} QR steps (n = ${n}).`, { hint: 'The matrix holds values far outside the floating-point range.' });
    }
    golubKahanStep(d, f, p, q, U, V);
  }
  for (let i = 0; i < n; i++) {
    if (d[i]! >= 0) continue;
    d[i] = -d[i]!;
    if (V) for (let r = 0; r < V.rows; r++) V.data[r * V.cols + i] = -V.data[r * V.cols + i]!;
  }
}

/** One implicit QR step with a Wilkinson shift on the unreduced block p..q. */
function golubKahanStep(d: Float64Array, f: Float64Array, p: number, q: number, U?: Matrix, V?: Matrix): void {
  const dm = d[q - 1]!;
  const dn = d[q]!;
  const fm = f[q - 1]!;
  const fmm = q - 1 > p ? f[q - 2]! : 0;
  const t11 = dm * dm + fmm * fmm;
  const t12 = dm * fm;
  const t22 = dn * dn + fm * fm;
  const delta = (t11 - t22) / 2;
  const mu = t12 === 0 ? t22 : t22 - (t12 * t12) / (delta + (delta >= 0 ? 1 : -1) * hypot(delta, t12));
  let y = d[p]! * d[p]! - mu;
  let z = d[p]! * f[p]!;
  for (let k = p; k < q; k++) {
    let [c, s, r] = givens(y, z);
    if (k > p) f[k - 1] = r;
    const dk = d[k]!;
    const fk = f[k]!;
    const dk1 = d[k + 1]!;
    d[k] = c * dk + s * fk;
    f[k] = -s * dk + c * fk;
    const below = s * dk1;
    d[k + 1] = c * dk1;
    if (V) rotateColumns(V, k, k + 1, c, s);
    [c, s, r] = givens(d[k]!, below);
    d[k] = r;
    const fk2 = f[k]!;
    const dk2 = d[k + 1]!;
    f[k] = c * fk2 + s * dk2;
    d[k + 1] = -s * fk2 + c * dk2;
    if (k < q - 1) {
      const fk1 = f[k + 1]!;
      z = s * fk1;
      f[k + 1] = c * fk1;
      y = f[k]!;
    }
    if (U) rotateColumns(U, k, k + 1, c, s);
  }
}

/** d[i] = 0 with i < q: rotate row i against rows i+1..q until its superdiagonal entry is gone. */
function chaseRow(d: Float64Array, f: Float64Array, i: number, q: number, U?: Matrix): void {
  let bulge = f[i]!;
  f[i] = 0;
  for (let j = i + 1; j <= q; j++) {
    const [c, s, r] = givens(d[j]!, bulge);
    d[j] = r;
    if (j < q) {
      const fj = f[j]!;
      f[j] = c * fj;
      bulge = -s * fj;
    }
    if (U) rotateColumns(U, j, i, c, s);
  }
}

/** d[q] = 0: rotate column q against columns q−1..p until its superdiagonal entry is gone. */
function chaseColumn(d: Float64Array, f: Float64Array, p: number, q: number, V?: Matrix): void {
  let bulge = f[q - 1]!;
  f[q - 1] = 0;
  for (let j = q - 1; j >= p; j--) {
    const [c, s, r] = givens(d[j]!, bulge);
    d[j] = r;
    if (j > p) {
      const fj = f[j - 1]!;
      f[j - 1] = c * fj;
      bulge = -s * fj;
    }
    if (V) rotateColumns(V, j, q, c, s);
  }
}

/** (c, s, r) with c·a + s·b = r and −s·a + c·b = 0. */
function givens(a: number, b: number): [number, number, number] {
  if (b === 0) return [1, 0, a];
  const r = hypot(a, b);
  return [a / r, b / r, r];
}

/** Columns (j, i) ← (c·col_j + s·col_i, −s·col_j + c·col_i). */
function rotateColumns(m: Matrix, j: number, i: number, c: number, s: number): void {
  const { rows, cols, data } = m;
  for (let r = 0; r < rows; r++) {
    const a = data[r * cols + j]!;
    const b = data[r * cols + i]!;
    data[r * cols + j] = c * a + s * b;
    data[r * cols + i] = -s * a + c * b;
  }
}
