/**
 * Writes a model template (main/engine/naming/architectures) as a safetensors file with deterministic
 * values: real key names, small sizes. Integer buffers (position_ids) hold 0, 1, 2 …
 */
import type { TensorSpec } from '../../main/engine/naming/architectures/spec.js';
import { elementCountOf } from '../../main/engine/naming/architectures/spec.js';
import type { DType } from '../../main/engine/tensor-io/dtypes.js';
import { randomValues, writeSafetensors, type FixtureTensor } from './safetensors.js';

export interface SyntheticBaseOptions {
  seed?: number;
  /** Float dtype of the weights (default F32). */
  dtype?: DType;
  /** Refuse templates above this many elements (default 20 M): tests use tiny sizes. */
  maxElements?: number;
}

function intBuffer(n: number, dtype: DType): Uint8Array {
  if (dtype !== 'I64') throw new Error(`synthetic base: integer buffers of ${dtype} are not supported`);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(i);
  return new Uint8Array(out.buffer);
}

export function syntheticTensors(specs: readonly TensorSpec[], options: SyntheticBaseOptions = {}): FixtureTensor[] {
  const total = specs.reduce((a, s) => a + elementCountOf(s.shape), 0);
  const limit = options.maxElements ?? 20_000_000;
  if (total > limit) throw new Error(`synthetic base: ${total} elements is above the ${limit} limit (use a tiny template)`);
  const seed = options.seed ?? 1;
  return specs.map((s, i) => {
    const n = elementCountOf(s.shape);
    if (s.dtype !== undefined) return { name: s.key, shape: [...s.shape], dtype: s.dtype, data: intBuffer(n, s.dtype) };
    return { name: s.key, shape: [...s.shape], dtype: options.dtype ?? 'F32', data: randomValues(n, seed * 100_003 + i, 0.1) };
  });
}

export function writeSyntheticBase(file: string, specs: readonly TensorSpec[], options: SyntheticBaseOptions = {}): string {
  return writeSafetensors(file, syntheticTensors(specs, options));
}
