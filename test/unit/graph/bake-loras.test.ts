/**
 * Bake LoRAs: several LoRAs into one model with their connection strengths. `sum` equals chained Apply LoRA
 * nodes (same bytes); task_arithmetic is the same sum computed per tensor (Σ wᵢ·τᵢ, to fp32 accuracy); DARE
 * drops entries seeded (same seed, same bytes; another seed, other bytes). Save Model's max shard size "0"
 * writes one file (no limit), "500KB" shards.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineService, type EngineService } from '../../../main/engine/service/index.js';
import type { JsonValue } from '../../../shared/graph/document.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { GraphBuilder, T } from '../shared/builder.js';
import { makeDemoDir, runAndCollect } from './helpers/demo-dir.js';

let dir: string;
let service: EngineService;
beforeAll(async () => {
  dir = await makeDemoDir();
  service = createEngineService({ workers: 2, nodeImplOptions: { hashInputs: false } });
});
afterAll(async () => {
  await service.dispose();
});

const STRENGTHS = [0.6, -0.4];
const LORAS = ['style-lora.safetensors', 'character-lora.safetensors'];

async function run(g: GraphBuilder): Promise<string[]> {
  const r = await runAndCollect(service, g.doc, { baseDir: dir }, { noCache: true });
  expect(r.start.status, JSON.stringify(r.start)).toBe('started');
  expect(r.finished?.status, JSON.stringify(r.finished?.error)).toBe('ok');
  return r.finished!.outputs.files.flatMap((f) => f.files);
}

async function bake(out: string, params: Record<string, JsonValue>, shard = ''): Promise<string[]> {
  const g = new GraphBuilder();
  const m = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
  const b = g.node(T.bakeLoras, params);
  g.edge(m, 'model', b, 'model');
  LORAS.forEach((file, i) => g.edge(g.node(T.loadLora, { path: file }), 'lora', b, 'loras', { strength: STRENGTHS[i]! }));
  const s = g.node(T.saveModel, { path: out, dtype: 'fp32', maxShardSize: shard });
  g.edge(b, 'model', s, 'model');
  return run(g);
}

async function chained(out: string): Promise<void> {
  const g = new GraphBuilder();
  let model = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
  LORAS.forEach((file, i) => {
    const a = g.node(T.applyLora, { strength: STRENGTHS[i]!, teStrength: STRENGTHS[i]! });
    g.edge(model, 'model', a, 'model');
    g.edge(g.node(T.loadLora, { path: file }), 'lora', a, 'lora');
    model = a;
  });
  const s = g.node(T.saveModel, { path: out, dtype: 'fp32' });
  g.edge(model, 'model', s, 'model');
  await run(g);
}

async function read(file: string): Promise<Map<string, Float32Array>> {
  const f = await SafetensorsFile.open(path.join(dir, file));
  try {
    const m = new Map<string, Float32Array>();
    for (const e of f.entries) if (e.dtype !== 'I64') m.set(e.name, await f.readFloat32(e.name));
    return m;
  } finally {
    await f.close();
  }
}

function changedKeys(a: Map<string, Float32Array>, base: Map<string, Float32Array>): string[] {
  return [...a].filter(([k, v]) => v.some((x, i) => x !== base.get(k)![i])).map(([k]) => k);
}

describe('Bake LoRAs', () => {
  it('sum writes the same bytes as one Apply LoRA per LoRA, in order', async () => {
    await bake('out/sum.safetensors', { method: 'sum' });
    await chained('out/chain.safetensors');
    const [a, b, base] = [await read('out/sum.safetensors'), await read('out/chain.safetensors'), await read('sd15-tiny.safetensors')];
    expect(changedKeys(a, base).length).toBeGreaterThan(0);
    for (const [k, v] of b) expect(Buffer.from(a.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
  });

  it('task_arithmetic is the same weighted sum of the deltas, merged per tensor', async () => {
    await bake('out/ta.safetensors', { method: 'task_arithmetic' });
    const [ta, sum] = [await read('out/ta.safetensors'), await read('out/sum.safetensors')];
    let worst = 0;
    for (const [k, v] of sum) {
      const t = ta.get(k)!;
      for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(t[i]! - v[i]!) / (1 + Math.abs(v[i]!)));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('dare_linear is seeded: the same seed gives the same bytes, another seed other bytes, and both differ from the sum', async () => {
    await bake('out/dare-1.safetensors', { method: 'dare_linear', density: 0.5, seed: 1 });
    await bake('out/dare-1b.safetensors', { method: 'dare_linear', density: 0.5, seed: 1 });
    await bake('out/dare-2.safetensors', { method: 'dare_linear', density: 0.5, seed: 2 });
    const [a, b, c, sum] = [await read('out/dare-1.safetensors'), await read('out/dare-1b.safetensors'), await read('out/dare-2.safetensors'), await read('out/sum.safetensors')];
    const same = (x: Map<string, Float32Array>, y: Map<string, Float32Array>): boolean => [...x].every(([k, v]) => Buffer.from(v.buffer).equals(Buffer.from(y.get(k)!.buffer)));
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
    expect(same(a, sum)).toBe(false);
  });

  it('Save Model: max shard size "0" means no limit (one file); "500KB" writes shards and an index', async () => {
    const one = await bake('out/one.safetensors', { method: 'sum' }, '0');
    expect(one.map((f) => path.basename(f))).toEqual(['one.safetensors']);
    const shards = await bake('out/sharded/model.safetensors', { method: 'sum' }, '500KB');
    expect(shards.length).toBeGreaterThan(2);
    expect(shards.at(-1)).toMatch(/model\.safetensors\.index\.json$/);
  });
});
