/**
 * Truncated SVD of a dense delta (a task-vector merge, a LoHa/LoKr/full patch) for compression to rank k.
 *
 * Small matrices (min(rows, cols) ≤ k + oversampling) go through lowRankSVD exactly, as D·I (fp64 Gram of
 * the smaller side). Larger ones use the randomized range finder with power iterations (Halko, Martinsson &
 * Tropp 2011, algorithm 4.4; as torch.svd_lowrank, which kohya uses above 2048 features): Y = D·Ω, q times
 * Y ← D·orth(Dᵀ·orth(Y)), Q = orth(Y), then lowRankSVD of Q·(QᵀD), whose fp64 Grams make the singular
 * values of the projection exact to rounding. The big products run on the MatMul seam; orth() is two passes
 * of Gram–eigen orthonormalisation (fp64 Gram, so directions below fp32 resolution are dropped, not blown up).
 * Ω is seeded, so the same input gives the same factors.
 */
import type { MatMul } from '../../compute/matmul.js';
import { throwIfAborted } from '../../errors.js';
import { gramOfColumns } from '../../linalg/kernels/gram.js';
import { lowRankSVD, type LowRankSVDResult } from '../../linalg/low-rank-svd.js';
import { symmetricEigen } from '../../linalg/symmetric-eigen.js';
import { RandomStream } from '../merge-methods/random-stream.js';

export interface DenseSVDOptions {
  readonly signal?: AbortSignal;
  readonly module?: string;
  /** Extra columns of the range finder beyond k (default max(16, k)). */
  readonly oversample?: number;
  /** Power iterations (default 3). */
  readonly powerIterations?: number;
  /** Compute every singular value exactly (a dynamic rank rule that needs the whole spectrum). */
  readonly complete?: boolean;
}

export interface DenseSVDResult extends LowRankSVDResult {
  /** Whether `singularValues` is the whole spectrum (exact path) or its top part (randomized). */
  readonly complete: boolean;
}

export async function denseTruncatedSVD(d: Float32Array, rows: number, cols: number, k: number, matmul: MatMul, opts: DenseSVDOptions = {}): Promise<DenseSVDResult> {
  const minDim = Math.min(rows, cols);
  const width = Math.min(minDim, k + (opts.oversample ?? Math.max(16, k)));
  const svdOpts = { signal: opts.signal, module: opts.module };
  const frobeniusSquared = sumOfSquares(d);
  if (opts.complete || width >= minDim) {
    const result = cols <= rows
      ? await lowRankSVD({ up: d, down: identity(cols), rows, rank: cols, cols }, k, matmul, svdOpts)
      : await lowRankSVD({ up: identity(rows), down: d, rows, rank: rows, cols }, k, matmul, svdOpts);
    return { ...result, frobeniusSquared, complete: true };
  }
  let y = await matmul.matmul(d, gaussianLike(cols * width), rows, cols, width);
  let yWidth = width;
  for (let q = 0; q < (opts.powerIterations ?? 3); q++) {
    throwIfAborted(opts.signal);
    const qy = await orthonormalize(y, rows, yWidth, matmul);
    const z = await matmul.matmul(d, qy.q, cols, rows, qy.width, { transposeA: true });
    const qz = await orthonormalize(z, cols, qy.width, matmul);
    y = await matmul.matmul(d, qz.q, rows, cols, qz.width);
    yWidth = qz.width;
  }
  throwIfAborted(opts.signal);
  const basis = await orthonormalize(y, rows, yWidth, matmul);
  const projected = await matmul.matmul(basis.q, d, basis.width, rows, cols, { transposeA: true });
  const result = await lowRankSVD({ up: basis.q, down: projected, rows, rank: basis.width, cols }, k, matmul, svdOpts);
  return { ...result, frobeniusSquared, complete: false };
}

/** An orthonormal basis of the columns of x (n×w): x·W·Λ^-½ from the eigenvectors of xᵀx, twice. */
async function orthonormalize(x: Float32Array, n: number, w: number, matmul: MatMul): Promise<{ q: Float32Array; width: number }> {
  let q = x;
  let width = w;
  for (let pass = 0; pass < 2; pass++) {
    const gram = gramOfColumns(q, n, width);
    const eig = symmetricEigen({ rows: width, cols: width, data: gram }, { vectors: width });
    const top = eig.values[0] ?? 0;
    let keep = 0;
    while (keep < width && eig.values[keep]! > top * 1e-12 && eig.values[keep]! > 0) keep++;
    if (keep === 0) return { q: new Float32Array(n), width: 1 };
    const t = new Float32Array(width * keep);
    const vectors = eig.vectors!;
    for (let i = 0; i < width; i++) for (let j = 0; j < keep; j++) t[i * keep + j] = vectors.data[i * vectors.cols + j]! / Math.sqrt(eig.values[j]!);
    q = await matmul.matmul(q, t, n, width, keep);
    width = keep;
  }
  return { q, width };
}

/** Standard normal values (Box–Muller) from a fixed stream: the test matrix Ω. */
function gaussianLike(count: number): Float32Array {
  const rng = new RandomStream(0x9e3779b9, 0x7f4a7c15, 0x85ebca6b, 0xc2b2ae35);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = (rng.nextUint32() + 1) / 4294967297;
    const u2 = rng.nextUint32() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function identity(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

function sumOfSquares(d: Float32Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return s;
}
