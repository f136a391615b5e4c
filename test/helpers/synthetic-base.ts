/**
 * Writes a model template (main/engine/naming/architectures) as a safetensors file with deterministic
 * values: real key names, small sizes. Integer buffers (position_ids) hold 0, 1, 2 …
 * writeSparseBase writes a full-size template whose data are all zeros, left as a hole in a sparse file:
 * a real checkpoint header (what key mapping reads) that costs no disk space.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { TensorSpec } from '../../main/engine/naming/architectures/spec.js';
import { elementCountOf } from '../../main/engine/naming/architectures/spec.js';
import { DTYPE_INFO, type DType } from '../../main/engine/tensor-io/dtypes.js';
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

export function writeSparseBase(file: string, specs: readonly TensorSpec[], dtype: DType = 'F16'): string {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const s of specs) {
    const d = s.dtype ?? dtype;
    const bytes = elementCountOf(s.shape) * DTYPE_INFO[d].bytes;
    header[s.key] = { dtype: d, shape: s.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, prefix);
    writeSync(fd, headerBytes);
    ftruncateSync(fd, 8 + headerBytes.byteLength + offset);
  } finally {
    closeSync(fd);
  }
  return file;
}
