/**
 * Writes a directory output (a PEFT adapter) all or nothing: its files are written into a hidden temporary
 * directory beside the target, then the directory is renamed into place. An existing target is replaced only
 * when it holds nothing but adapter files (never a folder with other things in it), and only once the new one
 * is complete: it is renamed aside, the new one renamed in, then the old one removed. A failure or Stop
 * removes the temporary directory and leaves the target as it was.
 */
import { lstat, mkdir, open, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../../errors.js';
import { refuseFileAsDirectory } from '../../tensor-io/output-guard.js';
import { removeStaleTempFiles, temporaryPathFor } from '../../tensor-io/temp-files.js';

/** Files an adapter directory may hold that we are willing to replace. */
const ADAPTER_FILES = new Set(['adapter_model.safetensors', 'adapter_config.json', 'README.md', 'adapter_model.bin']);

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function refuseInputsInside(target: string, inputs: readonly string[]): Promise<void> {
  if (!(await exists(target))) return;
  const dir = await realpath(target);
  for (const input of inputs) {
    const real = await realpath(input).catch(() => path.resolve(input));
    if (real === dir || real.startsWith(dir + path.sep)) {
      throw new EngineError('output-is-input', `${target}: the output directory holds an input (${input}); writing it would replace what is being read.`, {
        file: target,
        hint: 'Write to another directory.',
      });
    }
  }
}

async function checkReplaceable(target: string): Promise<boolean> {
  let st;
  try {
    st = await lstat(target);
  } catch {
    return false;
  }
  if (!st.isDirectory()) {
    throw new EngineError('output-not-directory', `${target}: exists and is not a directory; a PEFT adapter is a directory.`, { file: target, hint: 'Give a new directory name, or remove the file.' });
  }
  const others = (await readdir(target)).filter((f) => !ADAPTER_FILES.has(f));
  if (others.length > 0) {
    throw new EngineError('output-dir-not-adapter', `${target}: the directory holds other files (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}); it will not be replaced.`, {
      file: target,
      hint: 'Give a new or empty directory, or one holding only a previous adapter.',
    });
  }
  return true;
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close().catch(() => undefined);
}

/** A text file written durably (for configs inside the temporary directory). */
export async function writeTextFile(file: string, text: string): Promise<void> {
  await writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
  await fsyncPath(file);
}

export async function writeDirectoryAtomically<T>(target: string, inputs: readonly string[], fill: (tempDir: string) => Promise<T>): Promise<T> {
  const parent = path.dirname(path.resolve(target));
  await refuseFileAsDirectory(target);
  if (!(await exists(parent))) {
    throw new EngineError('output-parent-missing', `${target}: the folder ${parent} does not exist.`, { file: target, hint: 'Create it first.' });
  }
  await refuseInputsInside(target, inputs);
  const replacing = await checkReplaceable(target);
  await removeStaleTempFiles(parent, path.resolve(target));
  const temp = temporaryPathFor(path.resolve(target));
  await mkdir(temp);
  let result: T;
  try {
    result = await fill(temp);
    await fsyncPath(temp);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  if (!replacing) {
    await rename(temp, target).catch(async (err: unknown) => {
      await rm(temp, { recursive: true, force: true });
      throw err;
    });
  } else {
    const aside = temporaryPathFor(path.resolve(target));
    await rename(target, aside);
    try {
      await rename(temp, target);
    } catch (err) {
      await rename(aside, target).catch(() => undefined);
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
    await rm(aside, { recursive: true, force: true });
  }
  await fsyncPath(parent);
  return result;
}
