/**
 * A truncated SVD U·diag(S)·Vᵀ as LoRA factors. Without a clamp the singular values are split evenly,
 * up = U·√S and down = √S·Vᵀ, so both factors stay in the same range (fp16/bf16 exports lose least);
 * with kohya's clamp the split is kohya's (up = U·S, down = Vᵀ) because the clamp is defined on it.
 * Columns past the SVD's own rank are zero up to `rank` (the rank the plan declared).
 */
import type { LowRankFactors } from '../adapters/types.js';
import { clampToQuantile } from './clamp-quantile.js';

export interface TruncatedSVD {
  /** out×k row-major. */
  readonly U: Float32Array;
  readonly S: ArrayLike<number>;
  /** inFlat×k row-major. */
  readonly V: Float32Array;
  readonly k: number;
}

export function factorsFromSVD(svd: TruncatedSVD, out: number, inFlat: number, rank: number, clampQuantile?: number): LowRankFactors {
  const keep = Math.min(svd.k, rank);
  const up = new Float32Array(out * rank);
  const down = new Float32Array(rank * inFlat);
  const kohya = clampQuantile !== undefined;
  for (let j = 0; j < keep; j++) {
    const s = svd.S[j]!;
    const upScale = kohya ? s : Math.sqrt(s);
    const downScale = kohya ? 1 : Math.sqrt(s);
    for (let i = 0; i < out; i++) up[i * rank + j] = svd.U[i * svd.k + j]! * upScale;
    const row = j * inFlat;
    for (let c = 0; c < inFlat; c++) down[row + c] = svd.V[c * svd.k + j]! * downScale;
  }
  if (kohya) clampToQuantile(up, down, clampQuantile);
  return { up, down, rank, out, inFlat };
}
