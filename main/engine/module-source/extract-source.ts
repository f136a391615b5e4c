/**
 * One extracted module: ΔW = tuned − base of one weight, read once from both checkpoints (in a worker thread),
 * skipped when max |ΔW| is at most the threshold (kohya's --min_diff), else truncated by module-source's
 * compressDense: an exact SVD for small matrices, a seeded randomized SVD (linalg randomizedSVD) for full-size
 * ones, the rank rule, kohya's clamp. Memory: the two tensors and ΔW, O(largest tensor).
 */
import type { MatMul } from '../compute/matmul.js';
import { EngineError, throwIfAborted } from '../errors.js';
import type { ExtractSource } from './source-types.js';
import { compressDense } from './compress.js';
import type { EvaluateOptions } from './evaluate-options.js';
import type { ScaledFactors } from './scaled-factors.js';
import { thresholdedDelta, type DeltaStats } from './tensor-delta.js';

/**
 * The randomized SVD's sketch for extraction: oversample 10, q = 2 (linalg's defaults), 6 products with ΔW of
 * k + 10 columns, half the work of the task-vector setting (max(16, k), q = 3) for k = 32. Measured against the
 * exact truncated SVD (kohya uses torch.linalg.svd) on slowly decaying, LoRA-plus-noise and flat spectra: the
 * rank-k Frobenius error within 1% of the optimal one, ≥ 99% of its energy where the spectrum decays; q = 1
 * misses both (test/unit/ops/extract/extract-svd-quality.test.ts).
 */
export const EXTRACT_SKETCH = { oversample: 10, powerIterations: 2 } as const;

export interface ExtractedModule {
  readonly stats: DeltaStats;
  /** Absent: skipped (max |ΔW| ≤ threshold). */
  readonly result?: ScaledFactors;
}

export async function extractModule(source: ExtractSource, threshold: number, matmul: MatMul, opts: EvaluateOptions): Promise<ExtractedModule> {
  throwIfAborted(opts.signal);
  const { stats, delta } = thresholdedDelta(source.base, source.tuned, threshold, source);
  if (!delta) return { stats };
  if (delta.length !== source.out * source.inFlat) {
    throw new EngineError('extract-shape', `${opts.module ?? source.base.entry.name}: the difference has ${delta.length} values, not ${source.out}×${source.inFlat}.`, {
      tensor: source.base.entry.name,
      hint: 'Was a checkpoint changed while running?',
    });
  }
  const result = await compressDense(delta, source.out, source.inFlat, source.rank, source.clampQuantile, matmul, { ...opts, ...EXTRACT_SKETCH, seed: source.seed, frobeniusSquared: stats.frobeniusSquared });
  return { stats, result };
}
