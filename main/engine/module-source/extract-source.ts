/**
 * The lazy source of an extracted module: ΔW = tuned − base of one weight, read from both checkpoints when a
 * sink pulls it (in a worker thread), then truncated by module-source's compressDense: an exact SVD for small
 * matrices, a seeded randomized SVD (linalg randomizedSVD) for full-size ones, the rank rule, kohya's clamp.
 * Memory: the two tensors and ΔW, O(largest tensor).
 */
import type { MatMul } from '../compute/matmul.js';
import { EngineError, throwIfAborted } from '../errors.js';
import type { ExtractSource } from './source-types.js';
import { compressDense } from './compress.js';
import type { EvaluateOptions } from './evaluate-options.js';
import type { ScaledFactors } from './scaled-factors.js';
import { readTensorDelta } from './tensor-delta.js';

export async function extractSource(source: ExtractSource, matmul: MatMul, opts: EvaluateOptions): Promise<ScaledFactors> {
  throwIfAborted(opts.signal);
  const delta = readTensorDelta(source.base, source.tuned, { transpose: source.transpose, out: source.out, inFlat: source.inFlat, module: opts.module });
  if (delta.length !== source.out * source.inFlat) {
    throw new EngineError('extract-shape', `${opts.module ?? source.base.entry.name}: the difference has ${delta.length} values, not ${source.out}×${source.inFlat}.`, {
      tensor: source.base.entry.name,
      hint: 'Was a checkpoint changed while running?',
    });
  }
  return compressDense(delta, source.out, source.inFlat, source.rank, source.clampQuantile, matmul, { ...opts, seed: source.seed });
}
