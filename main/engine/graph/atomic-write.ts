/** A small text file written atomically: temporary file beside the target, fsync, rename; removed on failure. */
import { open, rename, rm } from 'node:fs/promises';
import { throwIfAborted } from '../errors.js';
import { resolveOutputPath } from '../tensor-io/output-guard.js';
import { registerTempFile, temporaryPathFor, unregisterTempFile } from '../tensor-io/temp-files.js';

export async function writeFileAtomic(target: string, text: string, signal?: AbortSignal): Promise<number> {
  throwIfAborted(signal);
  // A clear refusal for a FIFO / device target or a file where a directory should be, as the tensor writers give.
  target = await resolveOutputPath(target);
  const temp = temporaryPathFor(target);
  registerTempFile(temp);
  try {
    const fh = await open(temp, 'wx');
    try {
      const bytes = Buffer.from(text, 'utf8');
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
