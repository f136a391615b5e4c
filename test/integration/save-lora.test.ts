/**
 * Save LoRA on real files in a temporary directory, through the real worker pool: kohya → ours → kohya is the
 * identity (names, shapes, dtypes, values bit for bit), PEFT → ours → PEFT likewise (the real DistilBERT
 * adapter with modules_to_save, when ../shared/fixtures/real is present), kohya → PEFT → kohya; every output is
 * loaded back by the adapters area and its modules' scales checked; ss_* metadata and sshs_* hashes are checked
 * against tensor-io's independent hash functions; strengths fold into down; dynamic ranks go through the spill.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../main/engine/adapters/load-adapter.js';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { CancelledError, EngineError } from '../../main/engine/errors.js';
import { saveLora } from '../../main/engine/export/save-lora.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { loadLora } from '../../main/engine/ops/load.js';
import { computeFileHashes, sshsLegacyHash } from '../../main/engine/tensor-io/hashes.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { scaleLora, type LoraValue } from '../../main/engine/values/lora-value.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-save-lora-'));
const kohyaPath = path.join(dir, 'style.safetensors');
const realDir = path.resolve(__dirname, '../../../shared/fixtures/real');
let pool: WorkerPool;

const PICK = [
  'lora_te_text_model_encoder_layers_0_self_attn_q_proj',
  'lora_te_text_model_encoder_layers_1_mlp_fc1',
  'lora_unet_down_blocks_0_attentions_0_proj_in', // 1×1 conv
  'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q',
  'lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k',
  'lora_unet_mid_block_attentions_0_transformer_blocks_0_ff_net_0_proj',
  'lora_unet_down_blocks_0_resnets_0_conv1', // 3×3 conv (LoCon)
  'lora_unet_up_blocks_1_attentions_0_proj_out',
];
const RANKS = [4, 4, 4, 4, 4, 4, 2, 4];
const ALPHAS = [2, 2, 2, 2, 2, 2, 1, 8];

/** Rounded through fp16 so the file holds exactly these values. */
const f16 = (n: number, seed: number): Float32Array => Float32Array.from(randomValues(n, seed), (v) => Math.round(v * 2048) / 2048);

beforeAll(async () => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const tensors: FixtureTensor[] = [];
  PICK.forEach((name, i) => {
    const m = km.modules.find((x) => x.kohyaName === name);
    if (!m) throw new Error(`fixture: ${name} missing`);
    // attn2.to_k reads the text encoder's width: 768 tells SD 1.x (detectAdapterArchitecture) as real files do.
    const shape = name.endsWith('attn2_to_k') ? [m.target.baseShape[0]!, 768] : m.target.baseShape;
    const r = RANKS[i]!;
    const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
    tensors.push({ name: `${name}.lora_down.weight`, shape: [r, ...shape.slice(1)], data: f16(r * inFlat, 10 + i), dtype: 'F16' });
    tensors.push({ name: `${name}.lora_up.weight`, shape: [shape[0]!, r, ...shape.slice(2).map(() => 1)], data: f16(shape[0]! * r, 50 + i), dtype: 'F16' });
    tensors.push({ name: `${name}.alpha`, shape: [], data: [ALPHAS[i]!], dtype: 'F16' });
  });
  writeSafetensors(kohyaPath, tensors, { ss_network_module: 'networks.lora' });
  pool = new WorkerPool({ size: 2 });
  await pool.ready();
});
afterAll(() => pool.close());

interface Stored {
  dtype: string;
  shape: readonly number[];
  bytes: Uint8Array;
}

async function readAll(file: string): Promise<{ tensors: Map<string, Stored>; metadata: Record<string, string> }> {
  const f = await SafetensorsFile.open(file);
  const tensors = new Map<string, Stored>();
  for (const e of f.entries) tensors.set(e.name, { dtype: e.dtype, shape: e.shape, bytes: await f.readBytes(e.name) });
  const metadata = { ...f.metadata };
  await f.close();
  return { tensors, metadata };
}

