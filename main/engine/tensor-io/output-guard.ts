/**
 * Refuses an output path that is one of the inputs: the same path after resolving symlinks, or the same
 * file under another name (hard link, case-insensitive file system: same device and inode).
 */
import { mkdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
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

/** What a path that exists but is not a regular file is, in words (for the refusal). */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Where `outPath` will be, with its directory's symlinks resolved; the directory must exist, and an
 * existing target must be a regular file: replacing a FIFO, socket or device (`--out /dev/null` as root)
 * would destroy something that is not an output.
 */
export async function resolveOutputPath(outPath: string): Promise<string> {
  const abs = path.resolve(outPath);
  const dir = path.dirname(abs);
  let dirReal: string;
  try {
    dirReal = await realpath(dir);
  } catch (err) {
    const notDir = (err as NodeJS.ErrnoException).code === 'ENOTDIR';
    throw new TensorIOError('write-failed', outPath, notDir
      ? `cannot be written: a part of its directory ${dir} is a file, not a directory.`
      : `cannot be written: its directory ${dir} does not exist (${systemErrorText(err)}).`, {
      cause: err,
      hint: notDir ? 'Choose an output path inside a directory.' : 'Create the directory first, or choose another output path.',
    });
  }
  if (!(await stat(dirReal)).isDirectory()) {
    throw new TensorIOError('write-failed', outPath, `cannot be written: ${dir} is a file, not a directory.`, {
      hint: 'Choose an output path inside a directory.',
    });
  }
  const target = path.join(dirReal, path.basename(abs));
  const st = await stat(target).catch(() => undefined);
  if (st?.isDirectory()) throw new TensorIOError('write-failed', outPath, 'is a directory; give a file name for the output.');
  if (st && !st.isFile()) {
    throw new TensorIOError('not-a-file', outPath, `is ${kindOf(st)}, not a regular file; refusing to replace it with the output.`, {
      hint: 'Give the path of a file to create or replace.',
    });
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

/** The first ancestor of `dir` (itself included) that exists and is not a directory, if any. */
async function fileInTheWay(dir: string): Promise<string | undefined> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = await stat(d).catch(() => undefined);
    if (st) return st.isDirectory() ? undefined : d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Throws a clear error when a part of `outPath`'s directory is a file (mkdir would say EEXIST or ENOTDIR). */
export async function refuseFileAsDirectory(outPath: string): Promise<void> {
  const blocker = await fileInTheWay(path.dirname(path.resolve(outPath)));
  if (blocker !== undefined) {
    throw new TensorIOError('write-failed', outPath, `cannot be written: ${blocker} is a file, not a directory.`, {
      hint: 'Choose an output path inside a directory.',
    });
  }
}

/** Creates the directory an output goes into (and its parents), saying clearly when a file is in the way. */
export async function ensureOutputDirectory(outPath: string): Promise<void> {
  await refuseFileAsDirectory(outPath);
  await mkdir(path.dirname(path.resolve(outPath)), { recursive: true });
}
