import { open, stat, type FileHandle } from 'node:fs/promises';
import { isFloatDType } from './dtypes.js';
import { TensorIOError } from './errors.js';
import { decodeFloat } from './float-convert.js';
import { parseHeader, readHeaderLength, type TensorEntry } from './safetensors-header.js';
import type { TensorSource } from './tensor-source.js';

/** Reads `length` bytes at `position`, failing with a TensorIOError if the file is shorter. */
export async function readExactly(fh: FileHandle, file: string, position: number, length: number, tensor?: string): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new TensorIOError('read-failed', file, `unexpected end of file at byte ${position + done}${tensor ? ` while reading tensor "${tensor}"` : ''}.`, { tensor });
    }
    done += bytesRead;
  }
  return buf;
}

/** One .safetensors file, opened read-only; the header is parsed and validated on open. */
export class SafetensorsFile implements TensorSource {
  readonly files: readonly string[];
  private readonly byName: Map<string, TensorEntry>;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly entries: readonly TensorEntry[],
    readonly metadata: Readonly<Record<string, string>>,
    readonly dataStart: number,
  ) {
    this.files = [path];
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  static async open(path: string): Promise<SafetensorsFile> {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new TensorIOError('not-a-file', path, 'is not a regular file.');
      size = st.size;
    } catch (err) {
      if (err instanceof TensorIOError) throw err;
      throw new TensorIOError('not-found', path, 'cannot be opened (does the file exist and is it readable?).', { cause: err });
    }
    const fh = await open(path, 'r');
    try {
      const prefix = await readExactly(fh, path, 0, Math.min(8, size));
      const headerLength = readHeaderLength(path, prefix, size);
      const headerBytes = await readExactly(fh, path, 8, headerLength);
      const parsed = parseHeader(path, headerBytes, size);
      return new SafetensorsFile(path, fh, parsed.entries, parsed.metadata, parsed.dataStart);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  get(name: string): TensorEntry | undefined {
    return this.byName.get(name);
  }

  private entry(name: string): TensorEntry {
    const e = this.byName.get(name);
    if (!e) throw new TensorIOError('unknown-tensor', this.path, `has no tensor "${name}".`, { tensor: name });
    return e;
  }

  async readBytes(name: string): Promise<Uint8Array> {
    const e = this.entry(name);
    return readExactly(this.fh, this.path, e.dataOffset, e.byteLength, name);
  }

  async readFloat32(name: string): Promise<Float32Array> {
    const e = this.entry(name);
    if (!isFloatDType(e.dtype)) {
      throw new TensorIOError('bad-dtype', this.path, `tensor "${name}" is ${e.dtype}, not a float tensor.`, { tensor: name });
    }
    return decodeFloat(await this.readBytes(name), e.dtype);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
