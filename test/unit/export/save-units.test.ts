import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSaveUnits, type SaveUnit } from '../../../main/engine/export/save-units.js';
import type { TensorJob } from '../../../main/engine/ops/apply/patch-spec.js';
import { copyRange } from '../../../main/engine/tensor-io/range-copy.js';
import type { TensorPlacement } from '../../../main/engine/tensor-io/tensor-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'save-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Jobs for tensors of these byte lengths laid end to end from `start` in `file` (F16: length / 2 elements). */
function jobs(file: string, start: number, lengths: readonly number[], patched: readonly number[] = []): TensorJob[] {
  let at = start;
  return lengths.map((byteLength, i) => {
    const entry = { name: `t${i}`, dtype: 'F16' as const, shape: [byteLength / 2], file, dataOffset: at, byteLength };
    at += byteLength;
    return { entry, outDtype: 'F16', patches: patched.includes(i) ? [{ type: 'bias', module: 'm', bias: new Float32Array(1), coefficient: 1 } as never] : [] };
  });
}

/** Output placement of the same tensors end to end from `start` in `out`. */
function placements(list: readonly TensorJob[], out: string, start: number): (name: string) => TensorPlacement {
  const map = new Map<string, TensorPlacement>();
  let at = start;
  for (const j of list) {
    map.set(j.entry.name, { file: out, offset: at, byteLength: j.entry.byteLength });
    at += j.entry.byteLength;
  }
  return (name) => map.get(name)!;
}

const summary = (units: readonly SaveUnit[]): string[] =>
  units.map((u) => (u.type === 'tensor' ? u.job.entry.name : `[${u.range.srcOffset}+${u.range.length}→${u.range.dstOffset}: ${u.completes.map((j) => j.entry.name).join(',')}]`));

describe('planSaveUnits', () => {
  it('gathers untouched tensors that lie end to end in the base and in the output into one range; computed ones stay single', () => {
    const list = jobs('/base', 100, [10, 20, 30, 40, 50], [2]);
    const units = planSaveUnits(list, placements(list, '/out', 1000), 1 << 20);
    expect(summary(units)).toEqual(['[100+30→1000: t0,t1]', 't2', '[160+90→1060: t3,t4]']);
    expect(units[0]!.type === 'range' && units[0].range.what).toBe('tensors "t0" … "t1"');
  });

  it('starts a new range where the output is not contiguous (another file, or a gap)', () => {
    const list = jobs('/base', 0, [10, 10, 10]);
    const place = placements(list, '/out', 0);
    const shifted = (name: string): TensorPlacement => (name === 't2' ? { ...place(name), offset: place(name).offset + 8 } : name === 't1' ? { ...place(name), file: '/shard2' } : place(name));
    expect(summary(planSaveUnits(list, shifted, 1 << 20))).toEqual(['[0+10→0: t0]', '[10+10→10: t1]', '[20+10→28: t2]']);
  });

  it('splits a long run into pieces of similar size; a tensor is completed by the piece holding its last byte', () => {
    const list = jobs('/base', 0, [100, 300, 20]);
    const units = planSaveUnits(list, placements(list, '/out', 8), 150);
    expect(summary(units)).toEqual(['[0+140→8: t0]', '[140+140→148: ]', '[280+140→288: t1,t2]']);
    expect(units[1]!.type === 'range' && units[1].range.what).toBe('tensor "t1"');
  });

  it('keeps empty tensors', () => {
    const list = jobs('/base', 0, [10, 0, 10]);
    expect(summary(planSaveUnits(list, placements(list, '/out', 0), 1 << 20))).toEqual(['[0+20→0: t0,t1,t2]']);
    const empty = jobs('/base', 0, [0]);
    expect(summary(planSaveUnits(empty, placements(empty, '/out', 0), 1 << 20))).toEqual(['[0+0→0: t0]']);
  });
});

describe('copyRange', () => {
  it('copies the bytes at their offsets, through its small buffer, leaving the rest of the output alone', async () => {
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    const bytes = new Uint8Array(700_001).map((_, i) => (i * 7919) % 251);
    writeFileSync(src, bytes);
    writeFileSync(dst, new Uint8Array(700_100).fill(9));
    await copyRange({ src, srcOffset: 1, dst, dstOffset: 50, length: 700_000, what: 'tensor "x"' });
    const out = readFileSync(dst);
    expect(out.subarray(0, 50).every((b) => b === 9)).toBe(true);
    expect(Buffer.compare(out.subarray(50, 700_050), Buffer.from(bytes.subarray(1)))).toBe(0);
    expect(out.subarray(700_050).every((b) => b === 9)).toBe(true);
  });

  it('names the file and the tensors when the source ends early, and when it cannot be opened', async () => {
    const src = path.join(dir, 'short.bin');
    const dst = path.join(dir, 'dst2.bin');
    writeFileSync(src, new Uint8Array(1000));
    writeFileSync(dst, new Uint8Array(0));
    await expect(copyRange({ src, srcOffset: 0, dst, dstOffset: 0, length: 2000, what: 'tensors "a" … "b"' })).rejects.toThrow(/short\.bin.*unexpected end of file at byte 1000 while reading tensors "a" … "b"/s);
    await expect(copyRange({ src: path.join(dir, 'missing.bin'), srcOffset: 0, dst, dstOffset: 0, length: 10, what: 'tensor "a"' })).rejects.toThrow(/missing\.bin.*cannot read tensor "a"/s);
  });
});
