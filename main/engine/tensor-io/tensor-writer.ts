import type { PlannedTensor } from './header-builder.js';

/** Where a tensor's bytes go: a (temporary) file and the absolute byte offset in it. */
export interface TensorPlacement {
  readonly file: string;
  readonly offset: number;
  readonly byteLength: number;
}

/**
 * A streaming tensor file writer: the single-file SafetensorsWriter and the sharded writer both implement it,
 * so exporters write the same way whatever `--max-shard-size` says.
 */
export interface TensorWriter {
  /** The output path as given (the single file, or the name shards and index derive from). */
  readonly path: string;
  /** Every file commit() puts in place (shards first, then the index). */
  readonly outputFiles: readonly string[];
  readonly plan: readonly PlannedTensor[];
  /** The tensor the plan expects next; undefined once all are written. */
  readonly nextTensor: string | undefined;
  /** Writes the next tensor of the plan, whole (exactly its byte length). */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Writes part of the next tensor; it is complete once all its bytes are in. */
  writeChunk(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Where a tensor's bytes go, for code that writes them itself (positional writes to that file, from any
   * thread), then calls skip(name) in plan order. Fixes the header layout.
   */
  placement(name: string): TensorPlacement;
  /** The next tensor of the plan was written at its placement: moves past it, in plan order like write. */
  skip(name: string): Promise<void>;
  /** Fills a metadata value reserved at creation (`reserve` option). */
  setReservedMetadata(key: string, value: string): Promise<void>;
  /** fsync, rename into place, fsync the directory. */
  commit(): Promise<void>;
  /** Removes the temporary files; the targets are left as they were. */
  abort(): Promise<void>;
}
