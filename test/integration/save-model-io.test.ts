/**
 * Save Model's I/O (issue 12): the workers copy runs of untouched tensors straight from the base, in pieces of
 * any size, giving the same file; the recipe's input hashes are computed on a worker while the model is
 * written, equal sha256 of the file and of its data section, and fill the hash cache.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { workerHasher } from '../../main/engine/export/hash-file-task.js';
import { saveModel } from '../../main/engine/export/save-model.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { applyLoraToModel } from '../../main/engine/ops/apply/apply-lora.js';
import { loadLora, modelFromBase, openBaseModel } from '../../main/engine/ops/load.js';
import { HashCache } from '../../main/engine/tensor-io/hash-cache.js';
import { computeFileHashes } from '../../main/engine/tensor-io/hashes.js';
import { RECIPE_KEY } from '../../main/engine/tensor-io/metadata.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import type { BaseModel, ModelValue } from '../../main/engine/values/model-value.js';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-save-io-'));
const basePath = path.join(dir, 'base.safetensors');
const loraPath = path.join(dir, 'lora.safetensors');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
let pool: WorkerPool;
let base: BaseModel;
let model: ModelValue;
let patchedNames: Set<string>;

beforeAll(async () => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs, { dtype: 'F16' });
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const targets = km.modules.filter((m) => m.kohyaName && /attn1_to_q$|attn2_to_k$|ff_net_2$|resnets_0_conv1$/.test(m.kohyaName)).slice(0, 8);
  patchedNames = new Set(targets.map((m) => m.target.baseKey));
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

async function tensorHashes(file: string): Promise<Map<string, string>> {
  const f = await SafetensorsFile.open(file);
  const out = new Map<string, string>();
  for (const e of f.entries) out.set(e.name, sha(await f.readBytes(e.name)));
  await f.close();
  return out;
}

describe('Save Model: untouched tensors copied by the workers', () => {
  it('gives the same file whatever the size of the copied pieces, and untouched tensors are the base bytes', async () => {
    const whole = path.join(dir, 'whole.safetensors');
    const pieces = path.join(dir, 'pieces.safetensors');
    const r1 = await saveModel(model, { out: whole, dtype: 'same', pool });
    // 4 KiB pieces: most runs and many single tensors are split over several worker tasks.
    const r2 = await saveModel(model, { out: pieces, dtype: 'same', pool, copyRangeBytes: 4096 });
    expect(r2).toMatchObject({ tensors: r1.tensors, patched: r1.patched, copied: r1.copied, bytes: r1.bytes });
    expect(r1.patched).toBe(patchedNames.size);
    expect(Buffer.compare(readFileSync(whole), readFileSync(pieces))).toBe(0);
    const [out, inBase] = [await tensorHashes(whole), await tensorHashes(basePath)];
    expect([...out.keys()].sort()).toEqual([...inBase.keys()].sort());
    for (const [name, h] of out) {
      if (patchedNames.has(name)) expect(h, name).not.toBe(inBase.get(name));
      else expect(h, name).toBe(inBase.get(name));
    }
  });
});

describe('input hashes on a worker', () => {
  it('workerHasher equals computeFileHashes (sha256 of the file and of its data section)', async () => {
    const bytes = new Uint8Array(readFileSync(basePath));
    const h = await workerHasher(pool)(basePath, {});
    expect(h).toEqual(await computeFileHashes(basePath));
    expect(h.sha256).toBe(sha(bytes));
    const dataStart = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(h.sshsModelHash).toBe(sha(bytes.subarray(dataStart)));
    expect(await workerHasher(pool)(basePath, { dataHash: false })).toEqual({ ...h, sshsModelHash: undefined });
  });

  it('merge with a cold hash cache: the recipe holds the base and LoRA hashes, the cache is filled, the tensors equal a run without hashing; extract holds both checkpoints\' hashes', async () => {
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const hashed = path.join(dir, 'hashed.safetensors');
    const plain = path.join(dir, 'plain.safetensors');
    const args = ['merge', '--base', basePath, '--lora', `${loraPath}:0.8`, '--quiet'];
    const r1 = await runCliProcess([...args, '--out', hashed], { env: { LORA_STUDIO_CACHE_DIR: cacheDir } });
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await runCliProcess([...args, '--out', plain, '--no-hash'], { env: { LORA_STUDIO_CACHE_DIR: cacheDir } });
    expect(r2.code, r2.stderr).toBe(0);
    expect(await tensorHashes(hashed)).toEqual(await tensorHashes(plain));
    const f = await SafetensorsFile.open(hashed);
    const recipe = JSON.parse(f.metadata[RECIPE_KEY]!) as { inputs: { role: string; files: { sha256: string; sshsModelHash?: string }[] }[] };
    await f.close();
    const byRole = new Map(recipe.inputs.map((i) => [i.role, i.files[0]!]));
    expect(byRole.get('base')?.sha256).toBe(sha(readFileSync(basePath)));
    const loraBytes = new Uint8Array(readFileSync(loraPath));
    expect(byRole.get('lora')?.sha256).toBe(sha(loraBytes));
    // kohya's data-section hash identifies LoRAs: recorded for the LoRA, not computed for the checkpoint.
    expect(byRole.get('lora')?.sshsModelHash).toBe(sha(loraBytes.subarray(8 + Number(new DataView(loraBytes.buffer).getBigUint64(0, true)))));
    expect(byRole.get('base')).not.toHaveProperty('sshsModelHash');
    const cache = new HashCache(cacheDir);
    expect((await cache.get(basePath, { dataHash: false }))?.sha256).toBe(byRole.get('base')?.sha256);
    expect(await cache.get(basePath, { dataHash: false })).toEqual(await computeFileHashes(basePath, { dataHash: false }));

    // Save LoRA takes the same route: extract's recipe holds both checkpoints' hashes, computed on a worker.
    const extracted = path.join(dir, 'extracted.safetensors');
    const freshCache = mkdtempSync(path.join(dir, 'cache-'));
    const r3 = await runCliProcess(['extract', '--base', basePath, '--tuned', plain, '--rank', '2', '--out', extracted, '--quiet'], { env: { LORA_STUDIO_CACHE_DIR: freshCache } });
    expect(r3.code, r3.stderr).toBe(0);
    const g = await SafetensorsFile.open(extracted);
    const loraRecipe = JSON.parse(g.metadata[RECIPE_KEY]!) as { inputs: { role: string; path: string; files: { sha256: string; sshsModelHash?: string }[] }[] };
    await g.close();
    const byPath = new Map(loraRecipe.inputs.map((i) => [path.resolve(i.path), i.files[0]?.sha256]));
    expect(byPath.get(path.resolve(basePath))).toBe(sha(readFileSync(basePath)));
    expect(byPath.get(path.resolve(plain))).toBe(sha(readFileSync(plain)));
    // The checkpoints are recorded as what they are, without the LoRA-only data-section hash.
    expect(loraRecipe.inputs.map((i) => [i.role, path.resolve(i.path)])).toEqual([['base', path.resolve(basePath)], ['tuned', path.resolve(plain)]]);
    expect(loraRecipe.inputs.every((i) => i.files[0] && !('sshsModelHash' in i.files[0]))).toBe(true);
    expect((await new HashCache(freshCache).get(plain, { dataHash: false }))?.sha256).toBe(sha(readFileSync(plain)));
  });
});
