import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, selectBackend, currentBackend } from '../../../main/engine/compute/backend.js';
import { EngineError } from '../../../main/engine/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-backend-'));
function moduleFile(name: string, source: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return pathToFileURL(file).href;
}
const missing = { webgpu: '@lora-studio/no-such-webgpu', 'node-gpu': '@lora-studio/no-such-native-gpu', node: '@lora-studio/no-such-native' };

describe('process hygiene', () => {
  // First in the file: the wasm module is instantiated once per process, here.
  it('leaves no rethrowing crash handlers behind (emscripten installs some)', async () => {
    const before = [process.listeners('uncaughtException').length, process.listeners('unhandledRejection').length];
    await selectBackend({ prefer: 'wasm', wasmDir: undefined });
    expect([process.listeners('uncaughtException').length, process.listeners('unhandledRejection').length]).toEqual(before);
  });
});

describe('selectBackend', () => {
  it('falls through the absent native packages to WebAssembly with SIMD', async () => {
    const info = await selectBackend({ nativeModules: missing });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(1);
    expect(info.detail).toMatch(/WebAssembly \(SIMD, 1 thread\)/);
    expect(info.skipped.map((s) => s.name)).toEqual(['webgpu', 'node-gpu', 'node']);
    // auto: no GPU device node here (or, on a machine with one, the missing binding).
    expect(info.skipped[0]!.reason).toMatch(/^(no GPU device on this machine|Dawn's binding \(@lora-studio\/no-such-webgpu\) failed to load)/);
    for (const s of info.skipped.slice(1)) expect(s.reason).toMatch(/^not installed/);
  });

  it('--backend webgpu with the binding missing: says so and goes on down the chain', async () => {
    const info = await selectBackend({ prefer: 'webgpu', nativeModules: missing });
    expect(info.name).toBe('wasm');
    expect(info.skipped[0]!.reason).toMatch(/^Dawn's binding \(@lora-studio\/no-such-webgpu\) failed to load: /);
  });

  it('the real optional packages are absent here and reported as such', async () => {
    const info = await selectBackend();
    expect(info.skipped.find((s) => s.name === 'node')?.reason).toContain('npm install @tensorflow/tfjs-node');
  });

  it('reports a native package that is installed but broken, and goes on', async () => {
    const broken = moduleFile('broken.mjs', "throw new Error('libtensorflow.so.2: cannot open shared object file');\n");
    const info = await selectBackend({ nativeModules: { ...missing, node: broken } });
    expect(info.name).toBe('wasm');
    expect(info.skipped.find((s) => s.name === 'node')?.reason).toBe('installed but failed to load: libtensorflow.so.2: cannot open shared object file');
  });

  it('reports a native package that loads but registers no backend', async () => {
    const inert = moduleFile('inert.mjs', 'export const nothing = 1;\n');
    const info = await selectBackend({ nativeModules: { ...missing, 'node-gpu': inert } });
    expect(info.skipped[1]!.reason).toMatch(/registered no 'tensorflow' backend/);
  });

  it('falls back to plain JS when the wasm binaries are missing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ls-nowasm-'));
    const info = await selectBackend({ nativeModules: missing, wasmDir: empty });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.skipped.find((s) => s.name === 'wasm')?.reason).toBe(`tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm not found in ${empty} (from option)`);
  });

  it('starts the chain at the preferred backend', async () => {
    const info = await selectBackend({ prefer: 'cpu' });
    expect(info.name).toBe('cpu');
    expect(info.skipped.map((s) => s.reason)).toEqual(Array(4).fill('not tried: cpu was preferred'));
  });

  it('refuses an unknown preference with a hint', async () => {
    const err = await selectBackend({ prefer: 'gpu' as 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('bad-backend');
    expect((err as EngineError).hint).toContain('auto, webgpu, node-gpu, node, wasm, cpu');
  });
});

describe('initBackend', () => {
  it('initialises once and returns the same answer to every later call', async () => {
    const first = await initBackend({ prefer: 'wasm' });
    const second = await initBackend({ prefer: 'cpu' });
    expect(second).toBe(first);
    expect(currentBackend()).toBe(first);
    expect(first.name).toBe('wasm');
  });
});
