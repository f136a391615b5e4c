/**
 * The real LoRA files of ../shared/fixtures/real baked onto synthetic bases that have the real architectures'
 * key names and shapes (SOURCES.md), compared with the formula the producing tool uses:
 * - diffusers attention processors (LoRAAttnProcessor, no network_alpha): W' = W + m·up·down;
 * - PEFT LoRA (r 8, lora_alpha 16): W' = W + m·(16/8)·B·A; modules_to_save tensors replace the base's.
 * The bases are sparse files (full-size headers, zeros on disk) with real random values written into the
 * tensors under test; Select Model Layers (drop) keeps only those in the output, so the test stays small.
 */
import { closeSync, existsSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLoraFactors } from '../../main/engine/adapters/factors.js';
import { loadAdapter } from '../../main/engine/adapters/load-adapter.js';
import { createWorkerPool, type WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { saveModel } from '../../main/engine/export/save-model.js';
import { DISTILBERT_BASE, distilbertTensors } from '../../main/engine/naming/architectures/bert.js';
import { sd15Checkpoint, sd15DiffusersUnet } from '../../main/engine/naming/architectures/stable-diffusion.js';
import type { TensorSpec } from '../../main/engine/naming/architectures/spec.js';
import { applyLoraToModel } from '../../main/engine/ops/apply/apply-lora.js';
import { loadLora, modelFromBase, openBaseModel } from '../../main/engine/ops/load.js';
import { createLayerSelector } from '../../main/engine/ops/select/layer-selector.js';
import { selectModelLayers } from '../../main/engine/ops/select/select-model.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { repoRoot } from '../helpers/cli.js';
import { randomValues } from '../helpers/safetensors.js';
import { writeSparseBase } from '../helpers/synthetic-base.js';

const real = path.resolve(repoRoot, '../shared/fixtures/real');
const sd15Lora = path.join(real, 'sd15-diffusers-attnproc-lora.safetensors');
const distilbert = path.join(real, 'distilbert-peft-seqcls');
const dir = mkdtempSync(path.join(tmpdir(), 'ls-real-merge-'));
let pool: WorkerPool;

beforeAll(async () => {
  pool = createWorkerPool({ size: 2 });
  await pool.ready();
});
afterAll(async () => {
  await pool.terminate();
});

/** A sparse full-size base whose `fill` tensors hold seeded random values (fp16 or fp32). */
async function baseWithValues(file: string, specs: TensorSpec[], dtype: 'F16' | 'F32', fill: (key: string) => boolean): Promise<Map<string, Float32Array>> {
  writeSparseBase(file, specs, dtype);
  const probe = await SafetensorsFile.open(file);
  const values = new Map<string, Float32Array>();
  const fd = openSync(file, 'r+');
  try {
    probe.entries.forEach((e, i) => {
      if (!fill(e.name)) return;
      const v = randomValues(e.byteLength / (dtype === 'F16' ? 2 : 4), 1000 + i, 0.05);
      const bytes = encodeFloat(v, dtype);
      writeSync(fd, bytes, 0, bytes.byteLength, e.dataOffset);
      values.set(e.name, Float32Array.from(new SafetensorsDecoded(bytes, dtype).values));
    });
  } finally {
    closeSync(fd);
    await probe.close();
  }
  return values;
}

/** The values exactly as stored (after the fp16 rounding of the random draw). */
class SafetensorsDecoded {
  readonly values: Float32Array;
  constructor(bytes: Uint8Array, dtype: 'F16' | 'F32') {
    if (dtype === 'F32') this.values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    else {
      const u16 = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      this.values = Float32Array.from(u16, fp16ToNumber);
    }
  }
}

function fp16ToNumber(h: number): number {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

/** Bake with Apply LoRA (strength m), keep only `keep` tensors in the output, read them back. */
async function bakeAndRead(basePath: string, loraPath: string, strength: number, keep: (name: string) => boolean, out: string) {
  const base = await openBaseModel(basePath);
  try {
    const lora = await loadLora(loraPath);
    const applied = applyLoraToModel(modelFromBase(base), lora, strength);
    const step = applied.steps[0];
    const mapping = step?.type === 'apply' ? step.applied.mapping : undefined;
    const names = base.source.entries.map((e) => e.name).filter(keep);
    const selected = selectModelLayers(applied, createLayerSelector({ mode: 'include', patterns: names.map((n) => `re:^${n.replace(/[.]/g, '\\.')}$`), blocks: [] }), 'drop');
    await saveModel(selected.model, { out, dtype: 'same', pool });
    const f = await SafetensorsFile.open(out);
    const got = new Map<string, Float32Array>();
    for (const e of f.entries) got.set(e.name, await f.readFloat32(e.name));
    await f.close();
    return { got, mapping };
  } finally {
    await base.source.close();
  }
}

/** fp64 reference of W + c·up·down, then the check that the output rounded it once. */
function expectBaked(got: Float32Array, w: Float32Array, up: Float32Array, down: Float32Array, rank: number, c: number, ulp: number): void {
  const out = up.length / rank;
  const inn = down.length / rank;
  expect(got.length).toBe(out * inn);
  let changed = 0;
  let worst = 0;
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inn; i++) {
      let d = 0;
      for (let r = 0; r < rank; r++) d += up[o * rank + r]! * down[r * inn + i]!;
      const want = w[o * inn + i]! + c * d;
      const g = got[o * inn + i]!;
      // Error in units of the allowed bound (one rounding of the output dtype, plus fp32 noise).
      worst = Math.max(worst, Math.abs(g - want) / (Math.abs(want) * ulp + 1e-7));
      if (g !== w[o * inn + i]) changed++;
    }
  }
  expect(worst).toBeLessThanOrEqual(1);
  expect(changed).toBeGreaterThan(out * inn * 0.5);
}

