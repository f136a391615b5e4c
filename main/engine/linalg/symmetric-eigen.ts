import { transpose, zeros, type Matrix } from './matrix.js';
import { applyQToColumns, formQ, tridiagonalize } from './tridiagonal.js';
import { implicitQL, inverseIteration, unreducedBlocks } from './tridiagonal-eigen.js';

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** n×count, column j the unit eigenvector of values[j] (absent when no vectors were asked for). */
  vectors?: Matrix;
}

export interface SymmetricEigenOptions {
  /** 'all' (default), 'none', or a count: the eigenvectors of the largest `count` eigenvalues only. */
  vectors?: 'all' | 'none' | number;
}

/**
 * Eigendecomposition of a symmetric matrix (only the upper triangle is read): Householder tridiagonalisation,
 * then implicit QL. For 'all' the QL rotations are accumulated; for the top few (what low-rank work needs)
 * the vectors come from inverse iteration on the tridiagonal matrix, O(n·count) instead of O(n³).
 */
export function symmetricEigen(a: Matrix, opts: SymmetricEigenOptions = {}): SymmetricEigen {
  const n = a.rows;
  const want = opts.vectors ?? 'all';
  const t = tridiagonalize(a);
  if (want === 'all') {
    // QL rotates pairs of eigenvector columns: keep them as rows of Zᵀ so the rotations run along memory.
    const zt = transpose(formQ(t));
    const d = t.d.slice();
    implicitQL(d, t.e.slice(), zt.data);
    const order = descendingOrder(d);
    const vectors = zeros(n, n);
    order.forEach((src, j) => {
      for (let i = 0; i < n; i++) vectors.data[i * n + j] = zt.data[src * n + i]!;
    });
    return { values: Float64Array.from(order, (i) => d[i]!), vectors };
  }
  const tagged: Array<{ value: number; block: number }> = [];
  const blocks = unreducedBlocks(t.d, t.e);
  blocks.forEach(([b0, b1], block) => {
    const d = t.d.slice(b0, b1);
    const e = t.e.slice(b0, b1);
    e[b1 - b0 - 1] = 0;
    implicitQL(d, e);
    for (const value of d) tagged.push({ value, block });
  });
  tagged.sort((x, y) => y.value - x.value);
  const values = Float64Array.from(tagged, (x) => x.value);
  if (want === 'none') return { values };
  const count = Math.max(0, Math.min(n, Math.floor(want)));
  const vectors = zeros(n, count);
  const column = new Map<{ value: number; block: number }, number>();
  tagged.slice(0, count).forEach((x, j) => column.set(x, j));
  blocks.forEach(([b0, b1], block) => {
    const chosen = tagged.slice(0, count).filter((x) => x.block === block);
    if (chosen.length === 0) return;
    const vs = inverseIteration(t.d, t.e, b0, b1, chosen.map((x) => x.value), n);
    vs.forEach((v, i) => {
      const j = column.get(chosen[i]!)!;
      for (let r = b0; r < b1; r++) vectors.data[r * count + j] = v[r]!;
    });
  });
  applyQToColumns(t, vectors);
  return { values, vectors };
}

function descendingOrder(values: Float64Array): number[] {
  return Array.from(values.keys()).sort((i, j) => values[j]! - values[i]!);
}
