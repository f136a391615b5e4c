/**
 * The compress primitive of LoRA algebra (DESIGN.md §5): the best rank-k approximation of up·down without
 * forming the rows×cols product.
 *
 * Method (and why it is accurate): with G_u = upᵀ·up and G_d = down·downᵀ accumulated in fp64 from the fp32
 * factors (every product exact, only sums round; on the GPU under webgpu in float-float to the same accuracy:
 * compute/backend-gram.ts), a pivoted Cholesky G_u = R_uᵀ·R_u gives up = Q_u·R_u, and
 * the core M = R_u·G_d·R_uᵀ (r×r) has the squared singular values of up·down as eigenvalues and the core's
 * left singular vectors W as eigenvectors. Then, without ever forming Q_u or Q_d,
 *   V_k = downᵀ·(R_uᵀ·W_k·S_k⁻¹)      U_k = up·(G_d·R_uᵀ·W_k·S_k⁻²)
 * (all of it in the Cholesky pivot order, where R_u is triangular and the small products skip its zeros)
 * (U_k = up·down·V_k/S_k, with down·downᵀ = G_d). Rounding perturbs each σ_i² by at most about
 * c·r·ε₆₄·‖up‖²‖down‖², i.e. σ_i by a relative c·r·ε₆₄·(‖up‖‖down‖/σ_i)²/2: below 1e-9 for every σ_i above
 * 1e-3·‖up‖‖down‖. Only the two big products U_k and V_k run in fp32 (through the MatMul seam), so the
 * singular vectors carry fp32 rounding (≈ 1e-7·‖up‖‖down‖/σ_i), the singular values do not.
 * Cost: (rows + cols)·R²/2 for the Grams, (rows + cols)·R·k for U, V, O(R³) for the core.
 */
import { EngineError, throwIfAborted } from '../errors.js';
import type { MatMul } from '../compute/matmul.js';
import { backendGrams } from '../compute/backend-gram.js';
import type { GramProducts } from '../compute/gram-products.js';
import { pivotedCholeskyFactor } from './cholesky.js';
import { gemm } from './kernels/gemm.js';
import { transpose, type Matrix } from './matrix.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** up (rows×rank) · down (rank×cols), both row-major fp32. */
export interface LowRankFactors {
  up: Float32Array;
  down: Float32Array;
  rows: number;
  rank: number;
  cols: number;
}

export interface LowRankSVDResult {
  /** rows×k, orthonormal columns (row-major). */
  U: Float32Array;
  /** k singular values, descending. */
  S: Float64Array;
  /** cols×k, orthonormal columns (row-major): up·down ≈ U·diag(S)·Vᵀ. */
  V: Float32Array;
  /** Columns returned: min(k asked, numerical rank). */
  k: number;
  /** Every singular value of up·down the core resolves (min(rows, cols, rank) of them at most), descending. */
  singularValues: Float64Array;
  /** Singular values below this are rounding noise of the method (and are never returned in S). */
  noiseFloor: number;
  /** ‖up·down‖_F², exact up to fp64 rounding (= Σ all σ²). */
  frobeniusSquared: number;
}

export interface LowRankSVDOptions {
  signal?: AbortSignal;
  /** Named in error messages (the module being compressed). */
  module?: string;
  /** Where the two Grams run (default: the active backend: the GPU under webgpu, else the CPU kernel). */
  grams?: GramProducts;
}

