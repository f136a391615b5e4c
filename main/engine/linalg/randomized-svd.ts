/**
 * Randomized SVD (Halko, Martinsson & Tropp, 2011) for full-size matrices, e.g. a LoRA extracted from a dense
 * difference ΔW of 10240×2560: a seeded Gaussian sketch Y = A·Ω with l = k + oversample columns, q power
 * iterations (re-orthonormalised after every product, so fp32 sketches keep the small directions), Q = orth(Y),
 * then the exact best rank-k approximation of Q·(QᵀA) by lowRankSVD. Only products with A touch the big
 * matrix (2q + 2 of them, through the MatMul seam); the rest is fp64 on l×l matrices.
 *
 * Accuracy: σ̃_j ≤ σ_j, and the error shrinks like (σ_{l+1}/σ_j)^(2q+1): with oversample 10 and q = 2 the top
 * singular values of matrices whose spectrum decays are exact to fp32 rounding (≈1e-6 relative); on a flat
 * spectrum they can be low by a few percent (measured bounds in test/unit/linalg/randomized-svd.test.ts).
 */
import type { LinearOperator, MatMul } from '../compute/matmul.js';
import { EngineError, throwIfAborted } from '../errors.js';
import { gaussianSource } from './gaussian.js';
import { pivotedCholeskyFactor } from './cholesky.js';
import { gramOfColumns } from './kernels/gram.js';
import { lowRankSVD } from './low-rank-svd.js';

export type { LinearOperator } from '../compute/matmul.js';

export interface RandomizedSVDOptions {
  /** Extra sketch columns beyond k (default 10). */
  oversample?: number;
  /** Power iterations (default 2). */
  powerIterations?: number;
  /** Seed of the Gaussian test matrix (default 0): the same seed gives the same result. */
  seed?: number;
  signal?: AbortSignal;
}

export interface RandomizedSVDResult {
  /** rows×k, orthonormal columns (row-major). */
  U: Float32Array;
  /** k singular values, descending. */
  S: Float64Array;
  /** cols×k, orthonormal columns: A ≈ U·diag(S)·Vᵀ. */
  V: Float32Array;
  k: number;
  /** The sketch's singular values (l of them): estimates from below of A's largest. */
  sketchSingularValues: Float64Array;
  /** ‖A‖²_F when A was given densely (for energy-based rank choices), else undefined. */
  frobeniusSquared?: number;
}

/** A dense row-major fp32 matrix as an operator whose products run on `matmul`. */
export function denseOperator(a: Float32Array, rows: number, cols: number, matmul: MatMul): LinearOperator {
  if (a.length !== rows * cols) throw new RangeError(`denseOperator: ${a.length} values do not fill ${rows}×${cols}`);
  return {
    rows,
    cols,
    multiply: (x, n) => matmul.matmul(a, x, rows, cols, n),
    // (Yᵀ·A)ᵀ: only the thin operands are transposed, never A.
    multiplyTranspose: async (y, n) => transposeF32(await matmul.matmul(transposeF32(y, rows, n), a, n, rows, cols), n, cols),
  };
}

/** A dense row-major fp32 matrix; `frobeniusSquared` when the caller already summed Σ a_ij² (in fp64). */
export interface DenseMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
  frobeniusSquared?: number;
}

/**
 * A dense matrix is kept on the backend for all products when `matmul` can hold one (`resident`), else it is
 * uploaded with every product (denseOperator).
 */
export async function randomizedSVD(a: LinearOperator | DenseMatrix, k: number, matmul: MatMul, opts: RandomizedSVDOptions = {}): Promise<RandomizedSVDResult> {
  if (!('data' in a)) return sketchedSVD(a, k, matmul, opts);
  const resident = matmul.resident?.(a.data, a.rows, a.cols, opts.signal);
  try {
    const out = await sketchedSVD(resident ?? denseOperator(a.data, a.rows, a.cols, matmul), k, matmul, opts);
    out.frobeniusSquared = a.frobeniusSquared ?? sumOfSquares(a.data);
    return out;
  } finally {
    resident?.dispose();
  }
}

