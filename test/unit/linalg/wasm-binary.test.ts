import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { kernelBinaryPath } from '../../../main/engine/linalg/kernels/wasm-binary.js';
import { wasmKernels } from '../../../main/engine/linalg/kernels/wasm-kernels.js';
import { KERNEL_DTYPES } from '../../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lora-studio-kernels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The names a compiled module exports, read from the binary the build wrote (the global setup builds them). */
function exportsOf(file: string): Map<string, string> {
  const api = (globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; exports(m: object): { name: string; kind: string }[] } } }).WebAssembly;
  const module = new api.Module(readFileSync(kernelBinaryPath(file)));
  return new Map(api.Module.exports(module).map((e) => [e.name, e.kind]));
}

describe('compiled WebAssembly kernels (dist/kernels, built from the AssemblyScript sources)', () => {
  it('are found from a nested folder upward, and a missing one is an EngineError saying how to build it', () => {
    const nested = path.join(tmp, 'app', 'dist', 'electron');
    mkdirSync(nested, { recursive: true });
    mkdirSync(path.join(tmp, 'app', 'dist', 'kernels'));
    writeFileSync(path.join(tmp, 'app', 'dist', 'kernels', 'k.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d]));
    expect(kernelBinaryPath('k.wasm', nested)).toBe(path.join(tmp, 'app', 'dist', 'kernels', 'k.wasm'));
    let error: unknown;
    try {
      kernelBinaryPath('missing.wasm', nested);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('kernels-not-built');
    expect((error as EngineError).message).toContain('missing.wasm');
    expect((error as EngineError).hint).toContain('scripts/build.mjs main');
  });

  it('linalg-kernels.wasm exports every function of WasmKernels and its memory, which starts empty', () => {
    const names = exportsOf('linalg-kernels.wasm');
    for (const fn of ['gramRows', 'gramCols', 'gemm', 'symvUpper', 'syr2Upper', 'reflect']) expect(names.get(fn)).toBe('function');
    expect(names.get('memory')).toBe('memory');
    // Callers use its memory from address 0: the module must place nothing there.
    const memory = wasmKernels()!.memory;
    expect(new Uint8Array(memory.buffer, 0, 65536).every((b) => b === 0)).toBe(true);
  });

  it('low-rank-bake.wasm exports a bake and a cast for every dtype pair, its memory and its layout constants', () => {
    const names = exportsOf('low-rank-bake.wasm');
    for (const i of KERNEL_DTYPES) {
      for (const o of KERNEL_DTYPES) {
        expect(names.get(`bake_${i}_${o}`)).toBe('function');
        expect(names.get(`cast_${i}_${o}`)).toBe('function');
      }
    }
    for (const g of ['dataStart', 'TILE_ROWS', 'PANEL_COLS']) expect(names.get(g)).toBe('global');
    expect(names.get('memory')).toBe('memory');
  });
});
