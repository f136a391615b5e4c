/**
 * Streaming safetensors writer. The header goes first (every shape is known from the plan), then each
 * tensor's bytes in plan order, into a temporary file beside the target; commit() fsyncs, renames over the
 * target and fsyncs the directory; abort() (or any failure, or Ctrl-C) removes the temporary file.
 *
 * Operations are queued in call order, so a caller may start write(n) and compute tensor n+1 while the bytes
 * go to disk; each promise reports its own operation's outcome. Small tensors (alphas, biases) are gathered
 * into one staging buffer instead of costing a system call each; big ones are written from the caller's
 * buffer without a copy. Nothing is fsynced before commit.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError } from '../errors.js';
import { TensorIOError, systemErrorText } from './errors.js';
import { LEGACY_HASH_LENGTH, LEGACY_HASH_OFFSET } from './hashes.js';
import { buildHeader, slotBytes, type BuiltHeader, type PlacedTensor, type PlannedTensor } from './header-builder.js';
import { assertOutputNotInput, resolveOutputPath } from './output-guard.js';
import { registerTempFile, removeStaleTempFiles, temporaryPathFor, unregisterTempFile } from './temp-files.js';
import type { TensorPlacement, TensorWriter } from './tensor-writer.js';

export interface WriterOptions {
  /** Files the output must not overwrite: every input's files (TensorSource.files). */
  inputs?: readonly string[];
  /** Metadata keys whose values are set later with setReservedMetadata, with the bytes each value may take. */
  reserve?: Readonly<Record<string, number>>;
  /** Compute the sha256 of the data section while writing (this output's kohya sshs_model_hash). */
  hashData?: boolean;
  /** Stops the writer: the next operation removes the temporary file and throws CancelledError. */
  signal?: AbortSignal;
}

/** Writes below this size are gathered in the staging buffer. */
const SMALL_WRITE = 256 * 1024;
const STAGING_BYTES = 4 * 1024 * 1024;

type State = 'open' | 'committed' | 'aborted' | 'failed';

async function fsyncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

export class SafetensorsWriter implements TensorWriter {
  private state: State = 'open';
  private failure: unknown;
  private header: BuiltHeader | undefined;
  private planned: BuiltHeader | undefined;
  /** Set once a placement was handed out: the layout may no longer change. */
  private placed: Map<string, PlacedTensor> | undefined;
  private readonly reserved = new Map<string, number>();
  private readonly reservedValues = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private aborting: Promise<void> | undefined;
  private current = 0;
  private currentWritten = 0;
  private position = 0;
  private staging: Uint8Array | undefined;
  private stagingLength = 0;
  private readonly hash: Hash | undefined;
  private digest: string | undefined;

  private constructor(
    /** The output path as given. */
    readonly path: string,
    /** Where the file will be (directory symlinks resolved). */
    readonly target: string,
    readonly tempPath: string,
    private readonly fh: FileHandle,
    readonly plan: readonly PlannedTensor[],
    private readonly metadata: Readonly<Record<string, string>>,
    private readonly signal: AbortSignal | undefined,
    hashData: boolean,
  ) {
    this.hash = hashData ? createHash('sha256') : undefined;
  }

  /** Creates the temporary file (after refusing an output that is an input) and validates the plan. */
  static async create(outPath: string, plan: readonly PlannedTensor[], metadata: Readonly<Record<string, string>> = {}, options: WriterOptions = {}): Promise<SafetensorsWriter> {
    await assertOutputNotInput(outPath, options.inputs ?? []);
    const target = await resolveOutputPath(outPath);
    // Validate before touching the disk: a bad plan leaves nothing behind.
    const reserve = new Map(Object.entries(options.reserve ?? {}));
    buildHeader(outPath, plan, metadata, reserve);
    await removeStaleTempFiles(path.dirname(target), target);
    const tempPath = temporaryPathFor(target);
    let fh: FileHandle;
    try {
      fh = await open(tempPath, 'wx+');
    } catch (err) {
      throw new TensorIOError('write-failed', outPath, `cannot create a temporary file in ${path.dirname(target)} (${systemErrorText(err)}).`, {
        cause: err,
        hint: 'Check that the directory is writable.',
      });
    }
    registerTempFile(tempPath);
    const w = new SafetensorsWriter(outPath, target, tempPath, fh, [...plan], { ...metadata }, options.signal, options.hashData ?? false);
    for (const [k, width] of reserve) w.reserved.set(k, width);
    return w;
  }