async function sketchedSVD(op: LinearOperator, k: number, matmul: MatMul, opts: RandomizedSVDOptions): Promise<RandomizedSVDResult> {
  const { rows, cols } = op;
  const l = Math.min(k + (opts.oversample ?? 10), rows, cols);
  const q = opts.powerIterations ?? 2;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`randomizedSVD: k = ${k} is not a rank`);
  const gauss = gaussianSource(opts.seed ?? 0);
  const omega = new Float32Array(cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gauss();
  let basis = await orthonormalize(await op.multiply(omega, l), rows, l, matmul);
  for (let it = 0; it < q; it++) {
    throwIfAborted(opts.signal);
    const z = await orthonormalize(await op.multiplyTranspose(basis.q, basis.cols), cols, basis.cols, matmul);
    basis = await orthonormalize(await op.multiply(z.q, z.cols), rows, z.cols, matmul);
  }
  throwIfAborted(opts.signal);
  // B = Qᵀ·A (c×cols), from Aᵀ·Q.
  const c = basis.cols;
  const b = transposeF32(await op.multiplyTranspose(basis.q, c), cols, c);
  const res = await lowRankSVD({ up: basis.q, down: b, rows, rank: c, cols }, Math.min(k, c), matmul, { signal: opts.signal });
  return { U: res.U, S: res.S, V: res.V, k: res.k, sketchSingularValues: res.singularValues };
}

/**
 * Q with orthonormal columns spanning Y (rows×n): CholeskyQR2 (the Gram in fp64, pivoted; then once more on
 * the result, which brings QᵀQ to I within fp32 rounding). Directions of Y below fp32 rounding, which a
 * rank-deficient A produces, are dropped, so Q may have fewer columns than Y.
 */
async function orthonormalize(y: Float32Array, rows: number, n: number, matmul: MatMul): Promise<{ q: Float32Array; cols: number }> {
  const first = await choleskyQR(y, rows, n, matmul, (n * FP32_EPSILON) ** 2);
  return choleskyQR(first.q, rows, first.cols, matmul);
}

const FP32_EPSILON = 2 ** -23;

async function choleskyQR(y: Float32Array, rows: number, n: number, matmul: MatMul, relativeTol?: number): Promise<{ q: Float32Array; cols: number }> {
  const gram = gramOfColumns(y, rows, n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, gram[i * n + i]!);
  if (!Number.isFinite(maxDiag)) {
    throw new EngineError('not-finite', 'randomizedSVD: the matrix holds NaN or Inf values (or overflows when squared).', {
      hint: 'Check the inputs of the difference (a corrupt tensor or fp16 overflow).',
    });
  }
  const tol = relativeTol === undefined ? undefined : relativeTol * maxDiag;
  const { F, rank, perm } = pivotedCholeskyFactor({ rows: n, cols: n, data: gram }, tol);
  // Q = Y[:, perm[0..rank)]·F₁₁⁻¹, as one product Y·T with T (n×rank) holding F₁₁⁻¹ in the pivoted rows.
  const t = new Float32Array(n * rank);
  const inv = upperTriangularInverse(F.data, n, rank);
  for (let a = 0; a < rank; a++) for (let j = 0; j < rank; j++) t[perm[a]! * rank + j] = inv[a * rank + j]!;
  return { q: await matmul.matmul(y, t, rows, n, rank), cols: rank };
}

/** Inverse of the leading rank×rank block of an upper triangular matrix stored with row stride `stride`. */
function upperTriangularInverse(f: Float64Array, stride: number, r: number): Float64Array {
  const inv = new Float64Array(r * r);
  for (let j = 0; j < r; j++) {
    inv[j * r + j] = 1 / f[j * stride + j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let t = i + 1; t <= j; t++) s += f[i * stride + t]! * inv[t * r + j]!;
      inv[i * r + j] = -s / f[i * stride + i]!;
    }
  }
  return inv;
}

function transposeF32(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j]!;
  return t;
}

function sumOfSquares(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}
