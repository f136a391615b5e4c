/**
 * Hashing the base while the bake streams it (issue 12): the streamed hashes equal sha256 and the other
 * FileHashes of the file, fill the hash cache, and a Save Model with a cold cache reads the base once (the
 * hasher itself reads only the header); big untouched tensors copied in chunks give the same output.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { saveModel } from '../../main/engine/export/save-model.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { applyLoraToModel } from '../../main/engine/ops/apply/apply-lora.js';
import { loadLora, modelFromBase, openBaseModel } from '../../main/engine/ops/load.js';
import { HashCache } from '../../main/engine/tensor-io/hash-cache.js';
import { computeFileHashes } from '../../main/engine/tensor-io/hashes.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { StreamedFileHashes } from '../../main/engine/tensor-io/streamed-hashes.js';
import type { BaseModel, ModelValue } from '../../main/engine/values/model-value.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-streamed-hash-'));
const basePath = path.join(dir, 'base.safetensors');
const loraPath = path.join(dir, 'lora.safetensors');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
let pool: WorkerPool;
let base: BaseModel;
let model: ModelValue;

beforeAll(async () => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs, { dtype: 'F32' });
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const targets = km.modules.filter((m) => m.kohyaName && /attn1_to_q$|attn2_to_k$|ff_net_2$|resnets_0_conv1$/.test(m.kohyaName)).slice(0, 8);
  const tensors: FixtureTensor[] = targets.flatMap((m, i) => {
    const shape = m.target.baseShape;
    const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
    return [
      { name: `${m.kohyaName}.lora_down.weight`, shape: [4, ...shape.slice(1)], data: randomValues(4 * inFlat, 10 + i, 0.3) },
      { name: `${m.kohyaName}.lora_up.weight`, shape: [shape[0]!, 4, ...shape.slice(2).map(() => 1)], data: randomValues(shape[0]! * 4, 50 + i, 0.3) },
      { name: `${m.kohyaName}.alpha`, shape: [], data: [2] },
    ];
  });
  writeSafetensors(loraPath, tensors);
  pool = new WorkerPool({ size: 2 });
  await pool.ready();
  base = await openBaseModel(basePath);
  model = applyLoraToModel(modelFromBase(base), await loadLora(loraPath), 0.8);
});

afterAll(async () => {
  await base?.source.close();
  await pool?.terminate();
});

/** Bytes this process has read through read(2)-family calls so far (all threads), or undefined off Linux. */
function bytesReadByProcess(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const m = /^rchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : undefined;
}

async function tensorBytes(file: string): Promise<Map<string, string>> {
  const f = await SafetensorsFile.open(file);
  const out = new Map<string, string>();
  for (const e of f.entries) out.set(e.name, sha(await f.readBytes(e.name)));
  await f.close();
  return out;
}

describe('StreamedFileHashes', () => {
  it('equals the file hashes when fed some tensors in order (the rest read by itself), and fills the cache', async () => {
    const cache = new HashCache(mkdtempSync(path.join(dir, 'cache-')));
    const s = await StreamedFileHashes.start(basePath, { cache });
    const bytes = new Uint8Array(readFileSync(basePath));
    // Every other tensor, in file order: the header, the skipped ones and the tail are gaps it reads.
    const entries = [...base.source.entries].sort((a, b) => a.dataOffset - b.dataOffset);
    let fed = 0;
    for (const [i, e] of entries.entries()) {
      if (i % 2 === 1) continue;
      await s.update(e.dataOffset, bytes.slice(e.dataOffset, e.dataOffset + e.byteLength));
      fed += e.byteLength;
    }
    const h = await s.finish();
    expect(h.sha256).toBe(sha(bytes));
    expect(h).toEqual(await computeFileHashes(basePath));
    expect(await s.result).toEqual(h);
    expect(s.streaming).toBe(false); // finished
    expect(fed).toBeGreaterThan(0);
    expect(s.bytesRead).toBe(bytes.byteLength - fed + 8); // the gaps, plus the 8-byte prefix read at start
    expect(await cache.get(basePath)).toEqual(h);
  });

  it('ranges out of order: gives up streaming and still returns the file hashes', async () => {
    const s = await StreamedFileHashes.start(basePath, { cache: false });
    const bytes = new Uint8Array(readFileSync(basePath));
    const entries = [...base.source.entries].sort((a, b) => b.dataOffset - a.dataOffset).slice(0, 3);
    for (const e of entries) await s.update(e.dataOffset, bytes.slice(e.dataOffset, e.dataOffset + e.byteLength));
    expect(s.streaming).toBe(false);
    expect((await s.finish()).sha256).toBe(sha(bytes));
  });

  it('fail() rejects the result', async () => {
    const s = await StreamedFileHashes.start(basePath, { cache: false });
    s.fail(new Error('stopped'));
    await expect(s.result).rejects.toThrow('stopped');
  });
});

describe('Save Model with streamed base hashes', () => {
  it('writes the same tensors, hashes the base from the bytes it read (one read of the base), and fills the cache', async () => {
    const plainOut = path.join(dir, 'plain.safetensors');
    const readBefore = bytesReadByProcess();
    await saveModel(model, { out: plainOut, dtype: 'same', pool });
    const readPlain = bytesReadByProcess();

    const cache = new HashCache(mkdtempSync(path.join(dir, 'cache-')));
    const s = await StreamedFileHashes.start(basePath, { cache });
    const hashedOut = path.join(dir, 'hashed.safetensors');
    // Tiny chunks: every tensor above 4 KiB that the LoRA leaves alone is copied (and hashed) in chunks.
    await saveModel(model, { out: hashedOut, dtype: 'same', pool, streamedHashes: [s], copyChunkBytes: 4096 }, {});
    const readHashed = bytesReadByProcess();

    const fileBytes = new Uint8Array(readFileSync(basePath));
    const h = await s.result;
    expect(h.sha256).toBe(sha(fileBytes));
    expect(h).toEqual(await computeFileHashes(basePath));
    expect(await cache.get(basePath)).toEqual(h);
    // Every tensor byte came from the save's own reads: the hasher read only the prefix and the header.
    const dataStart = Math.min(...base.source.entries.map((e) => e.dataOffset));
    expect(s.bytesRead).toBeLessThanOrEqual(dataStart + 8);
    expect(await tensorBytes(hashedOut)).toEqual(await tensorBytes(plainOut));
    if (readBefore !== undefined && readPlain !== undefined && readHashed !== undefined) {
      // The run that hashes reads about what the run that does not reads (not the base a second time).
      const extra = readHashed - readPlain - (readPlain - readBefore);
      expect(extra).toBeLessThan(fileBytes.byteLength / 4);
    }
  });
});
