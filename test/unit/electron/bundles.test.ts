/**
 * The built Electron bundles (vitest's global setup runs scripts/build.mjs main): the sandboxed preload may
 * require nothing but electron, and the main-process bundles only Node built-ins, electron and the app's
 * production dependencies (what electron-builder packs).
 */
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const bundle = (name: string) => path.join(repoRoot, 'dist', 'electron', name);
const requires = (file: string): string[] => [...new Set([...readFileSync(file, 'utf8').matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]!))];
const packageName = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

describe('Electron bundles', () => {
  it('the preload requires only electron', () => {
    expect(requires(bundle('preload.cjs'))).toEqual(['electron']);
  });

  it.each(['main.cjs', 'engine-host.cjs'])('%s requires only built-ins, electron and production dependencies', (name) => {
    const file = bundle(name);
    if (!existsSync(file)) return;
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies?: Record<string, string> };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {}), 'electron']);
    for (const spec of requires(file)) {
      const builtin = spec.startsWith('node:') || builtinModules.includes(spec);
      expect(builtin || allowed.has(packageName(spec)), `${name} requires ${spec}`).toBe(true);
    }
  });
});
