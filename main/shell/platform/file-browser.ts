/**
 * Browser mode's file browser (also usable in Electron): lists one folder of the engine machine, folders
 * first, then files matching the filters, with sizes and dates. It reads what the server process may read,
 * which is what the token holder can reach anyway through file params; it never writes.
 */
import { existsSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DirectoryListing, ListDirectoryRequest } from '../../../shared/ipc/files.js';
import { EngineError } from '../../engine/errors.js';

export interface Place {
  label: string;
  path: string;
}

export interface FileBrowserOptions {
  /** Where a request without a path starts (default: home). */
  startDir?: string;
  /** Shortcuts shown beside the listing (home, examples, demo files). */
  places?: Place[];
}

const STAT_BATCH = 64;

function matchesFilters(name: string, filters: ListDirectoryRequest['filters']): boolean {
  if (!filters || filters.length === 0) return true;
  const lower = name.toLowerCase();
  return filters.some((f) => f.extensions.some((ext) => ext === '*' || lower.endsWith(`.${ext.toLowerCase().replace(/^\./, '')}`)));
}

function listingError(e: unknown, dir: string): EngineError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new EngineError('file-not-found', `The folder "${dir}" does not exist.`, { file: dir });
  if (code === 'EACCES' || code === 'EPERM') return new EngineError('permission-denied', `The folder "${dir}" cannot be read: permission denied.`, { file: dir });
  if (code === 'ENOTDIR') return new EngineError('not-a-directory', `"${dir}" is not a folder.`, { file: dir });
  return new EngineError('io-error', `The folder "${dir}" cannot be listed: ${e instanceof Error ? e.message : String(e)}`, { file: dir });
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

async function describe(dir: string, d: Dirent): Promise<DirectoryListing['entries'][number] | null> {
  const full = path.join(dir, d.name);
  const info = await stat(full).catch(() => null);
  if (info === null) return null;
  if (info.isDirectory()) return { name: d.name, path: full, kind: 'directory', modifiedAt: info.mtimeMs };
  if (info.isFile()) return { name: d.name, path: full, kind: 'file', bytes: info.size, modifiedAt: info.mtimeMs };
  return null;
}

export function defaultPlaces(extra: Place[] = []): Place[] {
  const places: Place[] = [{ label: 'Home', path: os.homedir() }, ...extra];
  if (process.platform === 'win32') {
    for (const letter of 'CDEFGHIJ') if (existsSync(`${letter}:\\`)) places.push({ label: `${letter}:`, path: `${letter}:\\` });
  } else {
    places.push({ label: 'Computer', path: '/' });
  }
  return places;
}

export async function listDirectory(request: ListDirectoryRequest = {}, options: FileBrowserOptions = {}): Promise<DirectoryListing> {
  let dir = path.resolve(request.path ?? options.startDir ?? os.homedir());
  const target = await stat(dir).catch((e: unknown) => {
    throw listingError(e, dir);
  });
  if (!target.isDirectory()) dir = path.dirname(dir);
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw listingError(e, dir);
  }
  const visible = dirents.filter((d) => request.showHidden === true || !d.name.startsWith('.'));
  const entries: DirectoryListing['entries'] = [];
  for (let i = 0; i < visible.length; i += STAT_BATCH) {
    const described = await Promise.all(visible.slice(i, i + STAT_BATCH).map((d) => describe(dir, d)));
    for (const e of described) if (e !== null && (e.kind === 'directory' || matchesFilters(e.name, request.filters))) entries.push(e);
  }
  entries.sort((a, b) => (a.kind === b.kind ? byName.compare(a.name, b.name) : a.kind === 'directory' ? -1 : 1));
  const parent = path.dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, entries, places: options.places ?? defaultPlaces() };
}
