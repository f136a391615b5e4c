/**
 * Loads the engine's compiled WebAssembly kernels: dist/kernels/<name>.wasm, compiled from the AssemblyScript
 * sources in the kernels' assembly/ folders by scripts/wasm-kernels.mjs (run by `node scripts/build.mjs main`).
 * They are found from the running file upward (the TypeScript sources, dist/*.js, dist/electron/*.cjs, the
 * packaged app, where they are unpacked from the asar).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../../errors.js';
import { moduleLocation } from '../../compute/module-location.js';
import { unpackedFromAsar } from '../../compute/wasm-paths.js';

/** The parts of the WebAssembly API used here (main/ compiles without the DOM lib that declares it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The nearest dist/kernels/<file> above the running file. */
export function kernelBinaryPath(file: string, from: string = path.dirname(fileURLToPath(moduleLocation()))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'kernels', file);
    if (existsSync(candidate)) return unpackedFromAsar(candidate);
    if (path.dirname(dir) === dir) {
      throw new EngineError('kernels-not-built', `The WebAssembly kernel ${file} was not found in a dist/kernels folder above ${from}.`, {
        hint: 'Build it from its AssemblyScript source: `node scripts/build.mjs main` (npm start and the tests do this).',
      });
    }
  }
}

/**
 * The exports of the kernel module in dist/kernels/<file>, or null where WebAssembly or its SIMD is
 * unavailable (the callers take their JS paths then). A missing binary is an error: the build was skipped.
 */
export function instantiateKernels(file: string): Record<string, unknown> | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return null;
  const bytes = readFileSync(kernelBinaryPath(file));
  try {
    return new api.Instance(new api.Module(bytes), {}).exports;
  } catch {
    return null;
  }
}

/** The memory, grown to at least `bytes`; views on it are invalid after the next growth. */
export function grownMemory(memory: WasmMemory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
  return memory.buffer;
}
