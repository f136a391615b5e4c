/**
 * Refuses an output path that is one of the inputs: the same path after resolving symlinks, or the same
 * file under another name (hard link, case-insensitive file system: same device and inode).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { TensorIOError, systemErrorText } from './errors.js';

interface Identity {
  real: string;
  dev?: number;
  ino?: number;
}

async function identify(p: string): Promise<Identity | undefined> {
  try {
    const st = await stat(p);
    return { real: await realpath(p), dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

/** Where `outPath` will be, with its directory's symlinks resolved; the directory must exist. */
export async function resolveOutputPath(outPath: string): Promise<string> {
  const abs = path.resolve(outPath);
  const dir = path.dirname(abs);
  let dirReal: string;
  try {
    dirReal = await realpath(dir);
    if (!(await stat(dirReal)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new TensorIOError('write-failed', outPath, `cannot be written: its directory ${dir} does not exist or is not a directory (${systemErrorText(err)}).`, {
      cause: err,
      hint: 'Create the directory first, or choose another output path.',
    });
  }
  const target = path.join(dirReal, path.basename(abs));
  try {
    if ((await stat(target)).isDirectory()) {
      throw new TensorIOError('write-failed', outPath, 'is a directory; give a file name for the output.');
    }
  } catch (err) {
    if (err instanceof TensorIOError) throw err;
  }
  return target;
}

/** Throws 'output-is-input' when `outPath` is (or would overwrite) one of `inputs`. */
export async function assertOutputNotInput(outPath: string, inputs: readonly string[]): Promise<void> {
  const target = await resolveOutputPath(outPath);
  const out = await identify(target);
  for (const input of inputs) {
    const inId = await identify(input);
    const sameName = path.resolve(input) === path.resolve(outPath) || (inId !== undefined && (inId.real === target || inId.real === out?.real));
    const sameFile = out !== undefined && inId !== undefined && out.dev === inId.dev && out.ino === inId.ino;
    if (sameName || sameFile) {
      throw new TensorIOError('output-is-input', outPath, `is the input ${input}${sameFile && !sameName ? ' (the same file under another name)' : ''}; refusing to overwrite an input.`, {
        hint: 'Choose a different output path: inputs are never modified.',
      });
    }
  }
}
