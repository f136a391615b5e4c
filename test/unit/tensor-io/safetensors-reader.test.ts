import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { MAX_HEADER_BYTES } from '../../../main/engine/tensor-io/safetensors-header.js';
import { safetensorsBytes, writeSafetensors } from '../../helpers/safetensors.js';
import { expectIOError, rawSafetensors, tempDir } from './helpers.js';

const dir = tempDir('reader');
let n = 0;
function file(bytes: Uint8Array): string {
  const p = path.join(dir, `f${n++}.safetensors`);
  writeFileSync(p, bytes);
  return p;
}

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

describe('SafetensorsFile', () => {
  it('reads tensors one at a time with their dtype decoded', async () => {
    const p = writeSafetensors(path.join(dir, 'a.safetensors'), [
      { name: 'a', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'b', shape: [3], data: [0.5, -2, 65504], dtype: 'F16' },
      { name: 'c', shape: [2], data: [1.5, -3], dtype: 'BF16' },
      { name: 'd', shape: [2], data: [448, -0.0625], dtype: 'F8_E4M3' },
      { name: 'i', shape: [2], data: new Uint8Array(new BigInt64Array([7n, -1n]).buffer), dtype: 'I64' },
    ], { format: 'pt' });
    const f = await SafetensorsFile.open(p);
    try {
      expect(f.metadata).toEqual({ format: 'pt' });
      expect(f.entries.map((e) => e.name)).toEqual(['a', 'b', 'c', 'd', 'i']);
      expect(f.dataStart % 8).toBe(0);
      expect(Array.from(await f.readFloat32('a'))).toEqual([1, 2, 3, 4]);
      expect(Array.from(await f.readFloat32('b'))).toEqual([0.5, -2, 65504]);
      expect(Array.from(await f.readFloat32('c'))).toEqual([1.5, -3]);
      expect(Array.from(await f.readFloat32('d'))).toEqual([448, -0.0625]);
      const raw = await f.readBytes('i');
      expect(Array.from(new BigInt64Array(raw.slice().buffer))).toEqual([7n, -1n]);
      await expectIOError(f.readFloat32('i'), 'bad-dtype', ['"i"', 'I64', p]);
      await expectIOError(f.readBytes('nope'), 'unknown-tensor', ['"nope"', p]);
    } finally {
      await f.close();
    }
  });

  it('reads into a caller buffer and refuses one of the wrong size', async () => {
    const p = file(safetensorsBytes([{ name: 'w', shape: [3], data: [1, 2, 3] }]));
    const f = await SafetensorsFile.open(p);
    const buf = new Uint8Array(12);
    expect(await f.readBytes('w', buf)).toBe(buf);
    expect(Array.from(new Float32Array(buf.buffer))).toEqual([1, 2, 3]);
    await expectIOError(f.readBytes('w', new Uint8Array(8)), 'read-failed', ['12 bytes', 'holds 8']);
    await f.close();
    await f.close();
    await expectIOError(f.readBytes('w'), 'read-failed', ['closed']);
  });

  it('keeps a metadata key named __proto__ as data', async () => {
    const p = file(rawSafetensors({ __metadata__: JSON.parse('{"__proto__": "x", "a": "b"}') as unknown }, undefined, '{"__metadata__":{"__proto__":"x","a":"b"}}'));
    const f = await SafetensorsFile.open(p);
    expect(Object.getPrototypeOf(f.metadata)).toBe(Object.prototype);
    expect(Object.keys(f.metadata)).toEqual(['__proto__', 'a']);
    expect(f.metadata['__proto__']).toBe('x');
    await f.close();
  });

  it('accepts null metadata, an empty file header, zero-size tensors and gaps between tensors', async () => {
    const data = new Uint8Array(24);
    data.set(f32([1, 2]), 0);
    data.set(f32([3, 4]), 16);
    const p = file(rawSafetensors({ __metadata__: null, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, z: { dtype: 'F32', shape: [0, 5], data_offsets: [8, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [16, 24] } }, data));
    const f = await SafetensorsFile.open(p);
    expect(f.metadata).toEqual({});
    expect(Array.from(await f.readFloat32('b'))).toEqual([3, 4]);
    expect((await f.readFloat32('z')).length).toBe(0);
    await f.close();
    const empty = await SafetensorsFile.open(file(rawSafetensors({})));
    expect(empty.entries).toEqual([]);
    await empty.close();
  });
});

describe('every parser error names the file (and the tensor)', () => {
  const entry = (o: Record<string, unknown>) => ({ dtype: 'F32', shape: [2], data_offsets: [0, 8], ...o });
  const eight = new Uint8Array(8);

  it('not-found, not-a-file', async () => {
    await expectIOError(SafetensorsFile.open(path.join(dir, 'missing.safetensors')), 'not-found', ['missing.safetensors', 'ENOENT']);
    const sub = path.join(dir, 'adir');
    mkdirSync(sub, { recursive: true });
    await expectIOError(SafetensorsFile.open(sub), 'not-a-file', [sub, 'directory']);
  });

  it('too-small', async () => {
    const p = file(new Uint8Array(5));
    await expectIOError(SafetensorsFile.open(p), 'too-small', [p, '5 bytes']);
  });

  it('header-too-large', async () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES) + 1n, true);
    const p = file(b);
    await expectIOError(SafetensorsFile.open(p), 'header-too-large', [p, String(MAX_HEADER_BYTES)]);
    new DataView(b.buffer).setBigUint64(0, 0xffffffffffffffffn, true);
    await expectIOError(SafetensorsFile.open(file(b)), 'header-too-large', ['18446744073709551615']);
  });

  it('header-truncated', async () => {
    const b = rawSafetensors({ a: entry({}) }, eight).subarray(0, 20);
    const p = file(b);
    await expectIOError(SafetensorsFile.open(p), 'header-truncated', [p, 'only 12']);
  });

  it('header-not-json (bad JSON and bad UTF-8)', async () => {
    await expectIOError(SafetensorsFile.open(file(rawSafetensors(null, undefined, '{"a": '))), 'header-not-json', ['not valid UTF-8 JSON']);
    const bad = rawSafetensors(null, undefined, '{"a":"xx"}');
    bad[14] = 0xff;
    await expectIOError(SafetensorsFile.open(file(bad)), 'header-not-json');
  });

  it('header-not-object', async () => {
    await expectIOError(SafetensorsFile.open(file(rawSafetensors([1, 2]))), 'header-not-object', ['an array']);
    await expectIOError(SafetensorsFile.open(file(rawSafetensors('s'))), 'header-not-object', ['a string']);
    await expectIOError(SafetensorsFile.open(file(rawSafetensors(null))), 'header-not-object', ['null']);
  });

  it('bad-metadata', async () => {
    const p = file(rawSafetensors({ __metadata__: { ok: 'x', n: 3 } }));
    await expectIOError(SafetensorsFile.open(p), 'bad-metadata', [p, '"n"', 'not a string']);
    await expectIOError(SafetensorsFile.open(file(rawSafetensors({ __metadata__: ['a'] }))), 'bad-metadata', ['not an object']);
  });

  it('bad-entry, bad-dtype, bad-shape, bad-offsets, size-mismatch name the tensor', async () => {
    const cases: Array<[unknown, string, string[]]> = [
      [5, 'bad-entry', ['"t"']],
      [entry({ dtype: 'F12' }), 'bad-dtype', ['"t"', '"F12"']],
      [entry({ dtype: undefined }), 'bad-dtype', ['"t"']],
      [entry({ shape: [2, -1] }), 'bad-shape', ['"t"', '[2,-1]']],
      [entry({ shape: [1.5] }), 'bad-shape', ['"t"']],
      [entry({ shape: 'x' }), 'bad-shape', ['"t"']],
      [entry({ data_offsets: [8, 0] }), 'bad-offsets', ['"t"', '[8,0]']],
      [entry({ data_offsets: [0] }), 'bad-offsets', ['"t"']],
      [entry({ data_offsets: [0, 2 ** 60] }), 'bad-offsets', ['"t"']],
      [entry({ shape: [3] }), 'size-mismatch', ['"t"', 'needs 12 bytes', 'span 8']],
      [entry({ shape: [2 ** 40, 2 ** 40] }), 'size-mismatch', ['"t"']],
    ];
    for (const [raw, code, parts] of cases) {
      const p = file(rawSafetensors({ t: raw }, eight));
      const e = await expectIOError(SafetensorsFile.open(p), code as never, [p, ...parts]);
      expect(e.tensor).toBe('t');
    }
  });

  it('out-of-bounds', async () => {
    const p = file(rawSafetensors({ w: entry({ shape: [4], data_offsets: [0, 16] }) }, eight));
    const e = await expectIOError(SafetensorsFile.open(p), 'out-of-bounds', [p, '"w"', '8-byte data section']);
    expect(e.tensor).toBe('w');
    expect(e.hint).toMatch(/download or copy it again/);
  });

  it('overlap, including one hidden behind a zero-length tensor', async () => {
    const data = new Uint8Array(32);
    const direct = file(rawSafetensors({ a: entry({ shape: [4], data_offsets: [0, 16] }), b: entry({ data_offsets: [8, 16] }) }, data));
    await expectIOError(SafetensorsFile.open(direct), 'overlap', [direct, '"a"', '"b"']);
    const hidden = file(rawSafetensors({
      big: entry({ shape: [6], data_offsets: [0, 24] }),
      empty: entry({ shape: [0], data_offsets: [4, 4] }),
      late: entry({ data_offsets: [16, 24] }),
    }, data));
    await expectIOError(SafetensorsFile.open(hidden), 'overlap', ['"big"', '"late"']);
  });

  it('read-failed when the file shrinks after opening', async () => {
    const p = file(safetensorsBytes([{ name: 'w', shape: [4], data: [1, 2, 3, 4] }]));
    const f = await SafetensorsFile.open(p);
    const bytes = safetensorsBytes([{ name: 'w', shape: [4], data: [1, 2, 3, 4] }]);
    writeFileSync(p, bytes.subarray(0, bytes.byteLength - 4));
    const e = await expectIOError(f.readBytes('w'), 'read-failed', [p, '"w"', 'unexpected end of file']);
    expect(e.tensor).toBe('w');
    await f.close();
  });
});

describe('special files', () => {
  it.skipIf(process.platform === 'win32')('a FIFO is refused without blocking', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = path.join(dir, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    await expectIOError(SafetensorsFile.open(fifo), 'not-a-file', [fifo, 'not a regular file']);
  });
});
