/**
 * TensorWriter.placement / skip: tensors written by someone else (a worker thread) at their place in the
 * temporary file, the writer only moving past them in plan order; and the positional writer workers use.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFloat } from '../../../main/engine/tensor-io/float-convert.js';
import { withTensorReaderSync } from '../../../main/engine/tensor-io/positional-read.js';
import { createWriteLock, withPositionalWriter } from '../../../main/engine/tensor-io/positional-write.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { SafetensorsWriter } from '../../../main/engine/tensor-io/safetensors-writer.js';
import { createShardedWriter } from '../../../main/engine/tensor-io/sharded-writer.js';
import type { TensorWriter } from '../../../main/engine/tensor-io/tensor-writer.js';
import { randomValues } from '../../helpers/safetensors.js';
import { expectIOError, tempDir } from './helpers.js';

const root = tempDir('placement');
let n = 0;
const fresh = (): string => {
  const d = path.join(root, `d${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

// Small tensors (staged by the writer) around big ones (written in place by "workers").
const sizes = [10, 70_000, 5, 90_000, 3];
const plan = sizes.map((len, i) => ({ name: `t${i}`, dtype: 'F32' as const, shape: [len] }));
const values = sizes.map((len, i) => randomValues(len, i + 1));
const bytes = values.map((v) => encodeFloat(v, 'F32').slice());

/** Writes the odd tensors at their placement (in reverse order, in pieces), the even ones through the writer. */
async function writeMixed(w: TensorWriter, beforeCommit?: () => Promise<void>, lock?: SharedArrayBuffer): Promise<void> {
  for (const i of [3, 1]) {
    const { file, offset, byteLength } = w.placement(`t${i}`);
    expect(byteLength).toBe(bytes[i]!.byteLength);
    await withPositionalWriter(file, offset, async (write) => {
      const half = Math.floor(byteLength / 2);
      write(bytes[i]!.subarray(half), half);
      write(bytes[i]!.subarray(0, half), 0);
    }, lock);
    if (lock) expect(new Int32Array(lock)[0]).toBe(0);
  }
  for (let i = 0; i < plan.length; i++) await (i % 2 ? w.skip(`t${i}`) : w.write(`t${i}`, bytes[i]!));
  await beforeCommit?.();
  await w.commit();
}

async function expectContents(files: readonly string[]): Promise<void> {
  const got = new Map<string, Float32Array>();
  for (const f of files.filter((x) => x.endsWith('.safetensors'))) {
    const src = await SafetensorsFile.open(f);
    for (const e of src.entries) got.set(e.name, await src.readFloat32(e.name));
    await src.close();
  }
  plan.forEach((p, i) => expect(got.get(p.name)).toEqual(values[i]));
}

describe('TensorWriter placement and skip', () => {
  it('a single file: tensors written in place by others and skipped in order land where the header says', async () => {
    const out = path.join(fresh(), 'm.safetensors');
    const w = await SafetensorsWriter.create(out, plan, { k: 'v' }, { reserve: { late: 64 } });
    await writeMixed(w, () => w.setReservedMetadata('late', 'filled after the data'));
    await expectContents([out]);
    const src = await SafetensorsFile.open(out);
    expect(src.metadata.late).toBe('filled after the data');
    await src.close();
  });

  it('shards: each placement is in its own shard file', async () => {
    const out = path.join(fresh(), 'm.safetensors');
    const w = await createShardedWriter(out, plan, {}, { maxShardSize: 300_000 });
    expect(new Set(plan.map((p) => w.placement(p.name).file)).size).toBeGreaterThan(1);
    await writeMixed(w, undefined, createWriteLock());
    expect(w.outputFiles.length).toBeGreaterThan(2);
    await expectContents(w.outputFiles);
  });

  it('refuses out-of-order skips, unknown names, late reservations and skipping on a hashing writer', async () => {
    const w = await SafetensorsWriter.create(path.join(fresh(), 'm.safetensors'), plan, {});
    w.placement('t1');
    expect(() => w.reserveMetadata('x', 10)).toThrow(/placed/);
    expect(() => w.placement('nope')).toThrow(/not in the plan/);
    await expect(w.skip('t1')).rejects.toThrow(/out of order/);
    await w.abort();
    const hashing = await SafetensorsWriter.create(path.join(fresh(), 'h.safetensors'), plan, {}, { hashData: true });
    await hashing.write('t0', bytes[0]!);
    await expect(hashing.skip('t1')).rejects.toThrow(/hashes its data/);
    await hashing.abort();
  });

  it('the positional writer reports a missing file as write-failed, naming it', async () => {
    const gone = path.join(fresh(), 'gone.tmp');
    await expectIOError(withPositionalWriter(gone, 0, async () => undefined), 'write-failed', ['gone.tmp', 'ENOENT']);
  });

  it('withTensorReaderSync reads ranges of a tensor and refuses ranges outside it', async () => {
    const out = path.join(fresh(), 'm.safetensors');
    const w = await SafetensorsWriter.create(out, plan, {});
    for (let i = 0; i < plan.length; i++) await w.write(`t${i}`, bytes[i]!);
    await w.commit();
    const src = await SafetensorsFile.open(out);
    const entry = src.get('t3')!;
    await src.close();
    withTensorReaderSync(entry, (read) => {
      const part = new Uint8Array(1000);
      read(part, 4000);
      expect(part).toEqual(bytes[3]!.subarray(4000, 5000));
      expect(() => read(new Uint8Array(8), entry.byteLength - 4)).toThrow(/outside/);
    });
  });
});