  /** Reserves a metadata value of up to `width` bytes (JSON-encoded, without quotes), filled later. Before the first write only. */
  reserveMetadata(key: string, width: number): void {
    this.assertOpen();
    if (this.header || this.placed) throw new TensorIOError('reserved-metadata', this.path, `cannot reserve "${key}" after the header was written or a tensor placed (reserve before the first write).`);
    const next = new Map(this.reserved).set(key, width);
    this.planned = buildHeader(this.path, this.plan, this.metadata, next);
    this.reserved.set(key, width);
  }

  /** Fills a reserved metadata slot (before commit). */
  setReservedMetadata(key: string, value: string): Promise<void> {
    return this.enqueue(async () => {
      const width = this.reserved.get(key);
      if (width === undefined) throw new TensorIOError('reserved-metadata', this.path, `metadata "${key}" was not reserved.`);
      const slot = this.layout().slots.get(key)!;
      const bytes = slotBytes(this.path, key, slot, value);
      this.reservedValues.set(key, value);
      if (this.header) await this.writeAt(bytes, slot.fileOffset);
    });
  }

  /** Writes one whole tensor: the next one in the plan, with exactly its byte length. */
  write(name: string, bytes: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      const t = this.expect(name);
      if (this.currentWritten !== 0 || bytes.byteLength !== t.byteLength) {
        throw new TensorIOError('size-mismatch', this.path, `tensor "${name}": got ${bytes.byteLength} bytes${this.currentWritten ? ` after ${this.currentWritten} already written` : ''}, shape ${JSON.stringify(t.shape)} × ${t.dtype} needs ${t.byteLength}.`, { tensor: name });
      }
      await this.append(bytes);
      this.advance(t.byteLength);
    });
  }

  /**
   * Where tensor `name` goes in the temporary file, for a writer outside this object (a worker thread that
   * writes the bytes there itself, then skip(name) here in plan order). Fixes the layout.
   */
  placement(name: string): TensorPlacement {
    this.assertOpen();
    const layout = this.layout();
    this.placed ??= new Map(layout.tensors.map((t) => [t.name, t]));
    const t = this.placed.get(name);
    if (!t) throw new TensorIOError('write-order', this.path, `tensor "${name}" is not in the plan.`, { tensor: name });
    return { file: this.tempPath, offset: layout.dataStart + t.begin, byteLength: t.byteLength };
  }

  /**
   * The next tensor of the plan was written at its placement by someone else: moves past it (the bytes in
   * between are flushed first). Not for a writer that hashes its data (it never sees these bytes).
   */
  skip(name: string): Promise<void> {
    return this.enqueue(async () => {
      const t = this.expect(name);
      if (this.hash) throw new TensorIOError('write-order', this.path, `tensor "${name}": a writer that hashes its data must be given the bytes, not skip them.`, { tensor: name });
      if (this.currentWritten !== 0) throw new TensorIOError('size-mismatch', this.path, `tensor "${name}": cannot skip a tensor after ${this.currentWritten} of its bytes were written.`, { tensor: name });
      await this.ensureHeader();
      await this.flush();
      this.position += t.byteLength;
      this.advance(t.byteLength);
    });
  }

  /** Writes part of the next tensor (for tensors too big to hold at once); it completes when its bytes are all in. */
  writeChunk(name: string, bytes: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      const t = this.expect(name);
      if (this.currentWritten + bytes.byteLength > t.byteLength) {
        throw new TensorIOError('size-mismatch', this.path, `tensor "${name}": ${this.currentWritten + bytes.byteLength} bytes written, shape ${JSON.stringify(t.shape)} × ${t.dtype} needs ${t.byteLength}.`, { tensor: name });
      }
      await this.append(bytes);
      this.advance(this.currentWritten + bytes.byteLength);
    });
  }

  get outputFiles(): readonly string[] {
    return [this.path];
  }

  /** The next tensor the plan expects, or undefined when all are written. */
  get nextTensor(): string | undefined {
    return this.plan[this.current]?.name;
  }

  /** Bytes of the file written so far (header included), and the final size. */
  get bytesWritten(): number {
    return this.position + this.stagingLength;
  }

  get totalBytes(): number {
    return this.layout().dataStart + this.layout().dataSize;
  }

  /** Where the data section starts in the file (8 + header length). */
  get dataStart(): number {
    return this.layout().dataStart;
  }

  /** sha256 (hex) of the data section, i.e. kohya's sshs_model_hash of this file. Needs hashData and every tensor written. */
  dataSha256(): string {
    if (!this.hash) throw new TensorIOError('writer-closed', this.path, 'was created without hashData: true, so it has no data hash.');
    if (this.current < this.plan.length) throw new TensorIOError('write-order', this.path, `the data hash is known once every tensor is written ("${this.nextTensor}" is next).`);
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }

  /**
   * The old A1111 hash of this file (sshs_legacy_hash): sha256 of 64 KiB at offset 1 MiB, first 8 hex digits.
   * Needs every tensor written. Where the header reaches past 1 MiB the window includes it: fill the other
   * reserved values first.
   */
  legacyHash(): Promise<string> {
    return this.enqueue(async () => {
      if (this.current < this.plan.length) throw new TensorIOError('write-order', this.path, `the legacy hash is known once every tensor is written ("${this.nextTensor}" is next).`);
      await this.ensureHeader();
      await this.flush();
      const buf = new Uint8Array(Math.max(0, Math.min(LEGACY_HASH_LENGTH, this.position - LEGACY_HASH_OFFSET)));
      let done = 0;
      while (done < buf.byteLength) {
        const { bytesRead } = await this.fh.read(buf, done, buf.byteLength - done, LEGACY_HASH_OFFSET + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return createHash('sha256').update(buf.subarray(0, done)).digest('hex').slice(0, 8);
    });
  }

  /** Makes the file durable and puts it in place (replacing any existing file at the target). */
  commit(): Promise<void> {
    return this.enqueue(async () => {
      if (this.current < this.plan.length) {
        throw new TensorIOError('write-order', this.path, `cannot commit: tensor "${this.nextTensor}" and ${this.plan.length - this.current - 1} after it were never written.`, {
          tensor: this.nextTensor,
        });
      }
      const unfilled = [...this.reserved.keys()].filter((k) => !this.reservedValues.has(k));
      if (unfilled.length > 0) throw new TensorIOError('reserved-metadata', this.path, `cannot commit: reserved metadata ${unfilled.map((k) => `"${k}"`).join(', ')} never set.`);
      await this.ensureHeader();
      await this.flush();
      try {
        await this.fh.sync();
        await this.fh.close();
        await rename(this.tempPath, this.target);
      } catch (err) {
        throw new TensorIOError('write-failed', this.path, `cannot be committed (${systemErrorText(err)}).`, { cause: err });
      }
      this.state = 'committed';
      unregisterTempFile(this.tempPath);
      await fsyncDirectory(path.dirname(this.target));
    });
  }

  /** Removes the temporary file; the target is left as it was. Safe to call at any time, more than once. */
  abort(): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    this.aborting ??= (async () => {
      if (this.state === 'open') this.state = 'aborted';
      await this.queue.catch(() => undefined);
      await this.discard();
    })();
    return this.aborting;
  }

  private async discard(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
    unregisterTempFile(this.tempPath);
  }

  /** The header as it is (once written) or as it will be (reservations may still change it). */
  private layout(): BuiltHeader {
    if (this.header) return this.header;
    this.planned ??= buildHeader(this.path, this.plan, this.metadata, this.reserved);
    return this.planned;
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.assertOpen();
      if (this.signal?.aborted) {
        this.state = 'aborted';
        await this.discard();
        throw new CancelledError();
      }
      try {
        return await op();
      } catch (err) {
        // A failed disk write leaves a file we cannot trust: remove it now. Usage errors (wrong order, size)
        // leave the writer open so the caller can still abort or correct.
        if (err instanceof TensorIOError && err.code === 'write-failed') {
          this.state = 'failed';
          this.failure = err;
          await this.discard();
        }
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private assertOpen(): void {
    if (this.state === 'open') return;
    const why = this.state === 'failed' ? `failed earlier (${this.failure instanceof Error ? this.failure.message : String(this.failure)})` : `was already ${this.state === 'committed' ? 'committed' : 'aborted'}`;
    throw new TensorIOError('writer-closed', this.path, `the writer ${why}.`);
  }

  private expect(name: string): PlacedTensor {
    const t = this.layout().tensors[this.current];
    if (!t) throw new TensorIOError('write-order', this.path, `tensor "${name}": every planned tensor is already written.`, { tensor: name });
    if (t.name !== name) {
      const planned = this.plan.some((p) => p.name === name);
      throw new TensorIOError('write-order', this.path, `tensor "${name}" ${planned ? 'is out of order' : 'is not in the plan'}: "${t.name}" comes next.`, { tensor: name });
    }
    return t;
  }

  private advance(writtenOfCurrent: number): void {
    if (writtenOfCurrent >= this.layout().tensors[this.current]!.byteLength) {
      this.current++;
      this.currentWritten = 0;
    } else {
      this.currentWritten = writtenOfCurrent;
    }
  }

  private async ensureHeader(): Promise<void> {
    if (this.header) return;
    const header = this.layout();
    const bytes = header.bytes.slice();
    for (const [key, value] of this.reservedValues) {
      const slot = header.slots.get(key)!;
      bytes.set(slotBytes(this.path, key, slot, value), slot.fileOffset);
    }
    this.header = header;
    await this.writeAt(bytes, 0);
    this.position = bytes.byteLength;
  }

  private async append(bytes: Uint8Array): Promise<void> {
    await this.ensureHeader();
    this.hash?.update(bytes);
    if (bytes.byteLength < SMALL_WRITE) {
      this.staging ??= new Uint8Array(STAGING_BYTES);
      if (this.stagingLength + bytes.byteLength > this.staging.byteLength) await this.flush();
      this.staging.set(bytes, this.stagingLength);
      this.stagingLength += bytes.byteLength;
      return;
    }
    await this.flush();
    await this.writeAt(bytes, this.position);
    this.position += bytes.byteLength;
  }

  private async flush(): Promise<void> {
    if (!this.staging || this.stagingLength === 0) return;
    await this.writeAt(this.staging.subarray(0, this.stagingLength), this.position);
    this.position += this.stagingLength;
    this.stagingLength = 0;
  }

  private async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    try {
      while (done < bytes.byteLength) {
        const { bytesWritten } = await this.fh.write(bytes, done, bytes.byteLength - done, position + done);
        done += bytesWritten;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new TensorIOError('write-failed', this.path, `writing failed at byte ${position + done} (${systemErrorText(err)}).`, {
        cause: err,
        hint: code === 'ENOSPC' ? 'The disk is full: free space or write elsewhere.' : 'Check the disk and the permissions of the output directory.',
      });
    }
  }
}

/** Creates a streaming writer for one .safetensors file (see SafetensorsWriter). */
export function createSafetensorsWriter(outPath: string, plan: readonly PlannedTensor[], metadata: Readonly<Record<string, string>> = {}, options: WriterOptions = {}): Promise<SafetensorsWriter> {
  return SafetensorsWriter.create(outPath, plan, metadata, options);
}
