/**
 * A small persistent cache of file hashes, so a 7 GB base is hashed once: JSON at
 * `$LORA_STUDIO_CACHE_DIR/hashes.json`, else `$XDG_CACHE_HOME/lora-studio/hashes.json`, else
 * `~/.cache/lora-studio/hashes.json` (`%LOCALAPPDATA%\lora-studio` on Windows). An entry is keyed by the
 * file's real path and is valid while its size, mtime and inode are unchanged (a file replaced by a rename
 * gets a new inode even when size and mtime match). Writes are atomic (temporary file + rename) and merge
 * with what another process may have written meanwhile; a corrupt cache is ignored and rebuilt.
 */
import { mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { computeFileHashes, type FileHashes, type HashOptions } from './hashes.js';
import { temporaryPathFor } from './temp-files.js';

const CACHE_FILE = 'hashes.json';
const CACHE_VERSION = 1;
/** Entries beyond this are dropped, least recently used first. */
const MAX_ENTRIES = 5000;

interface CacheEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  usedAt: number;
  hashes: FileHashes;
  /** false when the hashes were computed without kohya's data-section hash (HashOptions.dataHash); absent: with it. */
  dataHash?: boolean;
}

interface CacheFile {
  version: number;
  entries: Record<string, CacheEntry>;
}

export function defaultHashCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LORA_STUDIO_CACHE_DIR) return env.LORA_STUDIO_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'lora-studio');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'lora-studio', 'cache');
  return path.join(os.homedir(), '.cache', 'lora-studio');
}

function isEntry(v: unknown): v is CacheEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const h = e.hashes as Record<string, unknown> | undefined;
  return (
    typeof e.size === 'number' &&
    typeof e.mtimeMs === 'number' &&
    typeof e.ino === 'number' &&
    typeof h === 'object' &&
    h !== null &&
    typeof h.sha256 === 'string' &&
    typeof h.autoV2 === 'string' &&
    typeof h.sshsLegacyHash === 'string' &&
    (h.sshsModelHash === undefined || typeof h.sshsModelHash === 'string') &&
    (e.dataHash === undefined || typeof e.dataHash === 'boolean')
  );
}

export class HashCache {
  readonly file: string;

  constructor(readonly dir: string = defaultHashCacheDir()) {
    this.file = path.join(dir, CACHE_FILE);
  }

  private async load(): Promise<Map<string, CacheEntry>> {
    const entries = new Map<string, CacheEntry>();
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      return entries;
    }
    const f = json as Partial<CacheFile> | null;
    if (!f || f.version !== CACHE_VERSION || typeof f.entries !== 'object' || f.entries === null) return entries;
    for (const [k, v] of Object.entries(f.entries)) if (isEntry(v)) entries.set(k, v);
    return entries;
  }

  /**
   * The cached hashes of `file` if it has not changed since they were computed; with `dataHash` (default true),
   * only an entry that holds the data-section hash.
   */
  async get(file: string, options: { dataHash?: boolean } = {}): Promise<FileHashes | undefined> {
    const key = await realpath(file);
    const st = await stat(key);
    const e = (await this.load()).get(key);
    if (!e || e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ino !== st.ino) return undefined;
    if (options.dataHash !== false && e.dataHash === false) return undefined;
    return e.hashes;
  }

  /**
   * Records hashes for `file` as it is now (call right after hashing it); `dataHash: false` when they were
   * computed without the data-section hash. Cache write failures are ignored.
   */
  async set(file: string, hashes: FileHashes, identity?: { size: number; mtimeMs: number; ino: number }, options: { dataHash?: boolean } = {}): Promise<void> {
    try {
      const key = await realpath(file);
      const st = identity ?? (await stat(key));
      const entries = await this.load();
      entries.set(key, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, usedAt: Date.now(), hashes, ...(options.dataHash === false ? { dataHash: false } : {}) });
      const kept = [...entries].sort(([, a], [, b]) => b.usedAt - a.usedAt).slice(0, MAX_ENTRIES);
      const out: CacheFile = { version: CACHE_VERSION, entries: {} };
      for (const [k, v] of kept) Object.defineProperty(out.entries, k, { value: v, enumerable: true });
      await mkdir(this.dir, { recursive: true });
      const temp = temporaryPathFor(this.file);
      try {
        await writeFile(temp, JSON.stringify(out), { flag: 'wx' });
        await rename(temp, this.file);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
    } catch {
      // A cache is an optimisation: a read-only home or a full disk must not fail the run.
    }
  }
}

/** Computes a file's hashes (computeFileHashes here, or the same on a worker thread). */
export type FileHasher = (file: string, options: HashOptions) => Promise<FileHashes>;

/**
 * The hashes of `file`, from the cache when the file is unchanged, else computed (one pass, by `hasher`,
 * default computeFileHashes on this thread) and stored. `cache: false` skips the cache; a HashCache instance
 * picks its directory (tests use a temp dir).
 */
export async function getFileHashes(file: string, options: HashOptions & { cache?: HashCache | false; hasher?: FileHasher } = {}): Promise<FileHashes> {
  const cache = options.cache === false ? undefined : (options.cache ?? new HashCache());
  const dataHash = { dataHash: options.dataHash !== false };
  if (cache) {
    const hit = await cache.get(file, dataHash).catch(() => undefined);
    if (hit) return hit;
  }
  // Identity before hashing: if the file changes while we read it, the entry will not match it afterwards.
  const before = await stat(file);
  const hashes = await (options.hasher ?? computeFileHashes)(file, options);
  await cache?.set(file, hashes, { size: before.size, mtimeMs: before.mtimeMs, ino: before.ino }, dataHash);
  return hashes;
}
