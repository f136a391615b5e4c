/**
 * Adapters opened by path inside one thread (a worker keeps them across tasks of a bake). Keyed by path,
 * size and mtime, so a file replaced on disk is re-read.
 */
import { statSync } from 'node:fs';
import { EngineError } from '../errors.js';
import { loadAdapter } from './load-adapter.js';
import type { AdapterModule, LoadedAdapter } from './types.js';

interface Entry {
  stamp: string;
  adapter: Promise<LoadedAdapter>;
  byName?: Map<string, AdapterModule>;
}

const cache = new Map<string, Entry>();
const MAX_OPEN = 64;

function stampOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return 'missing';
  }
}

export async function cachedAdapter(path: string): Promise<LoadedAdapter> {
  const stamp = stampOf(path);
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit.adapter;
  if (hit) void hit.adapter.then((a) => a.source.close()).catch(() => undefined);
  if (cache.size >= MAX_OPEN) await closeCachedAdapters();
  const entry: Entry = { stamp, adapter: loadAdapter(path) };
  cache.set(path, entry);
  entry.adapter.catch(() => cache.delete(path));
  return entry.adapter;
}

export async function cachedModule(path: string, name: string): Promise<{ adapter: LoadedAdapter; module: AdapterModule }> {
  const adapter = await cachedAdapter(path);
  const entry = cache.get(path)!;
  entry.byName ??= new Map(adapter.modules.map((m) => [m.name, m]));
  const module = entry.byName.get(name);
  if (!module) throw new EngineError('unknown-module', `${path}: has no module "${name}" (was the file changed while running?).`, { file: path, module: name });
  return { adapter, module };
}

export async function closeCachedAdapters(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  await Promise.all(entries.map((e) => e.adapter.then((a) => a.source.close()).catch(() => undefined)));
}
