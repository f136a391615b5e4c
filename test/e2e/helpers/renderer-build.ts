/**
 * Makes sure dist/renderer is built from the current sources before an e2e test serves it. Several test
 * files may ask at once (vitest runs two workers): a lock directory makes one of them build while the
 * others wait, then they see a fresh build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../helpers/cli.js';

const LOCK = path.join(repoRoot, 'dist', '.renderer-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

function newest(dir: string): number {
  let latest = 0;
  const walk = (p: string): void => {
    const info = statSync(p);
    if (info.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') walk(path.join(p, name));
    } else if (info.mtimeMs > latest) latest = info.mtimeMs;
  };
  if (existsSync(dir)) walk(dir);
  return latest;
}

export function rendererIsFresh(): boolean {
  const index = path.join(repoRoot, 'dist', 'renderer', 'index.html');
  if (!existsSync(index)) return false;
  return statSync(index).mtimeMs >= Math.max(newest(path.join(repoRoot, 'renderer')), newest(path.join(repoRoot, 'shared')));
}

export async function ensureRendererBuilt(): Promise<void> {
  if (!existsSync(path.join(repoRoot, 'renderer', 'index.html'))) throw new Error('renderer/index.html does not exist: the UI is not part of this checkout.');
  for (;;) {
    if (rendererIsFresh()) return;
    try {
      mkdirSync(path.dirname(LOCK), { recursive: true });
      mkdirSync(LOCK);
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (!rendererIsFresh()) await promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), 'renderer', '--quiet'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
    return;
  }
}
