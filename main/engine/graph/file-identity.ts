/**
 * What makes a cached result stale: an input file's identity is its real path, size and mtime (a PEFT
 * directory: every file in it; a sharded index: the index and the files beside it). Reading contents
 * would be exact but costs a full read of multi-GB files; size + mtime is what build tools use.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

async function stampOf(file: string): Promise<FileStamp | undefined> {
  try {
    const real = await realpath(file);
    const st = await stat(real);
    return { path: real, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Identity of an input path as a string; "missing:<path>" when it does not exist (the node impl then fails). */
export async function inputIdentity(input: string): Promise<string> {
  const own = await stampOf(input);
  if (!own) return `missing:${input}`;
  const st = await stat(own.path);
  const parts = [`${own.path}:${own.size}:${own.mtimeMs}`];
  if (st.isDirectory() || /\.index\.json$/i.test(own.path)) {
    const dir = st.isDirectory() ? own.path : path.dirname(own.path);
    const names = (await readdir(dir)).filter((n) => st.isDirectory() || /\.safetensors$/i.test(n)).sort();
    for (const n of names) {
      const s = await stampOf(path.join(dir, n));
      if (s) parts.push(`${n}:${s.size}:${s.mtimeMs}`);
    }
  }
  return parts.join('|');
}

/** Whether every file a sink wrote is still there, unchanged since it was written. */
export async function filesUnchanged(stamps: readonly FileStamp[]): Promise<boolean> {
  for (const s of stamps) {
    const now = await stampOf(s.path);
    if (!now || now.size !== s.size || now.mtimeMs !== s.mtimeMs) return false;
  }
  return true;
}

export async function stampFiles(files: readonly string[]): Promise<FileStamp[]> {
  const stamps: FileStamp[] = [];
  for (const f of files) {
    const s = await stampOf(f);
    if (s) stamps.push(s);
  }
  return stamps;
}
