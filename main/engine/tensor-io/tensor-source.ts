import type { TensorEntry } from './safetensors-header.js';

/**
 * A read-only set of named tensors on disk: one safetensors file or a sharded checkpoint.
 * Nothing is loaded until asked for; each read fetches one tensor at its offset.
 */
export interface TensorSource {
  /** The file opened: a .safetensors file or a *.safetensors.index.json (for a directory: the one found in it). */
  readonly path: string;
  /** The files that hold the data (one, or the shards). */
  readonly files: readonly string[];
  /** The `__metadata__` of the file (for shards: of the first shard, plus the index's `metadata` as JSON strings). */
  readonly metadata: Readonly<Record<string, string>>;
  /** All tensors, in storage order. */
  readonly entries: readonly TensorEntry[];
  get(name: string): TensorEntry | undefined;
  /**
   * Raw little-endian bytes of one tensor. With `into` (exactly the tensor's byte length) the bytes are read
   * into that buffer, so hot paths can reuse one; always use the returned array.
   */
  readBytes(name: string, into?: Uint8Array): Promise<Uint8Array>;
  /** One float tensor decoded to fp32 (throws for integer/bool tensors). */
  readFloat32(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}
