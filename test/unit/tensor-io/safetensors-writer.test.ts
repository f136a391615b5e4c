import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../main/engine/errors.js';
import type { DType } from '../../../main/engine/tensor-io/dtypes.js';
import { encodeFloat } from '../../../main/engine/tensor-io/float-convert.js';
import { sshsLegacyHash, sshsModelHash } from '../../../main/engine/tensor-io/hashes.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { createSafetensorsWriter } from '../../../main/engine/tensor-io/safetensors-writer.js';
import { liveTempFiles } from '../../../main/engine/tensor-io/temp-files.js';
import { randomValues, safetensorsBytes, type FixtureTensor } from '../../helpers/safetensors.js';
import { expectIOError, tempDir } from './helpers.js';

const root = tempDir('writer');
let n = 0;
function freshDir(): string {
  const d = path.join(root, `d${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
}

const tensors: FixtureTensor[] = [
  { name: 'model.a.weight', shape: [4, 3], data: randomValues(12, 1), dtype: 'F32' },
  { name: 'model.b.weight', shape: [5], data: randomValues(5, 2), dtype: 'F16' },
  { name: 'model.c.alpha', shape: [], data: [8], dtype: 'BF16' },
  { name: 'model.d.weight', shape: [2, 2], data: [448, -1, 0.5, 3], dtype: 'F8_E4M3' },
  { name: 'model.steps', shape: [2], data: new Uint8Array(new BigInt64Array([5n, 6n]).buffer), dtype: 'I64' },
];
const planOf = (ts: FixtureTensor[]) => ts.map((t) => ({ name: t.name, dtype: (t.dtype ?? 'F32') as DType, shape: t.shape }));
const bytesOf = (t: FixtureTensor) => (t.data instanceof Uint8Array ? t.data : encodeFloat(Float32Array.from(t.data), t.dtype ?? 'F32').slice());

function tempsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.lora-studio-tmp-'));
}

describe('SafetensorsWriter', () => {
  it('streams a file identical to an independently built one, via a hidden temporary file beside the target', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'out.safetensors');
    const w = await createSafetensorsWriter(out, planOf(tensors), { format: 'pt', note: 'héllo' });
    expect(path.dirname(w.tempPath)).toBe(dir);
    expect(path.basename(w.tempPath)).toMatch(/^\.out\.safetensors\.lora-studio-tmp-\d+-[0-9a-f]{12}$/);
    expect(liveTempFiles()).toContain(w.tempPath);
    for (const t of tensors) {
      expect(w.nextTensor).toBe(t.name);
      await w.write(t.name, bytesOf(t));
    }
    expect(existsSync(out)).toBe(false);
    await w.commit();
    expect(liveTempFiles()).not.toContain(w.tempPath);
    expect(tempsIn(dir)).toEqual([]);
    const written = readFileSync(out);
    expect(new Uint8Array(written)).toEqual(safetensorsBytes(tensors, { format: 'pt', note: 'héllo' }));
    const f = await SafetensorsFile.open(out);
    expect(f.dataStart % 8).toBe(0);
    expect(f.metadata).toEqual({ format: 'pt', note: 'héllo' });
    for (const t of tensors) expect(await f.readBytes(t.name)).toEqual(bytesOf(t));
    await f.close();
  });

  it('writes in plan order only, with exact byte lengths, and says what it expected', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'o.safetensors');
    const w = await createSafetensorsWriter(out, planOf(tensors.slice(0, 2)));
    const [a, b] = tensors as [FixtureTensor, FixtureTensor];
    await expectIOError(w.write(b.name, bytesOf(b)), 'write-order', [out, '"model.b.weight" is out of order', '"model.a.weight" comes next']);
    await expectIOError(w.write('stranger', new Uint8Array(4)), 'write-order', ['"stranger" is not in the plan']);
    const e = await expectIOError(w.write(a.name, new Uint8Array(8)), 'size-mismatch', ['"model.a.weight"', 'got 8 bytes', 'needs 48']);
    expect(e.tensor).toBe('model.a.weight');
    await expectIOError(w.commit(), 'write-order', ['cannot commit', '"model.a.weight"']);
    await w.write(a.name, bytesOf(a));
    await w.write(b.name, bytesOf(b));
    await expectIOError(w.write(b.name, bytesOf(b)), 'write-order', ['already written']);
    await w.commit();
    await expectIOError(w.write(a.name, bytesOf(a)), 'writer-closed', ['already committed']);
    await w.abort();
    expect(existsSync(out)).toBe(true);
  });

  it('writes a tensor in chunks, refusing a chunk that overruns', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'chunks.safetensors');
    const big = randomValues(100_000, 4);
    const w = await createSafetensorsWriter(out, [{ name: 'big', dtype: 'F32', shape: [100_000] }, { name: 'tail', dtype: 'F32', shape: [1] }]);
    const bytes = encodeFloat(big, 'F32');
    await w.writeChunk('big', bytes.subarray(0, 1000));
    await expectIOError(w.write('big', bytes), 'size-mismatch', ['after 1000 already written']);
    await expectIOError(w.write('tail', new Uint8Array(4)), 'write-order', ['"big" comes next']);
    await w.writeChunk('big', bytes.subarray(1000, 300_000));
    await expectIOError(w.writeChunk('big', bytes.subarray(0, 200_000)), 'size-mismatch', ['500000 bytes written']);
    await w.writeChunk('big', bytes.subarray(300_000));
    await w.write('tail', new Uint8Array(4));
    await w.commit();
    const f = await SafetensorsFile.open(out);
    expect(await f.readFloat32('big')).toEqual(big);
    await f.close();
  });

  it('accepts writes issued without waiting (queued in call order) and many tiny tensors', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'many.safetensors');
    const count = 1500;
    // Mostly tiny tensors (gathered in the staging buffer), some above the 256 KiB direct-write threshold.
    const plan = Array.from({ length: count }, (_, i) => ({ name: `t${i}`, dtype: 'F32' as const, shape: [i % 50 === 0 ? 70_000 : (i % 5) + 1] }));
    const w = await createSafetensorsWriter(out, plan);
    const pending = plan.map((p, i) => w.write(p.name, encodeFloat(new Float32Array(p.shape[0]!).fill(i), 'F32')));
    await Promise.all(pending);
    await w.commit();
    const f = await SafetensorsFile.open(out);
    for (const i of [0, 1, 2, 50, 777, 1499]) {
      const v = await f.readFloat32(`t${i}`);
      expect(v[0]).toBe(i);
      expect(v[v.length - 1]).toBe(i);
    }
    await f.close();
  });

  it('abort removes the temporary file and leaves an existing target untouched', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'keep.safetensors');
    writeFileSync(out, 'previous');
    const w = await createSafetensorsWriter(out, planOf(tensors.slice(0, 1)));
    await w.write(tensors[0]!.name, bytesOf(tensors[0]!));
    expect(tempsIn(dir)).toHaveLength(1);
    await w.abort();
    await w.abort();
    expect(tempsIn(dir)).toEqual([]);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    await expectIOError(w.commit(), 'writer-closed', ['aborted']);
  });

  it('commit replaces an existing target', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'replace.safetensors');
    writeFileSync(out, 'previous');
    const w = await createSafetensorsWriter(out, []);
    await w.commit();
    expect(readFileSync(out).byteLength).toBeGreaterThan(8);
    const f = await SafetensorsFile.open(out);
    expect(f.entries).toEqual([]);
    await f.close();
  });

  it('stops on an AbortSignal: CancelledError, temporary file removed', async () => {
    const dir = freshDir();
    const ctl = new AbortController();
    const w = await createSafetensorsWriter(path.join(dir, 'stop.safetensors'), planOf(tensors), {}, { signal: ctl.signal });
    await w.write(tensors[0]!.name, bytesOf(tensors[0]!));
    ctl.abort();
    await expect(w.write(tensors[1]!.name, bytesOf(tensors[1]!))).rejects.toBeInstanceOf(CancelledError);
    expect(tempsIn(dir)).toEqual([]);
    expect(existsSync(path.join(dir, 'stop.safetensors'))).toBe(false);
  });

  it('refuses bad plans before creating anything', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'p.safetensors');
    const cases: Array<[unknown[], string]> = [
      [[{ name: 'a', dtype: 'F32', shape: [1] }, { name: 'a', dtype: 'F32', shape: [1] }], 'planned twice'],
      [[{ name: 'a', dtype: 'F31', shape: [1] }], 'unknown dtype'],
      [[{ name: 'a', dtype: 'F32', shape: [-1] }], 'non-negative integers'],
      [[{ name: '__metadata__', dtype: 'F32', shape: [1] }], 'cannot be a tensor name'],
      [[{ name: 'a', dtype: 'F32', shape: [2 ** 30, 2 ** 30] }], 'too large'],
    ];
    for (const [plan, msg] of cases) await expectIOError(createSafetensorsWriter(out, plan as never), 'bad-plan', [out, msg]);
    await expectIOError(createSafetensorsWriter(out, [], { big: 'x'.repeat(100_000_001) }), 'metadata-too-large', ['100000000']);
    await expectIOError(createSafetensorsWriter(out, [], { n: 5 as unknown as string }), 'bad-metadata', ['"n"']);
    await expectIOError(createSafetensorsWriter(path.join(dir, 'no', 'such', 'dir.safetensors'), []), 'write-failed', ['does not exist']);
    await expectIOError(createSafetensorsWriter(dir, []), 'write-failed', ['is a directory']);
    expect(tempsIn(dir)).toEqual([]);
  });
});

describe('output-is-input', () => {
  it('refuses the same path, a relative spelling, a symlinked directory, a symlink and a hard link', async () => {
    const dir = freshDir();
    const input = path.join(dir, 'base.safetensors');
    writeFileSync(input, safetensorsBytes(tensors.slice(0, 1)));
    const plan = planOf(tensors.slice(0, 1));
    await expectIOError(createSafetensorsWriter(input, plan, {}, { inputs: [input] }), 'output-is-input', [input, 'refusing to overwrite']);
    await expectIOError(createSafetensorsWriter(path.relative(process.cwd(), input), plan, {}, { inputs: [input] }), 'output-is-input');
    const linkDir = path.join(root, `link${n++}`);
    symlinkSync(dir, linkDir);
    await expectIOError(createSafetensorsWriter(path.join(linkDir, 'base.safetensors'), plan, {}, { inputs: [input] }), 'output-is-input');
    const sym = path.join(dir, 'sym.safetensors');
    symlinkSync(input, sym);
    await expectIOError(createSafetensorsWriter(sym, plan, {}, { inputs: [input] }), 'output-is-input');
    const hard = path.join(dir, 'hard.safetensors');
    linkSync(input, hard);
    await expectIOError(createSafetensorsWriter(hard, plan, {}, { inputs: [input] }), 'output-is-input', ['the same file under another name']);
    const ok = await createSafetensorsWriter(path.join(dir, 'other.safetensors'), plan, {}, { inputs: [input, path.join(dir, 'missing-input')] });
    await ok.abort();
    expect(tempsIn(dir)).toEqual([]);
  });
});

describe('reserved metadata slots', () => {
  it('are filled in place before commit, before or after the header is written', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'r.safetensors');
    const w = await createSafetensorsWriter(out, planOf(tensors.slice(0, 2)), { ss_network_dim: '8' }, { reserve: { sshs_model_hash: 64 } });
    w.reserveMetadata('late', 10);
    await w.setReservedMetadata('late', 'early"\\');
    await w.write(tensors[0]!.name, bytesOf(tensors[0]!));
    expect(() => w.reserveMetadata('too-late', 4)).toThrow(/after the header was written/);
    await w.write(tensors[1]!.name, bytesOf(tensors[1]!));
    await expectIOError(w.commit(), 'reserved-metadata', ['"sshs_model_hash"', 'never set']);
    await expectIOError(w.setReservedMetadata('sshs_model_hash', 'x'.repeat(65)), 'reserved-metadata', ['needs 65 bytes', 'holds 64']);
    await expectIOError(w.setReservedMetadata('unknown', 'x'), 'reserved-metadata', ['not reserved']);
    await w.setReservedMetadata('sshs_model_hash', 'abc');
    await w.commit();
    const f = await SafetensorsFile.open(out);
    expect(f.metadata).toEqual({ ss_network_dim: '8', sshs_model_hash: 'abc', late: 'early"\\' });
    expect(await f.readBytes(tensors[1]!.name)).toEqual(bytesOf(tensors[1]!));
    await f.close();
  });

  it('a reserved key may not also be given', async () => {
    await expectIOError(createSafetensorsWriter(path.join(freshDir(), 'x.safetensors'), [], { k: 'v' }, { reserve: { k: 4 } }), 'reserved-metadata', ['both given and reserved']);
  });
});

describe('hashes of the output while streaming', () => {
  it('dataSha256 is the sha256 of the bytes after the header (kohya sshs_model_hash); legacyHash matches the file', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'h.safetensors');
    const plan = [{ name: 'x', dtype: 'F32' as const, shape: [300_000] }, { name: 'y', dtype: 'F16' as const, shape: [7] }];
    const w = await createSafetensorsWriter(out, plan, { ss_x: '1' }, { hashData: true, reserve: { sshs_model_hash: 64, sshs_legacy_hash: 8 } });
    expect(() => w.dataSha256()).toThrow(/once every tensor is written/);
    await w.write('x', encodeFloat(randomValues(300_000, 9), 'F32'));
    await w.write('y', encodeFloat(randomValues(7, 10), 'F16'));
    const dataHash = w.dataSha256();
    const legacy = await w.legacyHash();
    await w.setReservedMetadata('sshs_model_hash', dataHash);
    await w.setReservedMetadata('sshs_legacy_hash', legacy);
    await w.commit();
    const bytes = readFileSync(out);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect(dataHash).toBe(createHash('sha256').update(bytes.subarray(8 + headerLength)).digest('hex'));
    expect(dataHash).toBe(await sshsModelHash(out));
    expect(legacy).toBe(createHash('sha256').update(bytes.subarray(0x100000, 0x110000)).digest('hex').slice(0, 8));
    expect(legacy).toBe(await sshsLegacyHash(out));
    const f = await SafetensorsFile.open(out);
    expect(f.metadata.sshs_model_hash).toBe(dataHash);
    await f.close();
  });

  it('without hashData there is no data hash', async () => {
    const w = await createSafetensorsWriter(path.join(freshDir(), 'n.safetensors'), []);
    expect(() => w.dataSha256()).toThrow(/hashData/);
    await w.abort();
  });
});
