/**
 * The one atomic file writer for small files (reports, graph files, settings, autosaves; DESIGN.md §9):
 * temporary file beside the target, fsync, rename; the temporary file is removed on failure or Stop.
 */
import { open, rename, rm } from 'node:fs/promises';
import { throwIfAborted } from '../errors.js';
import { ensureOutputDirectory, resolveOutputPath } from '../tensor-io/output-guard.js';
import { registerTempFile, temporaryPathFor, unregisterTempFile } from '../tensor-io/temp-files.js';

export interface AtomicWriteOptions {
  readonly signal?: AbortSignal;
  /** Create the target's folder first. */
  readonly createDir?: boolean;
}

/** Writes `data` to `target` atomically; returns the bytes written. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<number> {
  const { signal } = options;
  throwIfAborted(signal);
  if (options.createDir) await ensureOutputDirectory(target);
  // A clear refusal for a FIFO / device target or a file where a directory should be, as the tensor writers give.
  target = await resolveOutputPath(target);
  const temp = temporaryPathFor(target);
  registerTempFile(temp);
  try {
    const fh = await open(temp, 'wx', 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      await fh.writeFile(bytes);
      await fh.sync();
      throwIfAborted(signal);
      await fh.close();
      await rename(temp, target);
      return bytes.byteLength;
    } finally {
      await fh.close().catch(() => undefined);
    }
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    unregisterTempFile(temp);
  }
}
