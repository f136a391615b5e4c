/**
 * Truncated SVD of a dense delta (a task-vector merge, a LoHa/LoKr/full patch) for compression to rank k.
 *
 * When the sketch would cover the smaller side anyway (min(rows, cols) ≤ k + oversample), the SVD is exact:
 * lowRankSVD of D·I (fp64 Gram of the smaller side). Otherwise linalg's seeded randomizedSVD, with more
 * oversampling and one more power iteration than its defaults: merged task vectors (TIES/DARE) have flat
 * spectra, where the top singular values converge like (σ_{l+1}/σ_j)^(2q+1) (see linalg/README.md).
 */
import type { MatMul } from '../compute/matmul.js';
import { lowRankSVD } from '../linalg/low-rank-svd.js';
import { randomizedSVD } from '../linalg/randomized-svd.js';

export interface DenseSVDOptions {
  readonly signal?: AbortSignal;
  readonly module?: string;
  /** Extra sketch columns beyond k (default max(16, k)). */
  readonly oversample?: number;
  /** Power iterations (default 3). */
  readonly powerIterations?: number;
  /** Compute every singular value exactly (a dynamic rank rule that needs the whole spectrum). */
  readonly complete?: boolean;
  /** Seed of the randomized SVD's Gaussian test matrix (default 0). */
  readonly seed?: number;
  /** ‖D‖²_F when the caller already has it (summed in fp64), saving a pass over D. */
  readonly frobeniusSquared?: number;
}

export interface DenseSVDResult {
  /** rows×k, orthonormal columns (row-major). */
  readonly U: Float32Array;
  /** k singular values, descending. */
  readonly S: Float64Array;
  /** cols×k, orthonormal columns (row-major). */
  readonly V: Float32Array;
  readonly k: number;
  /** The whole spectrum (complete) or the sketch's top values (randomized), descending. */
  readonly singularValues: Float64Array;
  readonly complete: boolean;
  /** ‖D‖²_F. */
  readonly frobeniusSquared: number;
}

export async function denseTruncatedSVD(d: Float32Array, rows: number, cols: number, k: number, matmul: MatMul, opts: DenseSVDOptions = {}): Promise<DenseSVDResult> {
  const oversample = opts.oversample ?? Math.max(16, k);
  if (opts.complete || k + oversample >= Math.min(rows, cols)) {
    const svdOpts = { signal: opts.signal, module: opts.module };
    const r = cols <= rows
      ? await lowRankSVD({ up: d, down: identity(cols), rows, rank: cols, cols }, k, matmul, svdOpts)
      : await lowRankSVD({ up: identity(rows), down: d, rows, rank: rows, cols }, k, matmul, svdOpts);
    return { U: r.U, S: r.S, V: r.V, k: r.k, singularValues: r.singularValues, complete: true, frobeniusSquared: r.frobeniusSquared };
  }
  const r = await randomizedSVD({ data: d, rows, cols, ...(opts.frobeniusSquared !== undefined ? { frobeniusSquared: opts.frobeniusSquared } : {}) }, k, matmul, { oversample, powerIterations: opts.powerIterations ?? 3, signal: opts.signal, seed: opts.seed ?? 0 });
  return { U: r.U, S: r.S, V: r.V, k: r.k, singularValues: r.sketchSingularValues, complete: false, frobeniusSquared: r.frobeniusSquared ?? sumOfSquares(d) };
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
