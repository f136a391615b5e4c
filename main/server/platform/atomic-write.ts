/** Small files written the safe way (DESIGN.md §9): temporary file beside the target, fsync, rename. */
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { temporaryPathFor } from '../../engine/tensor-io/temp-files.js';

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: { createDir?: boolean } = {}): Promise<void> {
  if (options.createDir) await mkdir(path.dirname(target), { recursive: true });
  const temp = temporaryPathFor(target);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
