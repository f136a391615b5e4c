/**
 * DESIGN.md §5 invariants through the real engine (worker pool, streaming Save Model): combining LoRAs by
 * concat and baking the result equals baking each LoRA in turn; a full-rank svd compress equals it too; and
 * the combined module sources cross to worker threads (structured clone) and evaluate there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { saveModel } from '../../main/engine/export/save-model.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { applyLoraToModel } from '../../main/engine/ops/apply/apply-lora.js';
import { combineLoras, type CombineInput } from '../../main/engine/ops/combine/index.js';
import { loadLora, modelFromBase, openBaseModel } from '../../main/engine/ops/load.js';
import type { LoraValue } from '../../main/engine/values/lora-value.js';
import type { BaseModel, ModelValue } from '../../main/engine/values/model-value.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-combine-bake-'));
const basePath = path.join(dir, 'base.safetensors');
let pool: WorkerPool;
let base: BaseModel;
let seed = 900;

interface Target {
  kohya: string;
  shape: readonly number[];
}

/** A kohya LoRA (LoCon for conv targets) on `targets`, values rounded to fp16's grid so files hold what was meant. */
function kohyaLora(file: string, targets: readonly Target[], rank: number, alpha: number): string {
  const tensors: FixtureTensor[] = targets.flatMap(({ kohya, shape }) => {
    const out = shape[0]!;
    const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
    return [
      { name: `${kohya}.lora_down.weight`, shape: [rank, ...shape.slice(1)], data: randomValues(rank * inFlat, seed++, 0.3) },
      { name: `${kohya}.lora_up.weight`, shape: [out, rank, ...shape.slice(2).map(() => 1)], data: randomValues(out * rank, seed++, 0.3) },
      { name: `${kohya}.alpha`, shape: [], data: [alpha] },
    ];
  });
  return writeSafetensors(path.join(dir, file), tensors);
}

let files: { a: string; b: string; c: string };

beforeAll(async () => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs, { dtype: 'F32' });
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const pick = (re: RegExp, n: number): Target[] =>
    km.modules.filter((m) => m.kohyaName && re.test(m.kohyaName)).slice(0, n).map((m) => ({ kohya: m.kohyaName!, shape: m.target.baseShape }));
  const attn = pick(/attn1_to_q$|attn2_to_k$|attn1_to_out_0$/, 6);
  const conv = pick(/resnets_0_conv1$/, 2);
  const te = pick(/self_attn_v_proj$/, 2);
  files = {
    a: kohyaLora('a.safetensors', [...attn, ...conv], 4, 2),
    b: kohyaLora('b.safetensors', [...attn.slice(2), ...te], 2, 1),
    c: kohyaLora('c.safetensors', [...conv.slice(1), ...te.slice(0, 1), ...attn.slice(0, 1)], 3, 3),
  };
  pool = new WorkerPool({ size: 2 });
  await pool.ready();
  base = await openBaseModel(basePath);
});

afterAll(async () => {
  await base?.source.close();
  await pool?.terminate();
});

async function bake(model: ModelValue, name: string): Promise<Map<string, Float32Array>> {
  const out = path.join(dir, name);
  await saveModel(model, { out, dtype: 'same', pool });
  const f = await SafetensorsFile.open(out);
  const tensors = new Map<string, Float32Array>();
  for (const e of f.entries) if (e.dtype === 'F32') tensors.set(e.name, await f.readFloat32(e.name));
  await f.close();
  return tensors;
}

function maxDifference(x: Map<string, Float32Array>, y: Map<string, Float32Array>): { diff: number } {
  let diff = 0;
  for (const [name, a] of x) {
    const b = y.get(name)!;
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return { diff };
}

function applyAll(loras: readonly { lora: LoraValue; strength: number }[]): ModelValue {
  return loras.reduce((m, { lora, strength }) => applyLoraToModel(m, lora, strength), modelFromBase(base));
}

describe('combine then bake (real engine, worker pool)', () => {
  let inputs: CombineInput[];
  let eachInTurn: Map<string, Float32Array>;
  let untouched: Map<string, Float32Array>;

  beforeAll(async () => {
    inputs = [
      { lora: await loadLora(files.a), weight: 0.8 },
      { lora: await loadLora(files.b), weight: -0.5 },
      { lora: await loadLora(files.c), weight: 1.25 },
    ];
    eachInTurn = await bake(applyAll(inputs.map((i) => ({ lora: i.lora, strength: i.weight }))), 'each-in-turn.safetensors');
    untouched = await bake(modelFromBase(base), 'untouched.safetensors');
  });

  it('the LoRAs change the base (the comparison below can fail)', () => {
    expect(maxDifference(eachInTurn, untouched).diff).toBeGreaterThan(1e-2);
  });

  it('concat then apply equals applying each in turn', async () => {
    const combined = combineLoras(inputs, { method: 'concat' });
    expect(combined.modules.length).toBe(10);
    const baked = await bake(applyAll([{ lora: combined, strength: 1 }]), 'concat.safetensors');
    expect(maxDifference(baked, eachInTurn).diff).toBeLessThan(2e-6);
  });

  it('svd at a rank that keeps the whole stacked rank equals it too (the compress is then exact)', async () => {
    const combined = combineLoras(inputs, { method: 'svd', rank: 9 });
    const baked = await bake(applyAll([{ lora: combined, strength: 1 }]), 'svd-full.safetensors');
    expect(maxDifference(baked, eachInTurn).diff).toBeLessThan(2e-5);
  });

  it('a combined LoRA applied at strength s equals the inputs at s·w_i', async () => {
    const combined = combineLoras(inputs, { method: 'concat' });
    const half = await bake(applyAll([{ lora: combined, strength: 0.5 }]), 'concat-half.safetensors');
    const reference = await bake(applyAll(inputs.map((i) => ({ lora: i.lora, strength: 0.5 * i.weight }))), 'each-half.safetensors');
    expect(maxDifference(half, reference).diff).toBeLessThan(2e-6);
  });

  it('one LoRA at weight 1 through concat bakes the same as the LoRA itself', async () => {
    const one = combineLoras([{ lora: inputs[0]!.lora, weight: 1 }], { method: 'concat' });
    const baked = await bake(applyAll([{ lora: one, strength: 1 }]), 'one.safetensors');
    const direct = await bake(applyAll([{ lora: inputs[0]!.lora, strength: 1 }]), 'direct.safetensors');
    expect(maxDifference(baked, direct).diff).toBeLessThan(1e-6);
  });
});
