/**
 * Writes small safetensors files for tests, in memory (the engine's streaming writer is what the product
 * uses; this is deliberately independent of it so tests of the reader do not trust the writer).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DTYPE_INFO, elementCount, type DType } from '../../main/engine/tensor-io/dtypes.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';

export interface FixtureTensor {
  name: string;
  shape: number[];
  /** Values (encoded to `dtype`) or raw little-endian bytes. */
  data: Float32Array | number[] | Uint8Array;
  dtype?: DType;
}

export function safetensorsBytes(tensors: FixtureTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F32';
    const bytes = t.data instanceof Uint8Array ? t.data : encodeFloat(Float32Array.from(t.data), dtype);
    const expected = elementCount(t.shape) * DTYPE_INFO[dtype].bytes;
    if (bytes.byteLength !== expected) throw new Error(`fixture ${t.name}: ${bytes.byteLength} bytes, shape needs ${expected}`);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    blobs.push(bytes);
    offset += bytes.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the UTF-8 bytes (not the UTF-16 string length) so the data starts 8-byte aligned, as safetensors does.
  const headerBytes = new Uint8Array(json.byteLength + ((8 - ((8 + json.byteLength) % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.byteLength;
  for (const b of blobs) {
    out.set(b, p);
    p += b.byteLength;
  }
  return out;
}

export function writeSafetensors(file: string, tensors: FixtureTensor[], metadata?: Record<string, string>): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, safetensorsBytes(tensors, metadata));
  return file;
}

/** Deterministic pseudo-random values (mulberry32), so fixtures are reproducible without a library. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomValues(n: number, seed: number, scale = 1): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rnd() * 2 - 1) * scale;
  return out;
}
