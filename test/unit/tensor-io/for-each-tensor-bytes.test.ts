/**
 * forEachTensorBytes: many tensors read a window at a time (Load LoRA's NaN/Inf scan reads every factor this
 * way): every tensor asked for is visited once with exactly its bytes, in storage order per file, whatever
 * the window size, across files, with tensors larger than a window and tensors left out in between.
 */
import { truncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachTensorBytes, readTensorBytesSync } from '../../../main/engine/tensor-io/positional-read.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import type { TensorEntry } from '../../../main/engine/tensor-io/safetensors-header.js';
import { randomValues, writeSafetensors } from '../../helpers/safetensors.js';
import { expectIOError, tempDir } from './helpers.js';

const dir = tempDir('for-each-tensor');
const sizes = [3, 200, 1, 17, 900, 40, 2, 333];

async function entriesOf(name: string, seed: number): Promise<TensorEntry[]> {
  const file = writeSafetensors(
    path.join(dir, name),
    sizes.map((n, i) => ({ name: `${name}.t${i}`, shape: [n], data: randomValues(n, seed + i) })),
  );
  const src = await SafetensorsFile.open(file);
  await src.close();
  return [...src.entries];
}

async function visited(entries: readonly TensorEntry[], windowBytes: number): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  const seen: Array<{ name: string; bytes: Uint8Array }> = [];
  await forEachTensorBytes(entries, (entry, bytes) => void seen.push({ name: entry.name, bytes: bytes.slice() }), windowBytes);
  return seen;
}

describe('forEachTensorBytes', () => {
  it('visits each tensor once with its bytes, in storage order per file, for any window (a tensor larger than a window alone)', async () => {
    const a = await entriesOf('a.safetensors', 1);
    const b = await entriesOf('b.safetensors', 50);
    // Every other tensor of a, all of b, given out of order: the skipped ones lie inside windows.
    const asked = [...b.slice().reverse(), ...a.filter((_, i) => i % 2 === 1)];
    const expected = [...b, ...a.filter((_, i) => i % 2 === 1)];
    for (const windowBytes of [1, 64, 1000, 4000, 1 << 20]) {
      const seen = await visited(asked, windowBytes);
      // Files in the order first asked for (b first), tensors in storage order within each.
      expect(seen.map((s) => s.name)).toEqual(expected.map((e) => e.name));
      for (const s of seen) expect(s.bytes).toEqual(readTensorBytesSync(expected.find((e) => e.name === s.name)!));
    }
  });

  it('a file shorter than its header says: read-failed naming the file and a tensor', async () => {
    const entries = await entriesOf('short.safetensors', 9);
    truncateSync(entries[0]!.file, entries.at(-1)!.dataOffset + 10);
    const err = await expectIOError(visited(entries, 1 << 20), 'read-failed', ['short.safetensors', 'unexpected end of file']);
    expect(err.message).toMatch(/tensor "short\.safetensors\.t\d"/);
  });
});
