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
      let s = at(pivot, j);
      for (let l = 0; l < k; l++) s -= col[pc + l]! * col[jc + l]!;
      const r = s / rkk;
      col[jc + k] = r;
      diag[j] -= r * r;
    }
    rank = k + 1;
  }
  const R = zeros(rank, n);
  for (let j = 0; j < n; j++) for (let l = 0; l < rank; l++) R.data[l * n + j] = col[j * n + l]!;
  return { R, rank, perm };
}