function expectSameTensors(a: Map<string, Stored>, b: Map<string, Stored>): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect({ name, dtype: u.dtype, shape: u.shape }).toEqual({ name, dtype: t.dtype, shape: t.shape });
    expect(Buffer.compare(Buffer.from(u.bytes), Buffer.from(t.bytes)), name).toBe(0);
  }
}

describe('kohya → ours → kohya', () => {
  it('is the identity: names, shapes, dtypes and every bit of the values', async () => {
    const out = path.join(dir, 'roundtrip.safetensors');
    const res = await saveLora(await loadLora(kohyaPath), { out, format: 'kohya', dtype: 'same', pool });
    expect(res.dtype).toBe('F16');
    expect(res.spilled).toBe(false);
    expect(res.modules.map((m) => m.name).sort()).toEqual([...PICK].sort());
    const before = await readAll(kohyaPath);
    const after = await readAll(out);
    expectSameTensors(before.tensors, after.tensors);
  });

  it('writes ss_* metadata and the sshs hashes of the file it wrote, modelspec and the recipe', async () => {
    const out = path.join(dir, 'meta.safetensors');
    const res = await saveLora(await loadLora(kohyaPath), { out, format: 'kohya', dtype: 'same', pool, recipe: Promise.resolve({ operation: 'test' }) });
    const { metadata } = await readAll(out);
    expect(metadata).toMatchObject({
      ss_network_module: 'networks.lora',
      ss_network_dim: 'Dynamic',
      ss_network_alpha: 'Dynamic',
      ss_base_model_version: 'sd_v1',
      ss_v2: 'False',
      'modelspec.architecture': 'stable-diffusion-v1/lora',
      'lora_studio.recipe': JSON.stringify({ operation: 'test' }),
    });
    const hashes = await computeFileHashes(out);
    expect(metadata.sshs_model_hash).toBe(hashes.sshsModelHash);
    expect(metadata.sshs_legacy_hash).toBe(await sshsLegacyHash(out));
    expect(res.hashes).toEqual({ sshsModelHash: hashes.sshsModelHash, sshsLegacyHash: metadata.sshs_legacy_hash });
  });

  it('loads back with the same modules, ranks and scales', async () => {
    const out = path.join(dir, 'reload.safetensors');
    await saveLora(await loadLora(kohyaPath), { out, format: 'kohya', dtype: 'F32', pool });
    const a = await loadAdapter(kohyaPath);
    const b = await loadAdapter(out);
    const byName = new Map(b.modules.map((m) => [m.name, m]));
    for (const m of a.modules) {
      const n = byName.get(m.name)!;
      expect({ name: m.name, rank: n.rank, scale: n.scale, shape: n.deltaShape }).toEqual({ name: m.name, rank: m.rank, scale: m.scale, shape: m.deltaShape });
    }
    await a.source.close();
    await b.source.close();
  });

  it('folds strengths into down and keeps alpha: ΔW′ = strength·ΔW', async () => {
    const out = path.join(dir, 'half.safetensors');
    const lora = scaleLora(await loadLora(kohyaPath), (m) => (m.block === 'TE' ? -0.5 : 0.25));
    await saveLora(lora, { out, format: 'kohya', dtype: 'F32', pool });
    const before = await readAll(kohyaPath);
    const after = await readAll(out);
    for (const name of PICK) {
      const factor = name.startsWith('lora_te_') ? -0.5 : 0.25;
      const f = await SafetensorsFile.open(kohyaPath);
      const g = await SafetensorsFile.open(out);
      const down = await f.readFloat32(`${name}.lora_down.weight`);
      const got = await g.readFloat32(`${name}.lora_down.weight`);
      expect(Array.from(got)).toEqual(Array.from(down, (v) => Math.fround(v * factor)));
      expect(Array.from(await g.readFloat32(`${name}.lora_up.weight`))).toEqual(Array.from(await f.readFloat32(`${name}.lora_up.weight`)));
      expect(Array.from(await g.readFloat32(`${name}.alpha`))).toEqual(Array.from(await f.readFloat32(`${name}.alpha`)));
      await f.close();
      await g.close();
    }
    expect(after.tensors.size).toBe(before.tensors.size);
  });
});

