import { multiply, zeros, type Matrix } from '../matrix.js';
import { wasmKernels, wasmMemory } from './wasm-kernels.js';

/** C = A·B in fp64 for the small dense work (cores of R ≤ a few hundred): WebAssembly SIMD, else plain JS. */
export function gemm(a: Matrix, b: Matrix, kernel: 'wasm' | 'js' = 'wasm'): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`gemm: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const w = kernel === 'wasm' ? wasmKernels() : null;
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
  w.gemm(0, aBytes, aBytes + bBytes, mp, k, np);
  const cv = new Float64Array(buf, aBytes + bBytes, mp * np);
  const c = zeros(m, n);
  if (np === n) c.data.set(cv.subarray(0, m * n));
  else for (let i = 0; i < m; i++) c.data.set(cv.subarray(i * np, i * np + n), i * n);
  return c;
}
