/**
 * Gram matrices of fp32 factors, accumulated in fp64: the O(n·r²) heart of the low-rank SVD. WebAssembly
 * SIMD where available, plain JS otherwise; both give the full symmetric r×r result.
 */
import { wasmKernels, wasmMemory, type WasmKernels } from './wasm-kernels.js';

export type GramKernel = 'wasm' | 'js';

/** Memory blocks (bytes) that keep a row chunk of the operand resident in L2 while its tiles are swept. */
const CHUNK_BYTES = 192 * 1024;

/** G = X·Xᵀ for X = r rows × n columns (row-major fp32): dot products of the rows. */
export function gramOfRows(x: Float32Array, r: number, n: number, kernel: GramKernel = defaultKernel()): Float64Array {
  checkSize(x, r, n);
  const wasm = kernel === 'wasm' ? wasmKernels() : null;
  return wasm ? rowsWasm(wasm, x, r, n) : rowsJs(x, r, n);
}

/** G = Xᵀ·X for X = n rows × r columns (row-major fp32): dot products of the columns. */
export function gramOfColumns(x: Float32Array, n: number, r: number, kernel: GramKernel = defaultKernel()): Float64Array {
  checkSize(x, n, r);
  const wasm = kernel === 'wasm' ? wasmKernels() : null;
  return wasm ? colsWasm(wasm, x, n, r) : colsJs(x, n, r);
}

export function defaultKernel(): GramKernel {
  return wasmKernels() ? 'wasm' : 'js';
}

function checkSize(x: Float32Array, rows: number, cols: number): void {
  if (x.length !== rows * cols) throw new RangeError(`gram: ${x.length} values do not fill ${rows}×${cols}`);
}

const up = (v: number, m: number): number => Math.ceil(v / m) * m;

function rowsWasm(w: WasmKernels, x: Float32Array, r: number, n: number): Float64Array {
  const rp = up(Math.max(r, 1), 4);
  const np = up(Math.max(n, 1), 2);
  const gBytes = rp * rp * 8;
  const buf = wasmMemory(w, gBytes + rp * np * 4);
  new Float64Array(buf, 0, rp * rp).fill(0);
  const xs = new Float32Array(buf, gBytes, rp * np);
  if (np === n && rp === r) xs.set(x);
  else {
    xs.fill(0);
    for (let i = 0; i < r; i++) xs.set(x.subarray(i * n, i * n + n), i * np);
  }
  const chunk = Math.max(2, Math.floor(CHUNK_BYTES / (rp * 4)) & ~1);
  for (let i0 = 0; i0 < np; i0 += chunk) w.gramRows(gBytes, rp, np, i0, Math.min(np, i0 + chunk), 0);
  return symmetricFromUpper(new Float64Array(buf, 0, rp * rp), rp, r);
}

function colsWasm(w: WasmKernels, x: Float32Array, n: number, r: number): Float64Array {
  const rp = up(Math.max(r, 1), 4);
  const gBytes = rp * rp * 8;
  const buf = wasmMemory(w, gBytes + n * rp * 4);
  new Float64Array(buf, 0, rp * rp).fill(0);
  const xs = new Float32Array(buf, gBytes, n * rp);
  if (rp === r) xs.set(x);
  else {
    xs.fill(0);
    for (let i = 0; i < n; i++) xs.set(x.subarray(i * r, i * r + r), i * rp);
  }
  const chunk = Math.max(1, Math.floor(CHUNK_BYTES / (rp * 4)));
  for (let i0 = 0; i0 < n; i0 += chunk) w.gramCols(gBytes, rp, i0, Math.min(n, i0 + chunk), 0);
  return symmetricFromUpper(new Float64Array(buf, 0, rp * rp), rp, r);
}

function symmetricFromUpper(g: Float64Array, stride: number, r: number): Float64Array {
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = i; j < r; j++) {
      const v = g[i * stride + j]!;
      out[i * r + j] = v;
      out[j * r + i] = v;
    }
  }
  return out;
}

/** JS fallback: 4×4 register tiles over rows widened to fp64 once. */
function rowsJs(x: Float32Array, r: number, n: number): Float64Array {
  const rp = up(Math.max(r, 1), 4);
  const w = new Float64Array(rp * n);
  w.set(x);
  const g = new Float64Array(rp * rp);
  for (let p = 0; p < rp; p += 4) {
    const p0 = p * n;
    const p1 = p0 + n;
    const p2 = p1 + n;
    const p3 = p2 + n;
    for (let j = p; j < rp; j += 4) {
      const j0 = j * n;
      const j1 = j0 + n;
      const j2 = j1 + n;
      const j3 = j2 + n;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let i = 0; i < n; i++) {
        const a0 = w[p0 + i]!, a1 = w[p1 + i]!, a2 = w[p2 + i]!, a3 = w[p3 + i]!;
        const b0 = w[j0 + i]!, b1 = w[j1 + i]!, b2 = w[j2 + i]!, b3 = w[j3 + i]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      g.set([c00, c01, c02, c03], p * rp + j);
      g.set([c10, c11, c12, c13], (p + 1) * rp + j);
      g.set([c20, c21, c22, c23], (p + 2) * rp + j);
      g.set([c30, c31, c32, c33], (p + 3) * rp + j);
    }
  }
  return symmetricFromUpper(g, rp, r);
}

function colsJs(x: Float32Array, n: number, r: number): Float64Array {
  const t = new Float32Array(r * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) t[j * n + i] = x[i * r + j]!;
  return rowsJs(t, r, n);
}