describe('kohya → PEFT → kohya', () => {
  it('gives the same file back, and the PEFT directory loads with the same scales', async () => {
    const peftDir = path.join(dir, 'as-peft');
    const res = await saveLora(await loadLora(kohyaPath), { out: peftDir, format: 'peft', dtype: 'same', pool });
    expect(readdirSync(peftDir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(res.files).toEqual([path.join(peftDir, 'adapter_model.safetensors'), path.join(peftDir, 'adapter_config.json')]);
    const config = JSON.parse(readFileSync(path.join(peftDir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 2, use_rslora: false, fan_in_fan_out: false });
    expect(config.rank_pattern).toEqual({ 'down_blocks.0.resnets.0.conv1': 2 });
    expect(config.alpha_pattern).toEqual({ 'down_blocks.0.resnets.0.conv1': 1, 'up_blocks.1.attentions.0.proj_out': 8 });
    expect(config.target_modules).toContain('text_model.encoder.layers.0.self_attn.q_proj');
    const { tensors } = await readAll(path.join(peftDir, 'adapter_model.safetensors'));
    expect(tensors.get('unet.down_blocks.0.resnets.0.conv1.lora_A.weight')?.shape).toEqual([2, 8, 3, 3]);
    expect(tensors.get('text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight')?.shape).toEqual([16, 4]);

    const a = await loadAdapter(kohyaPath);
    const p = await loadAdapter(peftDir);
    expect(p.modules).toHaveLength(a.modules.length);
    const scales = (x: typeof a) => x.modules.map((m) => [m.rank, m.scale]).sort();
    expect(scales(p)).toEqual(scales(a));
    await a.source.close();
    await p.source.close();

    const back = path.join(dir, 'back.safetensors');
    await saveLora(await loadLora(peftDir), { out: back, format: 'kohya', dtype: 'same', pool });
    const original = await readAll(kohyaPath);
    const again = await readAll(back);
    expectSameTensors(original.tensors, again.tensors);
  });
});

describe.skipIf(!existsSync(path.join(realDir, 'distilbert-peft-seqcls')))('PEFT → ours → PEFT (real DistilBERT adapter with modules_to_save)', () => {
  it('keeps every tensor bit for bit and the config fields PEFT needs', async () => {
    const src = path.join(realDir, 'distilbert-peft-seqcls');
    const out = path.join(dir, 'distilbert-out');
    const res = await saveLora(await loadLora(src), { out, format: 'peft', dtype: 'same', pool });
    expect(res.modules.filter((m) => m.replaced).length).toBeGreaterThan(0);
    const before = await readAll(path.join(src, 'adapter_model.safetensors'));
    const after = await readAll(path.join(out, 'adapter_model.safetensors'));
    expectSameTensors(before.tensors, after.tensors);
    const a = JSON.parse(readFileSync(path.join(src, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    const b = JSON.parse(readFileSync(path.join(out, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['r', 'lora_alpha', 'fan_in_fan_out', 'modules_to_save', 'base_model_name_or_path', 'task_type', 'use_rslora', 'bias', 'lora_dropout']) expect({ k, v: b[k] }).toEqual({ k, v: a[k] });
    expect(b.rank_pattern).toEqual({});
    expect(b.alpha_pattern).toEqual({});
    const targets = b.target_modules as string[];
    expect(targets.every((t) => /^distilbert\.transformer\.layer\.\d+\.attention\.(q_lin|v_lin)$/.test(t))).toBe(true);
    const reloaded = await loadAdapter(out);
    const original = await loadAdapter(src);
    expect(reloaded.modules.map((m) => [m.name, m.params.kind, m.scale]).sort()).toEqual(original.modules.map((m) => [m.name, m.params.kind, m.scale]).sort());
    await reloaded.source.close();
    await original.source.close();
  });
});

describe('dynamic ranks (ranks known only after computing)', () => {
  it('spill computed tensors beside the output, write header then data, and leave no temporary file', async () => {
    const lora = await loadLora(kohyaPath);
    const dynamic: LoraValue = {
      ...lora,
      modules: lora.modules.map((m) => {
        const inFlat = m.deltaShape.slice(1).reduce((a, b) => a * b, 1);
        return {
          ...m,
          rank: undefined,
          scale: 1,
          source: { type: 'compress' as const, out: m.deltaShape[0]!, inFlat, members: [{ source: m.source, coefficient: 1 }], rank: { type: 'dynamic' as const, method: 'sv_fro' as const, param: 0.999999, maxRank: 3 } },
        };
      }),
    };
    const out = path.join(dir, 'dynamic.safetensors');
    const res = await saveLora(dynamic, { out, format: 'kohya', dtype: 'F32', pool });
    expect(res.spilled).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    expect(res.modules.every((m) => m.rank !== undefined && m.rank <= 3 && m.compression !== undefined)).toBe(true);
    const conv = res.modules.find((m) => m.name === 'lora_unet_down_blocks_0_resnets_0_conv1')!;
    expect(conv.rank).toBe(2);
    const { tensors } = await readAll(out);
    expect(tensors.get('lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight')?.shape).toEqual([2, 8, 3, 3]);
    const check = await computeFileHashes(out);
    const f = await SafetensorsFile.open(out);
    expect(f.metadata.sshs_model_hash).toBe(check.sshsModelHash);
    await f.close();
  });
});

describe('refusals and failures', () => {
  it('refuses LoHa modules in a kohya export, naming them, before writing anything', async () => {
    const loha = path.join(dir, 'loha.safetensors');
    const n = 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q';
    writeSafetensors(loha, [
      { name: `${n}.hada_w1_a`, shape: [8, 2], data: randomValues(16, 1) },
      { name: `${n}.hada_w1_b`, shape: [2, 8], data: randomValues(16, 2) },
      { name: `${n}.hada_w2_a`, shape: [8, 2], data: randomValues(16, 3) },
      { name: `${n}.hada_w2_b`, shape: [2, 8], data: randomValues(16, 4) },
    ]);
    const out = path.join(dir, 'loha-out.safetensors');
    const err = await saveLora(await loadLora(loha), { out, format: 'kohya', dtype: 'same', pool }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('lora-not-writable');
    expect((err as EngineError).message).toContain(n);
    expect((err as EngineError).message).toContain('LOHA');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to write over its input, which stays unchanged', async () => {
    const before = readFileSync(kohyaPath);
    const err = await saveLora(await loadLora(kohyaPath), { out: kohyaPath, format: 'kohya', dtype: 'same', pool }).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('output-is-input');
    expect(Buffer.compare(readFileSync(kohyaPath), before)).toBe(0);
  });

  it('does not replace a directory that holds other files', async () => {
    const target = path.join(dir, 'not-an-adapter');
    mkdirSync(target);
    writeFileSync(path.join(target, 'notes.txt'), 'mine');
    const err = await saveLora(await loadLora(kohyaPath), { out: target, format: 'peft', dtype: 'same', pool }).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('output-dir-not-adapter');
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('replaces a previous adapter directory whole', async () => {
    const target = path.join(dir, 'again');
    await saveLora(await loadLora(kohyaPath), { out: target, format: 'peft', dtype: 'F32', pool });
    await saveLora(await loadLora(kohyaPath), { out: target, format: 'peft', dtype: 'F16', pool });
    const { tensors } = await readAll(path.join(target, 'adapter_model.safetensors'));
    expect(new Set([...tensors.values()].map((t) => t.dtype))).toEqual(new Set(['F16']));
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
  });

  it('stopped mid-export leaves no file and no temporary file (kohya and PEFT)', async () => {
    for (const format of ['kohya', 'peft'] as const) {
      const out = path.join(dir, `stopped-${format}`);
      const controller = new AbortController();
      const err = await saveLora(await loadLora(kohyaPath), { out, format, dtype: 'same', pool, debugDelayMs: 20 }, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.fraction > 0.2) controller.abort();
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    }
  });
});
