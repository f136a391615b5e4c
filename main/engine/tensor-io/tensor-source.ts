import type { TensorEntry } from './safetensors-header.js';

/**
 * A read-only set of named tensors on disk: one safetensors file or a sharded checkpoint.
 * Nothing is loaded until asked for; each read fetches one tensor at its offset.
 */
export interface TensorSource {
  /** What the user gave: a .safetensors file, a *.safetensors.index.json, or a directory. */
  readonly path: string;
  /** The files that hold the data (one, or the shards). */
  readonly files: readonly string[];
  /** The `__metadata__` of the file (for shards: of the first shard, plus the index's `metadata` as JSON strings). */
  readonly metadata: Readonly<Record<string, string>>;
  /** All tensors, in storage order. */
  readonly entries: readonly TensorEntry[];
  get(name: string): TensorEntry | undefined;
  /** Raw little-endian bytes of one tensor. */
  readBytes(name: string): Promise<Uint8Array>;
  /** One float tensor decoded to fp32 (throws for integer/bool tensors). */
  readFloat32(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}
