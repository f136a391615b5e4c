import { wasmKernels, wasmMemory, type WasmKernels } from './kernels/wasm-kernels.js';
import { zeros, type Matrix } from './matrix.js';

export interface PivotedCholesky {
  /** rank×n with RᵀR = G up to the dropped remainder; R[:, perm[0..rank)] is upper triangular. */
  R: Matrix;
  rank: number;
  /** Pivot order: perm[k] is the column eliminated at step k. */
  perm: Int32Array;
}

/** The same factor in pivoted order: F = R[:, perm] (rank×n, upper trapezoidal), Fᵀ·F = G[perm, perm]. */
export interface PivotedFactor {
  F: Matrix;
  rank: number;
  perm: Int32Array;
}

/**
 * Cholesky with diagonal pivoting of a symmetric positive semidefinite G (only the upper triangle is read).
 * Stops when the largest remaining pivot is ≤ tol (default n·ε·max diag(G), LAPACK dpstrf's): what remains is
 * rounding noise of a rank-deficient G, and dropping it perturbs G by at most (n − rank)·tol.
 */
export function pivotedCholesky(g: Matrix, tol?: number): PivotedCholesky {
  const { F, rank, perm } = pivotedCholeskyFactor(g, tol);
  const n = g.rows;
  const R = zeros(rank, n);
  for (let l = 0; l < rank; l++) for (let j = l; j < n; j++) R.data[l * n + perm[j]!] = F.data[l * n + j]!;
  return { R, rank, perm };
}

/**
 * Right-looking with symmetric row/column swaps, so the factor comes out triangular in pivoted order; the
 * O(n²) trailing update of each step runs in WebAssembly SIMD where available.
 */
export function pivotedCholeskyFactor(g: Matrix, tol?: number, kernel: 'wasm' | 'js' = 'wasm'): PivotedFactor {
  const n = g.rows;
  if (g.cols !== n) throw new RangeError(`pivotedCholesky: ${g.rows}×${g.cols} is not square`);
  const wk = kernel === 'wasm' ? wasmKernels() : null;
  // Upper triangle, row stride n + 1 (the wasm sweeps read pairs into a zero padding column).
  const stride = n + 1;
  const work = workspace(wk, n, stride);
  const s = work.s;
  for (let i = 0; i < n; i++) {
    s.set(g.data.subarray(i * n, i * n + n), i * stride);
    s[i * stride + n] = 0;
  }
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, s[i * stride + i]!);
  const limit = tol ?? n * Number.EPSILON * maxDiag;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let i = k + 1; i < n; i++) if (s[i * stride + i]! > s[best * stride + best]!) best = i;
    if (!(s[best * stride + best]! > limit)) break;
    if (best !== k) {
      swapSymmetric(s, stride, n, k, best);
      [perm[k], perm[best]] = [perm[best]!, perm[k]!];
    }
    const rkk = Math.sqrt(s[k * stride + k]!);
    s[k * stride + k] = rkk;
    const m = n - k - 1;
    const row = k * stride + k + 1;
    for (let j = 0; j < m; j++) s[row + j]! /= rkk;
    trailingUpdate(wk, work, k, m, row);
    rank = k + 1;
  }
  const F = zeros(rank, n);
  for (let l = 0; l < rank; l++) F.data.set(s.subarray(l * stride + l, l * stride + n), l * n + l);
  return { F, rank, perm };
}

interface Workspace {
  s: Float64Array;
  v?: Float64Array;
  p?: Float64Array;
  vOff: number;
  pOff: number;
  stride: number;
}

function workspace(wk: WasmKernels | null, n: number, stride: number): Workspace {
  if (!wk) return { s: new Float64Array(n * stride), vOff: 0, pOff: 0, stride };
  const vOff = n * stride * 8;
  const pOff = vOff + (n + 2) * 8;
  const buf = wasmMemory(wk, pOff + (n + 2) * 8);
  return { s: new Float64Array(buf, 0, n * stride), v: new Float64Array(buf, vOff, n + 2), p: new Float64Array(buf, pOff, n + 2), vOff, pOff, stride };
}

/** S[i][j] −= r_i·r_j for k < i ≤ j, with r the scaled row k (m entries at `row`). */
function trailingUpdate(wk: WasmKernels | null, w: Workspace, k: number, m: number, row: number): void {
  const { s, stride } = w;
  if (m === 0) return;
  if (wk && w.v && w.p) {
    // S − v·pᵀ − p·vᵀ with p = v/2 is the symmetric rank-1 update S − v·vᵀ.
    for (let j = 0; j < m; j++) {
      w.v[j] = s[row + j]!;
      w.p[j] = 0.5 * s[row + j]!;
    }
    w.v[m] = 0;
    w.p[m] = 0;
    wk.syr2Upper(((k + 1) * stride + k + 1) * 8, stride, m, w.vOff, w.pOff);
    return;
  }
  for (let i = 0; i < m; i++) {
    const ri = s[row + i]!;
    if (ri === 0) continue;
    const base = (k + 1 + i) * stride + k + 1;
    for (let j = i; j < m; j++) s[base + j] -= ri * s[row + j]!;
  }
}

/** Swaps indices a < b of a symmetric matrix kept in its upper triangle (rows above a: their columns only). */
function swapSymmetric(s: Float64Array, stride: number, n: number, a: number, b: number): void {
  const swap = (x: number, y: number): void => {
    const t = s[x]!;
    s[x] = s[y]!;
    s[y] = t;
  };
  for (let i = 0; i < a; i++) swap(i * stride + a, i * stride + b);
  swap(a * stride + a, b * stride + b);
  for (let i = a + 1; i < b; i++) swap(a * stride + i, i * stride + b);
  for (let i = b + 1; i < n; i++) swap(a * stride + i, b * stride + i);
}
