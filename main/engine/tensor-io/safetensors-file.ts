import { open, stat, type FileHandle } from 'node:fs/promises';
import { isFloatDType } from './dtypes.js';
import { TensorIOError, systemErrorText } from './errors.js';
import { decodeFloat } from './float-convert.js';
import { parseHeader, readHeaderLength, type TensorEntry } from './safetensors-header.js';
import type { TensorSource } from './tensor-source.js';

/** Reads `length` bytes at `position` into `into` (or a new buffer), failing with a TensorIOError if the file is shorter. */
export async function readExactly(fh: FileHandle, file: string, position: number, length: number, tensor?: string, into?: Uint8Array): Promise<Uint8Array> {
  const buf = into ?? new Uint8Array(length);
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(buf, done, length - done, position + done));
    } catch (err) {
      throw new TensorIOError('read-failed', file, `cannot read${tensor ? ` tensor "${tensor}"` : ''} at byte ${position + done}: ${systemErrorText(err)}.`, { tensor, cause: err });
    }
    if (bytesRead === 0) {
      throw new TensorIOError('read-failed', file, `unexpected end of file at byte ${position + done}${tensor ? ` while reading tensor "${tensor}"` : ''} (the file changed or was truncated after it was opened).`, { tensor });
    }
    done += bytesRead;
  }
  return buf;
}

/** Opens a file read-only, turning "missing", "a directory" and "not readable" into TensorIOErrors. */
export async function openReadOnly(path: string): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    // stat first: opening a FIFO or a device for reading could block forever.
    const st = await stat(path);
    if (st.isDirectory()) throw new TensorIOError('not-a-file', path, 'is a directory, not a file.');
    if (!st.isFile()) throw new TensorIOError('not-a-file', path, 'is not a regular file.');
    fh = await open(path, 'r');
  } catch (err) {
    if (err instanceof TensorIOError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new TensorIOError('not-a-file', path, 'is a directory, not a file.');
    throw new TensorIOError('not-found', path, `cannot be opened (${systemErrorText(err)}).`, {
      cause: err,
      hint: code === 'ENOENT' ? 'Check the path.' : 'Check that the file exists and is readable.',
    });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new TensorIOError('not-a-file', path, st.isDirectory() ? 'is a directory, not a file.' : 'is not a regular file.');
    return { fh, size: st.size };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** One .safetensors file, opened read-only; the header is parsed and validated on open. */
export class SafetensorsFile implements TensorSource {
  readonly files: readonly string[];
  private readonly byName: Map<string, TensorEntry>;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly entries: readonly TensorEntry[],
    readonly metadata: Readonly<Record<string, string>>,
    /** 8 + header length: where the data section starts (kohya's sshs_model_hash covers the bytes from here). */
    readonly dataStart: number,
    readonly fileSize: number,
  ) {
    this.files = [path];
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  static async open(path: string): Promise<SafetensorsFile> {
    const { fh, size } = await openReadOnly(path);
    try {
      const prefix = await readExactly(fh, path, 0, Math.min(8, size));
      const headerLength = readHeaderLength(path, prefix, size);
      const headerBytes = await readExactly(fh, path, 8, headerLength);
      const parsed = parseHeader(path, headerBytes, size);
      return new SafetensorsFile(path, fh, parsed.entries, parsed.metadata, parsed.dataStart, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  get(name: string): TensorEntry | undefined {
    return this.byName.get(name);
  }

  /** The entry of `name`, or a TensorIOError naming the file and the tensor. */
  entry(name: string): TensorEntry {
    const e = this.byName.get(name);
    if (!e) throw new TensorIOError('unknown-tensor', this.path, `has no tensor "${name}".`, { tensor: name });
    return e;
  }

  /** Raw bytes of one tensor, into `into` (exactly its byte length) when given. */
  async readBytes(name: string, into?: Uint8Array): Promise<Uint8Array> {
    const e = this.entry(name);
    if (this.closed) throw new TensorIOError('read-failed', this.path, `is closed; cannot read tensor "${name}".`, { tensor: name });
    if (into && into.byteLength !== e.byteLength) {
      throw new TensorIOError('read-failed', this.path, `tensor "${name}" has ${e.byteLength} bytes but the buffer holds ${into.byteLength}.`, { tensor: name });
    }
    return readExactly(this.fh, this.path, e.dataOffset, e.byteLength, name, into);
  }

  async readFloat32(name: string): Promise<Float32Array> {
    const e = this.entry(name);
    if (!isFloatDType(e.dtype)) {
      throw new TensorIOError('bad-dtype', this.path, `tensor "${name}" is ${e.dtype}, not a float tensor.`, { tensor: name });
    }
    return decodeFloat(await this.readBytes(name), e.dtype);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}
