/** Low-rank factors with the multiplier that turns them into the module's delta: ΔW = scale·up·down. */
import type { LowRankFactors } from '../adapters/types.js';
import type { MatMul } from '../compute/matmul.js';

export interface ScaledFactors {
  readonly factors: LowRankFactors;
  readonly scale: number;
  /** For compressed modules: what the compression kept (reports, resize statistics). */
  readonly compression?: CompressionStats;
}

export interface CompressionStats {
  /** Singular values of the uncompressed delta, descending: all of them, or the top ones (randomized SVD). */
  readonly singularValues: Float64Array;
  /** Whether singularValues is the whole spectrum. */
  readonly complete: boolean;
  /** Rank kept (the factors' rank; columns past the delta's own rank are zero). */
  readonly rank: number;
  /** ‖kept‖_F / ‖ΔW‖_F, before any clamp. */
  readonly frobeniusRetained: number;
}

/** scale·up·down, flattened [out, inFlat]. */
export async function deltaOfFactors({ factors: f, scale }: ScaledFactors, matmul: MatMul): Promise<Float32Array> {
  const d = await matmul.matmul(f.up, f.down, f.out, f.rank, f.inFlat);
  if (scale !== 1) for (let i = 0; i < d.length; i++) d[i]! *= scale;
  return d;
}
