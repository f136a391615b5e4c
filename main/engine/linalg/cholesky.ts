import { zeros, type Matrix } from './matrix.js';

export interface PivotedCholesky {
  /** rank×n with RᵀR = G up to the dropped remainder; R[:, perm[0..rank)] is upper triangular. */
  R: Matrix;
  rank: number;
  /** Pivot order: perm[k] is the column eliminated at step k. */
  perm: Int32Array;
}

/**
 * Cholesky with diagonal pivoting of a symmetric positive semidefinite G (only the upper triangle is read).
 * Stops when the largest remaining pivot is ≤ tol (default n·ε·max diag(G), LAPACK dpstrf's): what remains is
 * rounding noise of a rank-deficient G, and dropping it perturbs G by at most (n − rank)·tol.
 */
export function pivotedCholesky(g: Matrix, tol?: number): PivotedCholesky {
  const n = g.rows;
  if (g.cols !== n) throw new RangeError(`pivotedCholesky: ${g.rows}×${g.cols} is not square`);
  const at = (i: number, j: number): number => (i <= j ? g.data[i * n + j]! : g.data[j * n + i]!);
  const diag = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    diag[i] = at(i, i);
    maxDiag = Math.max(maxDiag, diag[i]!);
  }
  const limit = tol ?? n * Number.EPSILON * maxDiag;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  // Stored by column (col[j·n + l] = R[l][j]) so the dot products below run over contiguous memory.
  const col = new Float64Array(n * n);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let i = k + 1; i < n; i++) if (diag[perm[i]!]! > diag[perm[best]!]!) best = i;
    const pivot = perm[best]!;
    const d = diag[pivot]!;
    if (!(d > limit)) break;
    perm[best] = perm[k]!;
    perm[k] = pivot;
    const rkk = Math.sqrt(d);
    const pc = pivot * n;
    col[pc + k] = rkk;
    for (let t = k + 1; t < n; t++) {
      const j = perm[t]!;
      const jc = j * n;
      const r = (at(pivot, j) - dot(col, pc, jc, k)) / rkk;
      col[jc + k] = r;
      diag[j] -= r * r;
    }
    rank = k + 1;
  }
  const R = zeros(rank, n);
  for (let j = 0; j < n; j++) for (let l = 0; l < rank; l++) R.data[l * n + j] = col[j * n + l]!;
  return { R, rank, perm };
}

/** Σ x[a + l]·x[b + l], l < len, with four independent sums (a single chain is bound by add latency). */
function dot(x: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let l = 0;
  for (; l + 3 < len; l += 4) {
    s0 += x[a + l]! * x[b + l]!;
    s1 += x[a + l + 1]! * x[b + l + 1]!;
    s2 += x[a + l + 2]! * x[b + l + 2]!;
    s3 += x[a + l + 3]! * x[b + l + 3]!;
  }
  for (; l < len; l++) s0 += x[a + l]! * x[b + l]!;
  return s0 + s1 + (s2 + s3);
}
