import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingWasmBinaries, resolveWasmDir, unpackedFromAsar, WASM_BINARY } from '../../../main/engine/compute/wasm-paths.js';

describe('wasm binary location', () => {
  it('finds the installed package binaries by default', () => {
    const { dir, source } = resolveWasmDir(undefined, {});
    expect(source).toBe('node_modules');
    expect(existsSync(path.join(dir, WASM_BINARY))).toBe(true);
    expect(missingWasmBinaries(dir)).toEqual([]);
  });

  it('an option beats LORA_STUDIO_WASM_DIR, which beats node_modules', () => {
    expect(resolveWasmDir('/opt/a', { LORA_STUDIO_WASM_DIR: '/opt/b' })).toEqual({ dir: path.resolve('/opt/a'), source: 'option' });
    expect(resolveWasmDir(undefined, { LORA_STUDIO_WASM_DIR: '/opt/b' })).toEqual({ dir: path.resolve('/opt/b'), source: 'env' });
  });

  it('uses the asar-unpacked copy when it exists', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ls-asar-'));
    const packed = path.join(root, 'resources', 'app.asar', 'node_modules', 'wasm', 'dist');
    expect(unpackedFromAsar(packed)).toBe(packed);
    const unpacked = path.join(root, 'resources', 'app.asar.unpacked', 'node_modules', 'wasm', 'dist');
    mkdirSync(unpacked, { recursive: true });
    expect(unpackedFromAsar(packed)).toBe(unpacked);
    expect(unpackedFromAsar(unpacked)).toBe(unpacked);
  });
});
