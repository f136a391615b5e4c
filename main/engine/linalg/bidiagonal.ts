import { makeReflector, reflectColumns, reflectRows, type Reflector } from './householder.js';
import { zeros, type Matrix } from './matrix.js';

/** A = U·B·Vᵀ for m ≥ n, B upper bidiagonal n×n (d: diagonal, f[i] = B[i][i+1]). */
export interface Bidiagonalization {
  d: Float64Array;
  f: Float64Array;
  U?: Matrix;
  V?: Matrix;
}

/** Householder bidiagonalisation (Golub–Kahan); U (m×n) and V (n×n) are formed only when asked for. */
export function bidiagonalize(a: Matrix, wantU: boolean, wantV: boolean): Bidiagonalization {
  const { rows: m, cols: n } = a;
  if (m < n) throw new RangeError(`bidiagonalize needs rows ≥ cols, got ${m}×${n}`);
  const w = a.data.slice();
  const d = new Float64Array(n);
  const f = new Float64Array(Math.max(0, n - 1));
  const left: Reflector[] = [];
  const right: Reflector[] = [];
  const work = new Float64Array(Math.max(m, n));
  for (let k = 0; k < n; k++) {
    const hl = makeReflector(m - k, (i) => w[(k + i) * n + k]!);
    left.push(hl);
    d[k] = hl.beta;
    reflectRows(hl, w, n, k, k + 1, n, work);
    if (k + 1 < n) {
      const hr = makeReflector(n - k - 1, (j) => w[k * n + k + 1 + j]!);
      right.push(hr);
      f[k] = hr.beta;
      reflectColumns(hr, w, n, k + 1, k + 1, m);
    }
  }
  const out: Bidiagonalization = { d, f };
  if (wantU) {
    const U = zeros(m, n);
    for (let i = 0; i < n; i++) U.data[i * n + i] = 1;
    for (let k = n - 1; k >= 0; k--) reflectRows(left[k]!, U.data, n, k, k, n, work);
    out.U = U;
  }
  if (wantV) {
    const V = zeros(n, n);
    for (let i = 0; i < n; i++) V.data[i * n + i] = 1;
    for (let k = right.length - 1; k >= 0; k--) reflectRows(right[k]!, V.data, n, k + 1, k + 1, n, work);
    out.V = V;
  }
  return out;
}
