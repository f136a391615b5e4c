/**
 * Where the app's own files are: the package root (found upward from the running file, so it works from
 * the TypeScript sources, from dist/*.js and from dist/electron/*.cjs, inside an asar too), the built
 * renderer, the example graphs and the demo files. LORA_STUDIO_RENDERER_DIR overrides the renderer folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleLocation } from '../../engine/compute/module-location.js';

export interface AppPaths {
  root: string;
  rendererDir: string;
  examplesDir: string;
  demoDir: string;
}

function isOurPackage(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'lora-studio';
  } catch {
    return false;
  }
}

export function findAppRoot(from: string = path.dirname(fileURLToPath(moduleLocation()))): string {
  let dir = from;
  for (;;) {
    if (isOurPackage(dir)) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`LoRA Studio's package.json was not found above ${from}.`);
    dir = up;
  }
}

export function appPaths(root: string = findAppRoot(), env: NodeJS.ProcessEnv = process.env): AppPaths {
  return {
    root,
    rendererDir: env.LORA_STUDIO_RENDERER_DIR ? path.resolve(env.LORA_STUDIO_RENDERER_DIR) : path.join(root, 'dist', 'renderer'),
    examplesDir: path.join(root, 'assets', 'examples'),
    demoDir: path.join(root, 'assets', 'demo'),
  };
}