export async function lowRankSVD(f: LowRankFactors, k: number, matmul: MatMul, opts: LowRankSVDOptions = {}): Promise<LowRankSVDResult> {
  const { up, down, rows, rank: r, cols } = f;
  const where = opts.module ? `${opts.module}: ` : '';
  if (up.length !== rows * r || down.length !== r * cols) {
    throw new EngineError('bad-shape', `${where}up has ${up.length} values for ${rows}×${r} and down ${down.length} for ${r}×${cols}.`, {
      module: opts.module,
      hint: 'The up and down factors of a LoRA module must share their rank dimension.',
    });
  }
  if (!Number.isInteger(k) || k < 0) throw new EngineError('bad-rank', `${where}rank ${k} is not a whole number ≥ 0.`, { module: opts.module });
  throwIfAborted(opts.signal);
  const grams = opts.grams ?? backendGrams;
  const gu = await grams.ofColumns(up, rows, r, opts.signal);
  throwIfAborted(opts.signal);
  const gd = await grams.ofRows(down, r, cols, opts.signal);
  throwIfAborted(opts.signal);
  // A NaN or Inf anywhere in a factor shows on the Gram diagonals; without this check the rank search would
  // quietly find rank 0.
  if (!finiteDiagonal(gu, r) || !finiteDiagonal(gd, r)) {
    throw new EngineError('not-finite', `${where}the LoRA factors hold NaN or Inf values (or overflow when squared).`, {
      module: opts.module,
      hint: 'The file is corrupt or was saved after a diverged training run; check it with lora-studio inspect.',
    });
  }
  const frobeniusSquared = traceOfProduct(gu, gd, r);
  const noiseFloor = Math.sqrt(r * Number.EPSILON * frobenius(gu) * frobenius(gd));
  // Work in the pivot order of the Cholesky factor, where it is triangular: up' = up[:, perm],
  // down' = down[perm, :] have the same product, G_u' = Fᵀ·F and G_d' = G_d[perm, perm].
  const { F, rank: ranku, perm } = pivotedCholeskyFactor({ rows: r, cols: r, data: gu });
  const fg = gemm(F, permuteSymmetric(gd, r, perm), { aUpper: true });
  const core = gemm(fg, transpose(F), { bLower: true, symmetric: true });
  const want = Math.min(k, ranku);
  const eig = symmetricEigen(core, { vectors: want });
  throwIfAborted(opts.signal);
  const singularValues = Float64Array.from(eig.values.subarray(0, Math.min(ranku, rows, cols)), (l) => Math.sqrt(Math.max(l, 0)));
  let kk = 0;
  while (kk < want && singularValues[kk]! > noiseFloor) kk++;
  const S = singularValues.slice(0, kk);
  const w = takeColumns(eig.vectors!, kk);
  // Y_d = Fᵀ·W·S⁻¹ and Y_u = (F·G_d')ᵀ·W·S⁻² (r×kk) in pivot order, put back in the factors' order.
  const yd = unpermuteRows(scaleColumns(gemm(transpose(F), w), S, 1), perm);
  const yu = unpermuteRows(scaleColumns(gemm(transpose(fg), w), S, 2), perm);
  const U = await matmul.matmul(up, yu, rows, r, kk);
  throwIfAborted(opts.signal);
  const V = await matmul.matmul(down, yd, cols, r, kk, { transposeA: true });
  return { U, S, V, k: kk, singularValues, noiseFloor, frobeniusSquared };
}

function permuteSymmetric(g: Float64Array, n: number, perm: Int32Array): Matrix {
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const row = perm[a]! * n;
    for (let b = 0; b < n; b++) out[a * n + b] = g[row + perm[b]!]!;
  }
  return { rows: n, cols: n, data: out };
}

function takeColumns(m: Matrix, count: number): Matrix {
  const out: Matrix = { rows: m.rows, cols: count, data: new Float64Array(m.rows * count) };
  for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(i * m.cols, i * m.cols + count), i * count);
  return out;
}

/** Y·diag(S)^-power. */
function scaleColumns(y: Matrix, s: Float64Array, power: 1 | 2): Matrix {
  const inv = Float64Array.from(s, (v) => (power === 1 ? 1 / v : 1 / (v * v)));
  for (let i = 0; i < y.rows; i++) for (let j = 0; j < y.cols; j++) y.data[i * y.cols + j]! *= inv[j]!;
  return y;
}

/** Row a of y becomes row perm[a] of the result, rounded to fp32 for the big products. */
function unpermuteRows(y: Matrix, perm: Int32Array): Float32Array {
  const out = new Float32Array(y.rows * y.cols);
  for (let a = 0; a < y.rows; a++) out.set(y.data.subarray(a * y.cols, (a + 1) * y.cols), perm[a]! * y.cols);
  return out;
}

function finiteDiagonal(g: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(g[i * n + i]!)) return false;
  return true;
}

function traceOfProduct(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n * n; i++) s += a[i]! * b[i]!;
  return s;
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
