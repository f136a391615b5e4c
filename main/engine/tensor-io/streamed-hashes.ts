/**
 * A file's hashes (FileHashes) computed from bytes someone reads anyway: a bake reads every tensor of its
 * base, so the recipe's input hashes cost no second pass over a cold 16 GB checkpoint. The reader passes
 * ranges in increasing file order (update); what it never reads (the header, gaps, tensors a selection
 * dropped, the tail) is read here. When the ranges come out of order the streamed hash is given up and
 * finish() hashes the file in one pass instead, so the result is always the file's hashes. finish() fills
 * the hash cache with the identity the file had before the first byte was read (as getFileHashes does).
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { HashCache } from './hash-cache.js';
import { computeFileHashes, FileHashAccumulator, safetensorsDataStart, type FileHashes } from './hashes.js';
import { openReadOnly, readExactly } from './safetensors-file.js';

/** Gap reads go through a buffer of at most this size. */
const GAP_CHUNK = 8 * 1024 * 1024;

export class StreamedFileHashes {
  /** The file's hashes once finish() completed (rejected by fail()). */
  readonly result: Promise<FileHashes>;
  private resolve!: (h: FileHashes) => void;
  private reject!: (err: unknown) => void;
  private accumulator: FileHashAccumulator | undefined;
  private readBytes = 0;

  private constructor(
    readonly file: string,
    private readonly identity: Stats,
    dataStart: number | undefined,
    private readonly cache: HashCache | undefined,
  ) {
    this.accumulator = new FileHashAccumulator(dataStart);
    this.result = new Promise<FileHashes>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Whoever awaits `result` sees a failure; nobody awaiting it is not an unhandled rejection.
    this.result.catch(() => undefined);
  }

  /** Starts hashing `file` (its identity is taken now). `cache: false` leaves the hash cache alone. */
  static async start(file: string, options: { cache?: HashCache | false } = {}): Promise<StreamedFileHashes> {
    const identity = await stat(file);
    const { fh, size } = await openReadOnly(file);
    let dataStart: number | undefined;
    try {
      dataStart = safetensorsDataStart(await readExactly(fh, file, 0, Math.min(8, size)), size);
    } finally {
      await fh.close();
    }
    const s = new StreamedFileHashes(file, identity, dataStart, options.cache === false ? undefined : (options.cache ?? new HashCache()));
    s.readBytes = Math.min(8, size);
    return s;
  }

  /** Bytes this object read itself (header, gaps, tail; everything when it fell back to a full pass). */
  get bytesRead(): number {
    return this.readBytes;
  }

  /** Whether the bytes so far came in order (else finish() hashes the whole file again). */
  get streaming(): boolean {
    return this.accumulator !== undefined;
  }

  /** `bytes` are the file's bytes at `offset`. Call in increasing offset order, one call at a time. */
  async update(offset: number, bytes: Uint8Array): Promise<void> {
    const acc = this.accumulator;
    if (!acc) return;
    if (offset < acc.position) {
      this.accumulator = undefined;
      return;
    }
    await this.readUpTo(acc, offset);
    acc.update(bytes);
  }

  /** Hashes what is left of the file, fills the cache, and resolves `result`. */
  async finish(): Promise<FileHashes> {
    try {
      let hashes: FileHashes;
      if (this.accumulator) {
        await this.readUpTo(this.accumulator, this.identity.size);
        hashes = this.accumulator.digest();
        this.accumulator = undefined;
      } else {
        hashes = await computeFileHashes(this.file);
        this.readBytes += this.identity.size;
      }
      await this.cache?.set(this.file, hashes, { size: this.identity.size, mtimeMs: this.identity.mtimeMs, ino: this.identity.ino });
      this.resolve(hashes);
      return hashes;
    } catch (err) {
      this.fail(err);
      throw err;
    }
  }

  /** The stream ended without finishing (a failed or stopped run): `result` rejects with `err`. */
  fail(err: unknown): void {
    this.accumulator = undefined;
    this.reject(err);
  }

  /** Reads and hashes the file from where the hash stands up to `end`. */
  private async readUpTo(acc: FileHashAccumulator, end: number): Promise<void> {
    if (acc.position >= end) return;
    const { fh } = await openReadOnly(this.file);
    try {
      const buf = new Uint8Array(Math.min(GAP_CHUNK, end - acc.position));
      while (acc.position < end) {
        const n = Math.min(buf.byteLength, end - acc.position);
        acc.update(await readExactly(fh, this.file, acc.position, n, undefined, buf.subarray(0, n)));
        this.readBytes += n;
      }
    } finally {
      await fh.close();
    }
  }
}
