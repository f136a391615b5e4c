import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { TensorIOError } from '../../../main/engine/tensor-io/errors.js';
import { safetensorsBytes, writeSafetensors } from '../../helpers/safetensors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-reader-'));

describe('SafetensorsFile', () => {
  it('reads tensors one at a time with their dtype decoded', async () => {
    const file = writeSafetensors(path.join(dir, 'a.safetensors'), [
      { name: 'a', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'b', shape: [3], data: [0.5, -2, 65504], dtype: 'F16' },
      { name: 'c', shape: [2], data: [1.5, -3], dtype: 'BF16' },
    ], { format: 'pt' });
    const f = await SafetensorsFile.open(file);
    try {
      expect(f.metadata).toEqual({ format: 'pt' });
      expect(f.entries.map((e) => e.name)).toEqual(['a', 'b', 'c']);
      expect(Array.from(await f.readFloat32('a'))).toEqual([1, 2, 3, 4]);
      expect(Array.from(await f.readFloat32('b'))).toEqual([0.5, -2, 65504]);
      expect(Array.from(await f.readFloat32('c'))).toEqual([1.5, -3]);
    } finally {
      await f.close();
    }
  });

  it('names the file and tensor when a tensor runs past the end', async () => {
    const bytes = safetensorsBytes([{ name: 'w', shape: [4], data: [1, 2, 3, 4] }]);
    const file = path.join(dir, 'truncated.safetensors');
    writeFileSync(file, bytes.subarray(0, bytes.byteLength - 4));
    const err = await SafetensorsFile.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TensorIOError);
    expect((err as TensorIOError).code).toBe('out-of-bounds');
    expect((err as TensorIOError).message).toContain(file);
    expect((err as TensorIOError).tensor).toBe('w');
  });
});
