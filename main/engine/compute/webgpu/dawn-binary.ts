/**
 * Where Dawn's native binary (dawn.node of the npm package `webgpu`) is for a platform, the way the package's
 * own loader (webgpu/index.js) picks it: dist/<platform>-<arch>/dawn.node, one universal build for macOS. In the
 * packaged app the folder is unpacked from the asar (electron-builder.yml asarUnpack: node_modules/webgpu/dist/**):
 * Electron loads a native module from app.asar.unpacked, and on Windows the DLLs beside it must be real files.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { moduleLocation } from '../module-location.js';
import { unpackedFromAsar } from '../wasm-paths.js';

/** The platforms Dawn's package ships a binary for (and the app is packaged for). */
export const DAWN_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64'] as const;

/** "linux-x64", "darwin-universal", "win32-arm64", … */
export function dawnTarget(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return platform === 'darwin' ? 'darwin-universal' : `${platform}-${arch}`;
}

export interface DawnBinary {
  /** The dawn.node this platform loads (the unpacked copy inside a packaged app). */
  file: string;
  exists: boolean;
}

/** The binary of `webgpu` installed next to the engine (node_modules, or the packaged app's). */
export function dawnBinary(platform?: NodeJS.Platform, arch?: string): DawnBinary {
  const require = createRequire(moduleLocation());
  const pkg = path.dirname(require.resolve('webgpu/package.json'));
  const file = unpackedFromAsar(path.join(pkg, 'dist', dawnTarget(platform, arch))) + `${path.sep}dawn.node`;
  return { file, exists: existsSync(file) };
}
