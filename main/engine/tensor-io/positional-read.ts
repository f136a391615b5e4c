/**
 * Reads of one tensor's bytes at their offset, for code that holds a TensorEntry but no open source:
 * worker threads (synchronous, no event loop needed) and hot paths that reuse a buffer. Each call opens the
 * file, reads at the offset, and closes it: a few microseconds against milliseconds of tensor data, and no
 * cached descriptor can ever point at an older file that has since been replaced under the same name.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { TensorIOError, systemErrorText } from './errors.js';
import type { TensorEntry } from './safetensors-header.js';
import { readExactly } from './safetensors-file.js';

/** Where to read the tensor: `into` when given (exactly byteLength bytes), else a new buffer. */
function target(entry: TensorEntry, into: Uint8Array | undefined): Uint8Array {
  if (!into) return new Uint8Array(entry.byteLength);
  if (into.byteLength !== entry.byteLength) {
    throw new TensorIOError('read-failed', entry.file, `tensor "${entry.name}" has ${entry.byteLength} bytes but the buffer holds ${into.byteLength}.`, { tensor: entry.name });
  }
  return into;
}

function shortRead(entry: TensorEntry, at: number): TensorIOError {
  return new TensorIOError('read-failed', entry.file, `unexpected end of file at byte ${at} while reading tensor "${entry.name}" (the file changed or was truncated after it was opened).`, {
    tensor: entry.name,
  });
}

function failed(entry: TensorEntry, err: unknown): TensorIOError {
  if (err instanceof TensorIOError) return err;
  return new TensorIOError('read-failed', entry.file, `cannot read tensor "${entry.name}": ${systemErrorText(err)}.`, { tensor: entry.name, cause: err });
}

/** Synchronous read of one tensor (for worker threads). */
export function readTensorBytesSync(entry: TensorEntry, into?: Uint8Array): Uint8Array {
  const buf = target(entry, into);
  let fd: number | undefined;
  try {
    fd = openSync(entry.file, 'r');
    let done = 0;
    while (done < buf.byteLength) {
      const n = readSync(fd, buf, done, buf.byteLength - done, entry.dataOffset + done);
      if (n === 0) throw shortRead(entry, entry.dataOffset + done);
      done += n;
    }
    return buf;
  } catch (err) {
    throw failed(entry, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Synchronous reads of byte ranges of one tensor through one open descriptor, for code that consumes a
 * tensor block by block (`read(into, offset)` fills `into` with bytes [offset, offset + into.byteLength)).
 */
export function withTensorReaderSync<T>(entry: TensorEntry, use: (read: (into: Uint8Array, offset: number) => void) => T): T {
  const reader = openTensorReader(entry);
  try {
    return use(reader.read);
  } finally {
    reader.close();
  }
}

/** withTensorReaderSync for an async consumer (the GPU bake): the descriptor stays open until `use` settles. */
export async function withTensorReader<T>(entry: TensorEntry, use: (read: (into: Uint8Array, offset: number) => void) => Promise<T>): Promise<T> {
  const reader = openTensorReader(entry);
  try {
    return await use(reader.read);
  } finally {
    reader.close();
  }
}

function openTensorReader(entry: TensorEntry): { read: (into: Uint8Array, offset: number) => void; close: () => void } {
  let fd: number | undefined;
  try {
    fd = openSync(entry.file, 'r');
  } catch (err) {
    throw failed(entry, err);
  }
  const read = (into: Uint8Array, offset: number): void => {
    if (offset < 0 || offset + into.byteLength > entry.byteLength) throw new RangeError(`tensor "${entry.name}": bytes ${offset}..${offset + into.byteLength} are outside its ${entry.byteLength}.`);
    try {
      let done = 0;
      while (done < into.byteLength) {
        const n = readSync(fd!, into, done, into.byteLength - done, entry.dataOffset + offset + done);
        if (n === 0) throw shortRead(entry, entry.dataOffset + offset + done);
        done += n;
      }
    } catch (err) {
      throw failed(entry, err);
    }
  };
  return { read, close: () => closeSync(fd!) };
}

/** Asynchronous read of one tensor, optionally into a caller's buffer (reused across tensors on hot paths). */
export async function readTensorBytes(entry: TensorEntry, into?: Uint8Array): Promise<Uint8Array> {
  const buf = target(entry, into);
  let fh;
  try {
    fh = await open(entry.file, 'r');
    let done = 0;
    while (done < buf.byteLength) {
      const { bytesRead } = await fh.read(buf, done, buf.byteLength - done, entry.dataOffset + done);
      if (bytesRead === 0) throw shortRead(entry, entry.dataOffset + done);
      done += bytesRead;
    }
    return buf;
  } catch (err) {
    throw failed(entry, err);
  } finally {
    await fh?.close();
  }
}

/** Bytes read at once by forEachTensorBytes (a window of neighbouring tensors). */
export const TENSOR_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * Reads `entries` a window of neighbouring tensors at a time (one read for up to `windowBytes`, where one read
 * per tensor would cost a round trip through the thread pool each: a LoRA has hundreds of small tensors) and
 * gives each tensor's bytes to `visit`, in storage order per file. The bytes are valid during the call only
 * (one buffer is reused); a tensor larger than a window is read alone.
 */
export async function forEachTensorBytes(entries: readonly TensorEntry[], visit: (entry: TensorEntry, bytes: Uint8Array) => void | Promise<void>, windowBytes = TENSOR_WINDOW_BYTES): Promise<void> {
  const byFile = new Map<string, TensorEntry[]>();
  for (const e of entries) {
    const list = byFile.get(e.file);
    if (list) list.push(e);
    else byFile.set(e.file, [e]);
  }
  let buffer = new Uint8Array(0);
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.dataOffset - b.dataOffset);
    let fh;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      throw failed(list[0]!, err);
    }
    try {
      for (let i = 0; i < list.length; ) {
        // Tensors in a checkpoint do not overlap (the header parser refuses that), so sorted by offset each ends after the last.
        const start = list[i]!.dataOffset;
        let end = start + list[i]!.byteLength;
        let j = i + 1;
        for (; j < list.length && list[j]!.dataOffset + list[j]!.byteLength - start <= windowBytes; j++) end = list[j]!.dataOffset + list[j]!.byteLength;
        if (buffer.byteLength < end - start) buffer = new Uint8Array(end - start);
        await readExactly(fh, file, start, end - start, list[i]!.name, buffer.subarray(0, end - start));
        for (; i < j; i++) {
          const e = list[i]!;
          await visit(e, buffer.subarray(e.dataOffset - start, e.dataOffset - start + e.byteLength));
        }
      }
    } finally {
      await fh.close();
    }
  }
}
