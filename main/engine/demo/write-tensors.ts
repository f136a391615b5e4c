/** Writes named fp32 values as a safetensors file through the engine's streaming writer (atomic). */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DType } from '../tensor-io/dtypes.js';
import { encodeFloat } from '../tensor-io/float-convert.js';
import { SafetensorsWriter } from '../tensor-io/safetensors-writer.js';

export interface DemoTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Float values (encoded to `dtype`), or raw bytes for integer buffers. */
  readonly data: Float32Array | Uint8Array;
  readonly dtype: DType;
}

export async function writeTensors(file: string, tensors: readonly DemoTensor[], metadata: Record<string, string> = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const writer = await SafetensorsWriter.create(file, tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })), metadata);
  try {
    for (const t of tensors) await writer.write(t.name, t.data instanceof Float32Array ? encodeFloat(t.data, t.dtype) : t.data);
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
