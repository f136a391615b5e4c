import { makeReflector, type Reflector } from './householder.js';
import { identity, type Matrix } from './matrix.js';

/** A = Q·T·Qᵀ with T symmetric tridiagonal and Q = H₀·H₁·…, H_k acting on indices k+1…n−1. */
export interface Tridiagonalization {
  /** Diagonal of T. */
  d: Float64Array;
  /** e[i] = T[i][i+1]; e[n−1] = 0. */
  e: Float64Array;
  reflectors: Reflector[];
}

/** Householder tridiagonalisation of a symmetric matrix (only its upper triangle is read). */
export function tridiagonalize(a: Matrix): Tridiagonalization {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`tridiagonalize: ${a.rows}×${a.cols} is not square`);
  // Upper triangle only: S[i][j], j ≥ i, at w[i·n + j].
  const w = a.data.slice();
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const reflectors: Reflector[] = [];
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const m = n - k - 1;
    const o = k + 1;
    const h = makeReflector(m, (i) => w[k * n + o + i]!);
    reflectors.push(h);
    d[k] = w[k * n + k]!;
    e[k] = h.beta;
    if (h.tau === 0) continue;
    const v = h.v;
    // p = τ·S·v over the symmetric trailing block, reading each upper element once.
    p.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const row = (o + i) * n + o;
      const vi = v[i]!;
      let s = w[row + i]! * vi;
      for (let j = i + 1; j < m; j++) {
        const sij = w[row + j]!;
        s += sij * v[j]!;
        p[j] += sij * vi;
      }
      p[i] += s;
    }
    let pv = 0;
    for (let i = 0; i < m; i++) {
      p[i] *= h.tau;
      pv += p[i]! * v[i]!;
    }
    const half = 0.5 * h.tau * pv;
    for (let i = 0; i < m; i++) p[i] -= half * v[i]!;
    // S ← S − v·pᵀ − p·vᵀ (upper triangle).
    for (let i = 0; i < m; i++) {
      const row = (o + i) * n + o;
      const vi = v[i]!;
      const pi = p[i]!;
      for (let j = i; j < m; j++) w[row + j] -= vi * p[j]! + pi * v[j]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = w[(n - 2) * n + n - 2]!;
    e[n - 2] = w[(n - 2) * n + n - 1]!;
  }
  if (n >= 1) d[n - 1] = w[n * n - 1]!;
  return { d, e, reflectors };
}

/** z ← Q·z for a vector z of length n. */
export function applyQ(t: Tridiagonalization, z: Float64Array): void {
  for (let k = t.reflectors.length - 1; k >= 0; k--) {
    const h = t.reflectors[k]!;
    if (h.tau === 0) continue;
    const o = k + 1;
    let s = 0;
    for (let i = 0; i < h.v.length; i++) s += h.v[i]! * z[o + i]!;
    s *= h.tau;
    for (let i = 0; i < h.v.length; i++) z[o + i] -= s * h.v[i]!;
  }
}

/** Q as an explicit n×n matrix. */
export function formQ(t: Tridiagonalization): Matrix {
  const n = t.d.length;
  const q = identity(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    applyQ(t, col);
    for (let i = 0; i < n; i++) q.data[i * n + j] = col[i]!;
  }
  return q;
}
