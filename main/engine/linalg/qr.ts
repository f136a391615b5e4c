import { makeReflector, reflectRows, type Reflector } from './householder.js';
import { zeros, type Matrix } from './matrix.js';

export interface QR {
  /** m×k with orthonormal columns, k = min(m, n). */
  Q: Matrix;
  /** k×n upper triangular (trapezoidal when n > m) with a nonnegative diagonal. */
  R: Matrix;
}

/** Thin QR by Householder reflections: A = Q·R. */
export function householderQR(a: Matrix): QR {
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  const w = a.data.slice();
  const work = new Float64Array(Math.max(n, k));
  const reflectors: Reflector[] = [];
  for (let j = 0; j < k; j++) {
    const h = makeReflector(m - j, (i) => w[(j + i) * n + j]!);
    reflectors.push(h);
    w[j * n + j] = h.beta;
    for (let i = j + 1; i < m; i++) w[i * n + j] = 0;
    reflectRows(h, w, n, j, j + 1, n, work);
  }
  const R = zeros(k, n);
  for (let i = 0; i < k; i++) R.data.set(w.subarray(i * n + i, i * n + n), i * n + i);
  const Q = zeros(m, k);
  for (let i = 0; i < k; i++) Q.data[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) reflectRows(reflectors[j]!, Q.data, k, j, j, k, work);
  for (let j = 0; j < k; j++) {
    if (R.data[j * n + j]! >= 0) continue;
    for (let c = j; c < n; c++) R.data[j * n + c] = -R.data[j * n + c]!;
    for (let i = 0; i < m; i++) Q.data[i * k + j] = -Q.data[i * k + j]!;
  }
  return { Q, R };
}
