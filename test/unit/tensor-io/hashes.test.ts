import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, utimesSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../main/engine/errors.js';
import { HashCache, defaultHashCacheDir, getFileHashes } from '../../../main/engine/tensor-io/hash-cache.js';
import { autoV2, computeFileHashes, sha256File, sshsLegacyHash, sshsModelHash } from '../../../main/engine/tensor-io/hashes.js';
import { randomValues, safetensorsBytes } from '../../helpers/safetensors.js';
import { expectIOError, realFixtures, tempDir } from './helpers.js';

const dir = tempDir('hashes');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function hasSha256sum(): boolean {
  try {
    execFileSync('sha256sum', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A safetensors file of ~2.4 MB: the legacy window (1 MiB + 64 KiB) lies in the data. */
function bigFile(name: string, metadata: Record<string, string> = {}): string {
  const p = path.join(dir, name);
  writeFileSync(p, safetensorsBytes([{ name: 'w', shape: [600_000], data: randomValues(600_000, 5) }, { name: 'b', shape: [3], data: [1, 2, 3], dtype: 'F16' }], metadata));
  return p;
}

describe('file hashes', () => {
  it('sha256 / AutoV2 / sshs hashes match independent computations', async () => {
    const p = bigFile('big.safetensors', { ss_network_dim: '4' });
    const bytes = new Uint8Array(readFileSync(p));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const h = await computeFileHashes(p);
    expect(h.sha256).toBe(sha(bytes));
    if (hasSha256sum()) expect(h.sha256).toBe(execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0]);
    expect(h.autoV2).toBe(h.sha256.slice(0, 10));
    expect(h.sshsModelHash).toBe(sha(bytes.subarray(8 + headerLength)));
    expect(h.sshsLegacyHash).toBe(sha(bytes.subarray(0x100000, 0x110000)).slice(0, 8));
    expect(await sha256File(p)).toBe(h.sha256);
    expect(await sshsModelHash(p)).toBe(h.sshsModelHash);
    expect(await sshsLegacyHash(p)).toBe(h.sshsLegacyHash);
    expect(autoV2('0123456789abcdef')).toBe('0123456789');
  });

  it('sshs_model_hash ignores metadata; sha256 does not', async () => {
    const a = await computeFileHashes(bigFile('meta-a.safetensors', { ss_a: '1' }));
    const b = await computeFileHashes(bigFile('meta-b.safetensors', { ss_a: '2', other: 'x'.repeat(100) }));
    expect(a.sshsModelHash).toBe(b.sshsModelHash);
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('small files: legacy hash of an empty window; a non-safetensors file has no sshs hash', async () => {
    const small = path.join(dir, 'small.safetensors');
    writeFileSync(small, safetensorsBytes([{ name: 'w', shape: [2], data: [1, 2] }]));
    const h = await computeFileHashes(small);
    expect(h.sshsLegacyHash).toBe('e3b0c442');
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'hello world');
    const t = await computeFileHashes(text);
    expect(t.sha256).toBe(sha(new TextEncoder().encode('hello world')));
    expect(t.sshsModelHash).toBeUndefined();
    await expectIOError(sshsModelHash(text), 'unknown-format', [text, 'no safetensors header']);
    const empty = path.join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect((await computeFileHashes(empty)).sha256).toBe(sha(new Uint8Array(0)));
  });

  it('reports progress and stops on an AbortSignal', async () => {
    const p = bigFile('progress.safetensors');
    const seen: number[] = [];
    await computeFileHashes(p, { onProgress: (done, total) => seen.push(done / total) });
    expect(seen[seen.length - 1]).toBe(1);
    const ctl = new AbortController();
    ctl.abort();
    await expect(computeFileHashes(p, { signal: ctl.signal })).rejects.toBeInstanceOf(CancelledError);
    await expect(sshsModelHash(p, { signal: ctl.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('names a missing file', async () => {
    await expectIOError(computeFileHashes(path.join(dir, 'missing.safetensors')), 'not-found', ['missing.safetensors']);
  });
});

describe('hash cache', () => {
  it('defaults: LORA_STUDIO_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultHashCacheDir({ LORA_STUDIO_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(defaultHashCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(path.join('/x', 'lora-studio'));
    expect(defaultHashCacheDir({})).toMatch(/\.cache[/\\]lora-studio$|lora-studio[/\\]cache$/);
  });

  it('hashes once; a changed size, mtime or inode is a miss', async () => {
    const cache = new HashCache(path.join(tempDir('cache'), 'nested'));
    const p = bigFile('cached.safetensors');
    const first = await getFileHashes(p, { cache });
    expect(existsSync(cache.file)).toBe(true);
    expect(await cache.get(p)).toEqual(first);

    // A cache hit does not read the file: prove it by giving the cached entry a value no hash could have.
    await cache.set(p, { ...first, sha256: 'from-cache' });
    expect((await getFileHashes(p, { cache })).sha256).toBe('from-cache');

    const st = statSync(p);
    utimesSync(p, st.atime, new Date(st.mtimeMs + 5000));
    expect(await cache.get(p)).toBeUndefined();
    expect((await getFileHashes(p, { cache })).sha256).toBe(first.sha256);

    // Same bytes, same mtime, new inode (a file replaced by rename): a miss.
    const copy = path.join(dir, 'copy.tmp');
    copyFileSync(p, copy);
    const st2 = statSync(p);
    utimesSync(copy, st2.atime, st2.mtime);
    renameSync(copy, p);
    expect(await cache.get(p)).toBeUndefined();
  });

  it('without the data-section hash: one sha256 stream, the same sha256; such an entry serves only requests that skip it', async () => {
    const cache = new HashCache(tempDir('cache-data'));
    const p = bigFile('checkpoint-like.safetensors');
    const bytes = new Uint8Array(readFileSync(p));
    const light = await getFileHashes(p, { cache, dataHash: false });
    expect(light.sha256).toBe(sha(bytes));
    expect(light.sshsLegacyHash).toBe(sha(bytes.subarray(0x100000, 0x110000)).slice(0, 8));
    expect(light.sshsModelHash).toBeUndefined();
    expect(await cache.get(p, { dataHash: false })).toEqual(light);
    expect(await cache.get(p)).toBeUndefined();

    // A request that needs the data-section hash computes it and replaces the entry, which then serves both.
    const full = await getFileHashes(p, { cache });
    expect(full.sshsModelHash).toBe(sha(bytes.subarray(8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    expect(await cache.get(p)).toEqual(full);
    await cache.set(p, { ...full, sha256: 'from-cache' });
    expect((await getFileHashes(p, { cache, dataHash: false })).sha256).toBe('from-cache');
  });

  it('keys by real path, survives a corrupt cache file, and can be bypassed', async () => {
    const cacheDir = tempDir('cache2');
    const cache = new HashCache(cacheDir);
    writeFileSync(cache.file, '{not json');
    const p = bigFile('real.safetensors');
    const h = await getFileHashes(p, { cache });
    const viaRelative = await cache.get(path.relative(process.cwd(), p));
    expect(viaRelative).toEqual(h);
    const stored = JSON.parse(readFileSync(cache.file, 'utf8')) as { version: number; entries: Record<string, unknown> };
    expect(stored.version).toBe(1);
    expect(Object.keys(stored.entries)).toEqual([p]);
    const other = new HashCache(tempDir('cache3'));
    await getFileHashes(p, { cache: false });
    expect(existsSync(other.file)).toBe(false);
  });

  it('uses $LORA_STUDIO_CACHE_DIR by default', async () => {
    const cacheDir = tempDir('cache-env');
    const before = process.env.LORA_STUDIO_CACHE_DIR;
    process.env.LORA_STUDIO_CACHE_DIR = cacheDir;
    try {
      await getFileHashes(bigFile('env.safetensors'));
      expect(existsSync(path.join(cacheDir, 'hashes.json'))).toBe(true);
    } finally {
      if (before === undefined) delete process.env.LORA_STUDIO_CACHE_DIR;
      else process.env.LORA_STUDIO_CACHE_DIR = before;
    }
  });
});

describe.skipIf(!existsSync(realFixtures))('hashes of a real LoRA file', () => {
  it('sd15-diffusers-attnproc-lora.safetensors: agrees with sha256sum and with a direct computation', async () => {
    const p = path.join(realFixtures, 'sd15-diffusers-attnproc-lora.safetensors');
    const bytes = new Uint8Array(readFileSync(p));
    const h = await computeFileHashes(p);
    if (hasSha256sum()) expect(h.sha256).toBe(execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0]);
    expect(h.sshsModelHash).toBe(sha(bytes.subarray(8 + 38592)));
    expect(h.sshsLegacyHash).toBe(sha(bytes.subarray(0x100000, 0x110000)).slice(0, 8));
  });
});
