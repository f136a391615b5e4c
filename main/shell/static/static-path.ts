/**
 * Maps a URL path onto a file inside the renderer's build folder, refusing anything that would leave it:
 * "..", encoded separators, NUL bytes, absolute or drive-letter paths, and symlinks pointing outside.
 * Shared by browser mode's static files and Electron's app:// protocol.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type StaticLookup = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/** The decoded, normalised relative path, or null when the URL path is not a plain path inside the root. */
export function safeRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (/%2f|%5c/i.test(urlPath)) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.' || /^[A-Za-z]:$/.test(s))) return null;
  return segments.join('/');
}

/** Resolves `urlPath` under `root`; "" and directories map to their index.html. */
export async function resolveStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  const rel = safeRelativePath(urlPath);
  if (rel === null) return { ok: false, status: 400 };
  const rootReal = await realpath(root).catch(() => null);
  if (rootReal === null) return { ok: false, status: 404 };
  let candidate = path.join(rootReal, ...rel.split('/'));
  let real: string;
  try {
    real = await realpath(candidate);
    if ((await stat(real)).isDirectory()) {
      candidate = path.join(real, 'index.html');
      real = await realpath(candidate);
    }
  } catch {
    return { ok: false, status: 404 };
  }
  if (real !== rootReal && !real.startsWith(rootReal + path.sep)) return { ok: false, status: 403 };
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return { ok: false, status: 404 };
  return { ok: true, file: real };
}
