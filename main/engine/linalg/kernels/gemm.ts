import { multiply, zeros, type Matrix } from '../matrix.js';
import { wasmKernels, wasmMemory } from './wasm-kernels.js';

export interface GemmOptions {
  kernel?: 'wasm' | 'js';
  /** A is upper triangular/trapezoidal (A[i][l] = 0 for l < i): those products are skipped. */
  aUpper?: boolean;
  /** B is lower triangular (B[l][j] = 0 for l < j). */
  bLower?: boolean;
  /** C is known to be symmetric: only its upper half is computed, then mirrored. */
  symmetric?: boolean;
}

/** C = A·B in fp64 for the small dense work (cores of R ≤ a few hundred): WebAssembly SIMD, else plain JS. */
export function gemm(a: Matrix, b: Matrix, opts: GemmOptions = {}): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`gemm: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const w = (opts.kernel ?? 'wasm') === 'wasm' ? wasmKernels() : null;
  if (!w || a.rows === 0 || b.cols === 0) return multiply(a, b);
  const { rows: m, cols: k } = a;
  const n = b.cols;
  const mp = Math.ceil(m / 4) * 4;
  const np = Math.ceil(n / 4) * 4;
  const aBytes = mp * k * 8;
  const bBytes = k * np * 8;
  const buf = wasmMemory(w, aBytes + bBytes + mp * np * 8);
  const av = new Float64Array(buf, 0, mp * k);
  av.set(a.data);
  av.fill(0, m * k);
  const bv = new Float64Array(buf, aBytes, k * np);
  if (np === n) bv.set(b.data);
  else {
    bv.fill(0);
    for (let l = 0; l < k; l++) bv.set(b.data.subarray(l * n, l * n + n), l * np);
  }
  const symmetric = opts.symmetric === true && m === n;
  const flags = (opts.aUpper ? 1 : 0) | (opts.bLower ? 2 : 0) | (symmetric ? 4 : 0);
  w.gemm(0, aBytes, aBytes + bBytes, mp, k, np, flags);
  const cv = new Float64Array(buf, aBytes + bBytes, mp * np);
  const c = zeros(m, n);
  for (let i = 0; i < m; i++) c.data.set(cv.subarray(i * np, i * np + n), i * n);
  if (symmetric) {
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) if (j >> 2 < i >> 2) c.data[i * n + j] = c.data[j * n + i]!;
  }
  return c;
}
