import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { moduleLocation } from './module-location.js';

export const WASM_BINARY = 'tfjs-backend-wasm-simd.wasm';
const WASM_BINARIES = ['tfjs-backend-wasm.wasm', WASM_BINARY];

export interface WasmDirChoice {
  dir: string;
  source: 'option' | 'env' | 'node_modules';
}

/**
 * Where the tfjs wasm binaries are: an explicit option, then LORA_STUDIO_WASM_DIR (the packaged app sets it
 * to the folder unpacked from the asar), then the installed @tensorflow/tfjs-backend-wasm package.
 */
export function resolveWasmDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): WasmDirChoice {
  if (explicit) return { dir: path.resolve(explicit), source: 'option' };
  const fromEnv = env.LORA_STUDIO_WASM_DIR;
  if (fromEnv) return { dir: path.resolve(fromEnv), source: 'env' };
  const require = createRequire(moduleLocation());
  const pkgJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return { dir: unpackedFromAsar(path.join(path.dirname(pkgJson), 'dist')), source: 'node_modules' };
}

/** Inside an Electron asar the wasm files cannot be read by emscripten's loader: use the unpacked copy. */
export function unpackedFromAsar(dir: string): string {
  const marker = `${path.sep}app.asar${path.sep}`;
  if (!dir.includes(marker)) return dir;
  const unpacked = dir.replace(marker, `${path.sep}app.asar.unpacked${path.sep}`);
  return existsSync(unpacked) ? unpacked : dir;
}

/** The binaries this directory lacks (empty when it is usable). */
export function missingWasmBinaries(dir: string): string[] {
  return WASM_BINARIES.filter((f) => !existsSync(path.join(dir, f)));
}
