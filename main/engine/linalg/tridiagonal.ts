import { makeReflector, reflectRows, type Reflector } from './householder.js';
import { wasmKernels, wasmMemory, type WasmKernels } from './kernels/wasm-kernels.js';
import { identity, type Matrix } from './matrix.js';

/** A = Q·T·Qᵀ with T symmetric tridiagonal and Q = H₀·H₁·…, H_k acting on indices k+1…n−1. */
export interface Tridiagonalization {
  /** Diagonal of T. */
  d: Float64Array;
  /** e[i] = T[i][i+1]; e[n−1] = 0. */
  e: Float64Array;
  reflectors: Reflector[];
}

/**
 * Householder tridiagonalisation of a symmetric matrix (only its upper triangle is read). The two O(m²)
 * sweeps per step (S·v and the rank-2 update) run in WebAssembly SIMD where available.
 */
export function tridiagonalize(a: Matrix, kernel: 'wasm' | 'js' = 'wasm'): Tridiagonalization {
  if (a.cols !== a.rows) throw new RangeError(`tridiagonalize: ${a.rows}×${a.cols} is not square`);
  const w = kernel === 'wasm' ? wasmKernels() : null;
  return w ? tridiagonalizeWasm(w, a) : tridiagonalizeJs(a);
}

function tridiagonalizeWasm(wk: WasmKernels, a: Matrix): Tridiagonalization {
  const n = a.rows;
  // Row stride n + 1: a zero padding column lets the kernels read whole pairs up to the row's end.
  const stride = n + 1;
  const sBytes = n * stride * 8;
  const vOff = sBytes;
  const pOff = vOff + (n + 2) * 8;
  const buf = wasmMemory(wk, pOff + (n + 2) * 8);
  const S = new Float64Array(buf, 0, n * stride);
  const vw = new Float64Array(buf, vOff, n + 2);
  const pw = new Float64Array(buf, pOff, n + 2);
  for (let i = 0; i < n; i++) {
    S.set(a.data.subarray(i * n, i * n + n), i * stride);
    S[i * stride + n] = 0;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const reflectors: Reflector[] = [];
  for (let k = 0; k + 2 < n; k++) {
    const m = n - k - 1;
    const o = k + 1;
    const h = makeReflector(m, (i) => S[k * stride + o + i]!);
    reflectors.push(h);
    d[k] = S[k * stride + k]!;
    e[k] = h.beta;
    if (h.tau === 0) continue;
    vw.set(h.v);
    vw[m] = 0;
    pw.fill(0, 0, m + 1);
    const block = (o * stride + o) * 8;
    wk.symvUpper(block, stride, m, vOff, pOff);
    let pv = 0;
    for (let i = 0; i < m; i++) {
      pw[i]! *= h.tau;
      pv += pw[i]! * h.v[i]!;
    }
    const half = 0.5 * h.tau * pv;
    for (let i = 0; i < m; i++) pw[i] -= half * h.v[i]!;
    pw[m] = 0;
    wk.syr2Upper(block, stride, m, vOff, pOff);
  }
  if (n >= 2) {
    d[n - 2] = S[(n - 2) * stride + n - 2]!;
    e[n - 2] = S[(n - 2) * stride + n - 1]!;
  }
  if (n >= 1) d[n - 1] = S[(n - 1) * stride + n - 1]!;
  return { d, e, reflectors };
}

function tridiagonalizeJs(a: Matrix): Tridiagonalization {
  const n = a.rows;
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

/** Z ← Q·Z for an n×c matrix (all columns at once, so the inner loops run along rows). */
export function applyQToColumns(t: Tridiagonalization, z: Matrix, kernel: 'wasm' | 'js' = 'wasm'): void {
  const wk = kernel === 'wasm' && z.cols > 0 ? wasmKernels() : null;
  if (!wk) {
    const work = new Float64Array(z.cols);
    for (let k = t.reflectors.length - 1; k >= 0; k--) reflectRows(t.reflectors[k]!, z.data, z.cols, k + 1, 0, z.cols, work);
    return;
  }
  const { rows: n, cols: c } = z;
  const cp = c + (c % 2);
  const zBytes = n * cp * 8;
  const buf = wasmMemory(wk, zBytes + (cp + n) * 8);
  const zw = new Float64Array(buf, 0, n * cp);
  const vw = new Float64Array(buf, zBytes + cp * 8, n);
  if (cp === c) zw.set(z.data);
  else {
    zw.fill(0);
    for (let i = 0; i < n; i++) zw.set(z.data.subarray(i * c, i * c + c), i * cp);
  }
  for (let k = t.reflectors.length - 1; k >= 0; k--) {
    const h = t.reflectors[k]!;
    if (h.tau === 0) continue;
    vw.set(h.v);
    wk.reflect(zBytes + cp * 8, h.tau, (k + 1) * cp * 8, cp, h.v.length, cp, zBytes);
  }
  if (cp === c) z.data.set(zw);
  else for (let i = 0; i < n; i++) z.data.set(zw.subarray(i * cp, i * cp + c), i * c);
}

/** Q as an explicit n×n matrix. */
export function formQ(t: Tridiagonalization): Matrix {
  const q = identity(t.d.length);
  applyQToColumns(t, q);
  return q;
}