describe.skipIf(!existsSync(sd15Lora))('real SD 1.5 attention-processor LoRA baked onto SD 1.5 bases', () => {
  const targets = [
    ['down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', 'input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight'],
    ['down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k', 'input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight'],
    ['up_blocks.3.attentions.2.transformer_blocks.0.attn1.to_out.0', 'output_blocks.11.1.transformer_blocks.0.attn1.to_out.0.weight'],
    ['mid_block.attentions.0.transformer_blocks.0.attn2.to_v', 'middle_block.1.transformer_blocks.0.attn2.to_v.weight'],
  ] as const;

  for (const layout of ['ldm', 'diffusers'] as const) {
    it(`${layout} layout: all 128 modules map, and W' = W + m·up·down on the tensors checked`, async () => {
      const file = path.join(dir, `sd15-${layout}.safetensors`);
      const specs = layout === 'ldm' ? sd15Checkpoint({ size: 'full' }) : sd15DiffusersUnet({ size: 'full' });
      const key = (t: (typeof targets)[number]): string => (layout === 'ldm' ? `model.diffusion_model.${t[1]}` : `${t[0]}.weight`);
      const keys = new Set(targets.map(key));
      const base = await baseWithValues(file, specs, 'F16', (n) => keys.has(n));
      const strength = 0.75;
      const { got, mapping } = await bakeAndRead(file, sd15Lora, strength, (n) => keys.has(n), path.join(dir, `out-${layout}.safetensors`));
      expect(mapping?.matched.length).toBe(128);
      expect(mapping?.unmatched).toEqual([]);
      expect(new Set(got.keys())).toEqual(keys);
      const adapter = await loadAdapter(sd15Lora);
      try {
        for (const t of targets) {
          const module = adapter.modules.find((m) => m.name === t[0])!;
          expect(module.scale).toBe(1);
          const f = await readLoraFactors(adapter, module);
          expectBaked(got.get(key(t))!, base.get(key(t))!, f.up, f.down, f.rank, strength, 2 ** -11);
        }
      } finally {
        await adapter.source.close();
      }
    });
  }
});

describe.skipIf(!existsSync(distilbert))('real DistilBERT PEFT adapter baked onto DistilBERT bases', () => {
  for (const prefix of ['distilbert.', ''] as const) {
    it(`base saved ${prefix ? 'with' : 'without'} the "distilbert." prefix: q_lin/v_lin get 2·B·A, the heads are replaced`, async () => {
      const file = path.join(dir, `distilbert-${prefix || 'bare'}.safetensors`);
      const specs = distilbertTensors(DISTILBERT_BASE, { prefix, classifierLabels: 2 });
      const lin = [`${prefix}transformer.layer.0.attention.q_lin.weight`, `${prefix}transformer.layer.5.attention.v_lin.weight`];
      const heads = ['classifier.weight', 'classifier.bias', 'pre_classifier.weight', 'pre_classifier.bias'];
      const keys = new Set([...lin, ...heads]);
      const base = await baseWithValues(file, specs, 'F32', (n) => keys.has(n));
      const strength = 1;
      const { got, mapping } = await bakeAndRead(file, distilbert, strength, (n) => keys.has(n), path.join(dir, `out-distilbert-${prefix || 'bare'}.safetensors`));
      expect(mapping?.unmatched).toEqual([]);
      expect(mapping?.matched.length).toBe(14);
      const adapter = await loadAdapter(distilbert);
      try {
        const modules = new Map(adapter.modules.map((m) => [m.name, m]));
        for (const [k, name] of [
          [lin[0]!, 'base_model.model.distilbert.transformer.layer.0.attention.q_lin'],
          [lin[1]!, 'base_model.model.distilbert.transformer.layer.5.attention.v_lin'],
        ] as const) {
          const m = modules.get(name)!;
          expect(m.scale).toBe(2);
          const f = await readLoraFactors(adapter, m);
          // fp32 output: the only roundings are fp32 accumulation and the one store.
          expectBaked(got.get(k)!, base.get(k)!, f.up, f.down, f.rank, strength * 2, 2 ** -20);
        }
        for (const h of heads) {
          const replaced = await adapter.source.readFloat32(`base_model.model.${h}`);
          expect(Array.from(got.get(h)!)).toEqual(Array.from(replaced));
          expect(Array.from(got.get(h)!)).not.toEqual(Array.from(base.get(h)!));
        }
      } finally {
        await adapter.source.close();
      }
    });
  }
});
