/**
 * A temporary file beside the output for computed tensors whose shapes are only known after computing
 * (dynamic rank rules): each module's tensors are appended as they come (memory stays one module), then the
 * final file is written header first and the spilled bytes are copied into it in order. Removed on success,
 * failure, Stop and process exit (tensor-io's temp-file registry).
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { TensorIOError, systemErrorText } from '../../tensor-io/errors.js';
import { registerTempFile, temporaryPathFor, unregisterTempFile } from '../../tensor-io/temp-files.js';
import type { OutputTensor } from './module-tensors.js';

export interface SpilledTensor {
  readonly name: string;
  readonly dtype: OutputTensor['dtype'];
  readonly shape: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

export class SpillFile {
  private position = 0;
  private closed = false;
  readonly tensors: SpilledTensor[] = [];

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /** Creates `.name.lora-studio-tmp-…` in the directory of `target`. */
  static async create(target: string): Promise<SpillFile> {
    const path = temporaryPathFor(`${target}.spill`);
    let fh: FileHandle;
    try {
      fh = await open(path, 'wx+');
    } catch (err) {
      throw new TensorIOError('write-failed', target, `cannot create a temporary file beside it (${systemErrorText(err)}).`, { cause: err, hint: 'Check that the directory is writable.' });
    }
    registerTempFile(path);
    return new SpillFile(path, fh);
  }

  async append(tensor: OutputTensor): Promise<void> {
    let done = 0;
    try {
      while (done < tensor.bytes.byteLength) {
        const { bytesWritten } = await this.fh.write(tensor.bytes, done, tensor.bytes.byteLength - done, this.position + done);
        done += bytesWritten;
      }
    } catch (err) {
      throw new TensorIOError('write-failed', this.path, `cannot write computed tensors to the temporary file (${systemErrorText(err)}).`, { cause: err, hint: 'Check the free space in the output directory.' });
    }
    this.tensors.push({ name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, offset: this.position, byteLength: tensor.bytes.byteLength });
    this.position += tensor.bytes.byteLength;
  }

  async read(t: SpilledTensor): Promise<Uint8Array> {
    const buf = new Uint8Array(t.byteLength);
    let done = 0;
    while (done < t.byteLength) {
      const { bytesRead } = await this.fh.read(buf, done, t.byteLength - done, t.offset + done);
      if (bytesRead === 0) throw new TensorIOError('read-failed', this.path, `the temporary file ends inside tensor "${t.name}".`, { tensor: t.name });
      done += bytesRead;
    }
    return buf;
  }

  async remove(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
    unregisterTempFile(this.path);
  }
}
