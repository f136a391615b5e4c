import { truncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTensorBytes, readTensorBytesSync } from '../../../main/engine/tensor-io/positional-read.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { randomValues, writeSafetensors } from '../../helpers/safetensors.js';
import { expectIOError, tempDir } from './helpers.js';

const dir = tempDir('pread');

describe('readTensorBytesSync / readTensorBytes', () => {
  const values = randomValues(1000, 3);
  const file = writeSafetensors(path.join(dir, 'm.safetensors'), [
    { name: 'first', shape: [3], data: [1, 2, 3] },
    { name: 'big', shape: [10, 100], data: values, dtype: 'F16' },
    { name: 'empty', shape: [0], data: [] },
  ]);

  it('read the bytes at the entry offset, sync and async, into a new or a given buffer', async () => {
    const src = await SafetensorsFile.open(file);
    const big = src.get('big')!;
    const expected = await src.readBytes('big');
    expect(readTensorBytesSync(big)).toEqual(expected);
    expect(await readTensorBytes(big)).toEqual(expected);
    const into = new Uint8Array(big.byteLength);
    expect(readTensorBytesSync(big, into)).toBe(into);
    const into2 = new Uint8Array(big.byteLength);
    expect(await readTensorBytes(big, into2)).toBe(into2);
    expect(into2).toEqual(expected);
    expect(readTensorBytesSync(src.get('empty')!).byteLength).toBe(0);
    expect(Array.from(new Float32Array(readTensorBytesSync(src.get('first')!).buffer))).toEqual([1, 2, 3]);
    await src.close();
  });

  it('refuse a buffer of the wrong size, a missing file and a truncated one, naming file and tensor', async () => {
    const src = await SafetensorsFile.open(file);
    const big = src.get('big')!;
    await src.close();
    expect(() => readTensorBytesSync(big, new Uint8Array(3))).toThrow(/holds 3/);
    await expectIOError(() => readTensorBytesSync({ ...big, file: path.join(dir, 'gone.safetensors') }), 'read-failed', ['gone.safetensors', '"big"', 'ENOENT']);
    await expectIOError(readTensorBytes({ ...big, file: path.join(dir, 'gone.safetensors') }), 'read-failed', ['"big"']);
    truncateSync(file, big.dataOffset + 10);
    const e = await expectIOError(() => readTensorBytesSync(big), 'read-failed', [file, '"big"', 'unexpected end of file']);
    expect(e.tensor).toBe('big');
    await expectIOError(readTensorBytes(big), 'read-failed', ['unexpected end of file']);
  });
});
