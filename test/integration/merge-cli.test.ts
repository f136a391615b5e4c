/**
 * `lora-studio merge` end to end: real files on disk through the bundled CLI, checked against the formula
 * W' = W + strength·(alpha/r)·up·down computed independently here (float64), rounded once to fp16.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { openCheckpoint } from '../../main/engine/tensor-io/open-checkpoint.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-merge-'));
const basePath = path.join(dir, 'base.safetensors');
const loraPath = path.join(dir, 'style.safetensors');
const RANK = 4;
const ALPHA = 2;

interface ModuleFixture {
  kohya: string;
  baseKey: string;
  out: number;
  inFlat: number;
  up: Float32Array;
  down: Float32Array;
}
const modules: ModuleFixture[] = [];

beforeAll(() => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs, { dtype: 'F16' });
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const picked = km.modules.filter((m) => m.kohyaName && /attn1_to_q$|attn2_to_k$|proj_in$|self_attn_v_proj$|resnets_0_conv1$/.test(m.kohyaName)).slice(0, 10);
  const tensors: FixtureTensor[] = [];
  picked.forEach((m, i) => {
    const shape = m.target.baseShape;
    const out = shape[0]!;
    const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
    // Values rounded through fp16 so the file holds exactly what the reference uses.
    const down = Float32Array.from(randomValues(RANK * inFlat, 10 + i), (v) => Math.round(v * 1024) / 1024);
    const up = Float32Array.from(randomValues(out * RANK, 50 + i), (v) => Math.round(v * 1024) / 1024);
    tensors.push({ name: `${m.kohyaName}.lora_down.weight`, shape: [RANK, ...shape.slice(1)], data: down, dtype: 'F16' });
    tensors.push({ name: `${m.kohyaName}.lora_up.weight`, shape: [out, RANK, ...shape.slice(2).map(() => 1)], data: up, dtype: 'F16' });
    tensors.push({ name: `${m.kohyaName}.alpha`, shape: [], data: [ALPHA], dtype: 'F16' });
    modules.push({ kohya: m.kohyaName!, baseKey: m.target.baseKey, out, inFlat, up, down });
  });
  writeSafetensors(loraPath, tensors, { ss_network_module: 'networks.lora', ss_network_dim: String(RANK) });
});

async function readAll(file: string): Promise<Map<string, { dtype: string; bytes: Uint8Array; values?: Float32Array }>> {
  const f = await SafetensorsFile.open(file);
  const out = new Map<string, { dtype: string; bytes: Uint8Array; values?: Float32Array }>();
  for (const e of f.entries) out.set(e.name, { dtype: e.dtype, bytes: await f.readBytes(e.name), values: e.dtype.startsWith('F') || e.dtype === 'BF16' ? await f.readFloat32(e.name) : undefined });
  await f.close();
  return out;
}

describe('lora-studio merge', () => {
  it('bakes a kohya LoRA (linear, 1×1 and 3×3 conv, text encoder) exactly by the formula', async () => {
    const outPath = path.join(dir, 'merged.safetensors');
    const strength = 0.7;
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', `${loraPath}:${strength}`, '--out', outPath, '--quiet']);
    expect(res.stderr).toContain(`${modules.length}/${modules.length} modules matched`);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(outPath);

    const base = await readAll(basePath);
    const merged = await readAll(outPath);
    expect([...merged.keys()]).toEqual([...base.keys()]);
    const patched = new Set(modules.map((m) => m.baseKey));
    for (const [key, b] of base) {
      const m = merged.get(key)!;
      expect(m.dtype).toBe(b.dtype);
      if (!patched.has(key)) expect(Buffer.compare(Buffer.from(m.bytes), Buffer.from(b.bytes))).toBe(0);
    }
    for (const mod of modules) {
      const w = base.get(mod.baseKey)!.values!;
      const got = merged.get(mod.baseKey)!.values!;
      let changed = 0;
      for (let o = 0; o < mod.out; o++) {
        for (let i = 0; i < mod.inFlat; i++) {
          let d = 0;
          for (let r = 0; r < RANK; r++) d += mod.up[o * RANK + r]! * mod.down[r * mod.inFlat + i]!;
          const want = w[o * mod.inFlat + i]! + strength * (ALPHA / RANK) * d;
          const g = got[o * mod.inFlat + i]!;
          // One rounding to fp16: within half an ulp (plus fp32 accumulation noise).
          expect(Math.abs(g - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -11 + 2 ** -24 + 1e-7);
          if (g !== w[o * mod.inFlat + i]) changed++;
        }
      }
      expect(changed).toBeGreaterThan(0);
    }
  });

  it('writes HF shards with an index (--max-shard-size) and reads a sharded base, with the same tensors', async () => {
    const single = path.join(dir, 'single.safetensors');
    const sharded = path.join(dir, 'sharded', 'model.safetensors');
    const again = path.join(dir, 'from-shards.safetensors');
    expect((await runCliProcess(['merge', '--base', basePath, '--lora', `${loraPath}:0.7`, '--out', single, '--quiet', '--no-hash'])).code).toBe(0);
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', `${loraPath}:0.7`, '--out', sharded, '--max-shard-size', '300KB', '--quiet', '--no-hash']);
    expect(res.code, res.stderr).toBe(0);
    const files = res.stdout.trim().split('\n');
    expect(files.length).toBeGreaterThan(2);
    expect(files.at(-1)).toBe(path.join(dir, 'sharded', 'model.safetensors.index.json'));
    expect(files[0]).toMatch(/model-00001-of-000\d\d\.safetensors$/);
    // The sharded output as a base, with a LoRA at strength 0: every tensor must come through unchanged.
    const index = files.at(-1)!;
    const res2 = await runCliProcess(['merge', '--base', index, '--lora', `${loraPath}:0`, '--out', again, '--quiet', '--no-hash']);
    expect(res2.code, res2.stderr).toBe(0);
    const a = await readAll(single);
    const shardedTensors = await readAllCheckpoint(index);
    const b = await readAll(again);
    for (const [name, t] of a) {
      expect(Buffer.compare(Buffer.from(shardedTensors.get(name)!), Buffer.from(t.bytes)), name).toBe(0);
      expect(Buffer.compare(Buffer.from(b.get(name)!.bytes), Buffer.from(t.bytes)), name).toBe(0);
    }
  });

  it('writes fp8 (e4m3) weights, rounded once from the fp32 result', async () => {
    const outPath = path.join(dir, 'fp8.safetensors');
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', outPath, '--quiet', '--no-hash', '--dtype', 'fp8_e4m3']);
    expect(res.code, res.stderr).toBe(0);
    const ref = await readAll(path.join(dir, 'merged.safetensors'));
    const got = await readAll(outPath);
    const mod = modules[0]!;
    const f8 = got.get(mod.baseKey)!;
    expect(f8.dtype).toBe('F8_E4M3');
    expect(f8.values!.length).toBe(ref.get(mod.baseKey)!.values!.length);
    // e4m3 keeps 3 mantissa bits: within half an ulp (2^-4 relative) of the strength-1 result, or subnormal.
    const base = (await readAll(basePath)).get(mod.baseKey)!.values!;
    let worst = 0;
    for (let o = 0; o < mod.out; o++) {
      for (let i = 0; i < mod.inFlat; i++) {
        let d = 0;
        for (let r = 0; r < RANK; r++) d += mod.up[o * RANK + r]! * mod.down[r * mod.inFlat + i]!;
        const want = base[o * mod.inFlat + i]! + (ALPHA / RANK) * d;
        worst = Math.max(worst, Math.abs(f8.values![o * mod.inFlat + i]! - want) / (Math.abs(want) * 2 ** -4 + 2 ** -10));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('records the recipe and model spec in the output metadata (the base hashed while baked, a cold cache filled)', async () => {
    const outPath = path.join(dir, 'meta.safetensors');
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', outPath, '--quiet', '--dtype', 'bf16'], { env: { LORA_STUDIO_CACHE_DIR: cacheDir } });
    expect(res.code).toBe(0);
    const baseSha = createHash('sha256').update(readFileSync(basePath)).digest('hex');
    const cached = JSON.parse(readFileSync(path.join(cacheDir, 'hashes.json'), 'utf8')) as { entries: Record<string, { hashes: { sha256: string } }> };
    expect(cached.entries[realpathSync(basePath)]?.hashes.sha256).toBe(baseSha);
    const f = await SafetensorsFile.open(outPath);
    const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as { operation: string; inputs: { role: string; files: { sha256: string }[] }[]; params: { graph: { type: string }[] } };
    expect(f.metadata['modelspec.architecture']).toBe('stable-diffusion-v1');
    // One recipe shape for the CLI and the app: the graph the command compiled to.
    expect(recipe.operation).toBe('graph');
    expect(recipe.params.graph.map((n) => n.type).sort()).toEqual(['lora-studio/apply-lora', 'lora-studio/load-lora', 'lora-studio/load-model', 'lora-studio/save-model']);
    expect(recipe.inputs.map((i) => i.role)).toEqual(['base', 'lora']);
    expect(recipe.inputs[0]!.files[0]!.sha256).toBe(baseSha);
    expect(recipe.inputs[1]!.files[0]!.sha256).toBe(createHash('sha256').update(readFileSync(loraPath)).digest('hex'));
    expect(new Set(f.entries.filter((e) => e.dtype !== 'I64').map((e) => e.dtype))).toEqual(new Set(['BF16']));
    await f.close();
  });

  it('fails with the unmatched modules named, and --allow-unmatched applies the rest', async () => {
    const bad = path.join(dir, 'bad.safetensors');
    writeSafetensors(bad, [
      ...readFixture(loraPath),
      { name: 'lora_unet_nonexistent_block_to_q.lora_down.weight', shape: [RANK, 8], data: new Float32Array(RANK * 8) },
      { name: 'lora_unet_nonexistent_block_to_q.lora_up.weight', shape: [8, RANK], data: new Float32Array(8 * RANK) },
    ]);
    const outPath = path.join(dir, 'unmatched.safetensors');
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', bad, '--out', outPath, '--quiet']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('lora_unet_nonexistent_block_to_q');
    expect(res.stderr).toContain('--allow-unmatched');
    expect(existsSync(outPath)).toBe(false);
    const ok = await runCliProcess(['merge', '--base', basePath, '--lora', bad, '--out', outPath, '--quiet', '--allow-unmatched']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/unmatched lora_unet_nonexistent_block_to_q/);
    // With a merge method (Bake LoRAs), the same check runs before anything is written.
    const ties = await runCliProcess(['merge', '--base', basePath, '--lora', bad, '--lora', loraPath, '--method', 'ties', '--out', outPath, '--quiet']);
    expect(ties.code).toBe(1);
    expect(ties.stderr).toContain('lora_unet_nonexistent_block_to_q');
    expect(ties.stderr).toContain('--allow-unmatched');
    expect(ties.stderr).not.toContain('Save Model');
  });

  it('refuses to overwrite an input and leaves it unchanged', async () => {
    const before = readFileSync(basePath);
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', basePath, '--quiet']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/input/i);
    expect(Buffer.compare(readFileSync(basePath), before)).toBe(0);
  });

  it('refuses pickle checkpoints with how to convert them', async () => {
    const ckpt = path.join(dir, 'model.ckpt');
    // What torch.save writes: a zip archive holding data.pkl.
    writeFileSync(ckpt, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60), Buffer.from('archive/data.pkl')]));
    const res = await runCliProcess(['merge', '--base', ckpt, '--lora', loraPath, '--out', path.join(dir, 'x.safetensors')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/pickle/i);
    expect(res.stderr).toMatch(/safetensors/);
  });

  it('reports usage errors with exit code 2', async () => {
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', `${loraPath}:1.5x`, '--out', path.join(dir, 'y.safetensors')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not a number/);
  });

  it('Ctrl-C stops the merge, exits 130 and leaves no partial file', async () => {
    const outPath = path.join(dir, 'stopped.safetensors');
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', outPath, '--workers', '1', '--no-hash'], {
      env: { LORA_STUDIO_DEBUG_DELAY_MS: '50' },
      onStderr: (text, kill) => {
        if (text.includes('tensor ') && !text.includes('SIGINT')) kill('SIGINT');
      },
    });
    expect(res.stderr).toMatch(/stop/i);
    expect(res.code === 130 || res.signal === 'SIGINT').toBe(true);
    expect(existsSync(outPath)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    expect(statSync(basePath).size).toBeGreaterThan(0);
  });
});

async function readAllCheckpoint(file: string): Promise<Map<string, Uint8Array>> {
  const source = await openCheckpoint(file);
  const out = new Map<string, Uint8Array>();
  for (const e of source.entries) out.set(e.name, await source.readBytes(e.name));
  await source.close();
  return out;
}

function readFixture(file: string): FixtureTensor[] {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  return Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([name, e]) => ({ name, shape: e.shape, dtype: e.dtype as FixtureTensor['dtype'], data: new Uint8Array(bytes.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1])) }));
}
