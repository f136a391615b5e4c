import { EngineError } from '../errors.js';
import { bidiagonalize } from './bidiagonal.js';
import { bidiagonalSVD } from './bidiagonal-svd.js';
import { multiply, transpose, zeros, type Matrix } from './matrix.js';
import { householderQR } from './qr.js';

export interface SVD {
  /** m×k, orthonormal columns (k = min(m, n)); absent for values only. */
  U?: Matrix;
  /** k singular values, descending, ≥ 0. */
  S: Float64Array;
  /** n×k, orthonormal columns. */
  V?: Matrix;
}

/**
 * Thin SVD A = U·diag(S)·Vᵀ: Householder bidiagonalisation (after a QR when A is much taller than wide)
 * and implicit-shift bidiagonal QR. Errors are of the order ε·‖A‖ (backward stable).
 */
export function svd(a: Matrix, opts: { vectors?: boolean } = {}): SVD {
  const vectors = opts.vectors ?? true;
  for (const v of a.data) {
    if (!Number.isFinite(v)) throw new EngineError('not-finite', `SVD of a ${a.rows}×${a.cols} matrix that holds NaN or Inf.`, { hint: 'Check the inputs for overflow (fp16 values out of range) or corrupt tensors.' });
  }
  if (a.rows < a.cols) {
    const t = svdTall(transpose(a), vectors);
    return vectors ? { U: t.V, S: t.S, V: t.U } : { S: t.S };
  }
  return svdTall(a, vectors);
}

export function singularValues(a: Matrix): Float64Array {
  return svd(a, { vectors: false }).S;
}

function svdTall(a: Matrix, vectors: boolean): SVD {
  const { rows: m, cols: n } = a;
  if (n === 0) return { S: new Float64Array(0), ...(vectors ? { U: zeros(m, 0), V: zeros(0, 0) } : {}) };
  if (m >= 2 * n) {
    const { Q, R } = householderQR(a);
    const inner = svdTall(R, vectors);
    return vectors ? { U: multiply(Q, inner.U!), S: inner.S, V: inner.V } : { S: inner.S };
  }
  const b = bidiagonalize(a, vectors, vectors);
  bidiagonalSVD(b.d, b.f, b.U, b.V);
  const order = Array.from(b.d.keys()).sort((i, j) => b.d[j]! - b.d[i]!);
  const S = Float64Array.from(order, (i) => b.d[i]!);
  if (!vectors) return { S };
  return { U: permuteColumns(b.U!, order), S, V: permuteColumns(b.V!, order) };
}

function permuteColumns(m: Matrix, order: number[]): Matrix {
  const out = zeros(m.rows, order.length);
  for (let r = 0; r < m.rows; r++) for (let j = 0; j < order.length; j++) out.data[r * out.cols + j] = m.data[r * m.cols + order[j]!]!;
  return out;
}
