/**
 * Merge Models and Select Model Layers end to end (graph → bake in the worker pool → file), checked against the
 * formulas on the files' own values: weighted sum (1 − α)·A + α·B, add difference A + m·(B − C) on top of A's
 * patches, revert to base, drop from output.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineService, type EngineService } from '../../../main/engine/service/index.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { writeSafetensors } from '../../helpers/safetensors.js';
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

async function tensors(file: string): Promise<Map<string, Float32Array>> {
  const f = await SafetensorsFile.open(file);
  try {
    const out = new Map<string, Float32Array>();
    for (const e of f.entries) if (e.dtype !== 'I64') out.set(e.name, await f.readFloat32(e.name));
    return out;
  } finally {
    await f.close();
  }
}

function expectClose(got: Float32Array, want: (i: number) => number, tol = 1e-6): void {
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want(i)));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('model steps', () => {
  it('weighted sum: (1 − α)·A + α·B per tensor, in fp32', async () => {
    const g = new GraphBuilder();
    const a = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const b = g.node(T.loadModel, { path: 'sd15-tiny-tuned.safetensors' });
    const m = g.node(T.mergeModels, { mode: 'weighted_sum', alpha: 0.3 });
    const s = g.node(T.saveModel, { path: 'out/ws.safetensors', dtype: 'fp32' });
    g.edge(a, 'model', m, 'a');
    g.edge(b, 'model', m, 'b');
    g.edge(m, 'model', s, 'model');
    const r = await runAndCollect(service, g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('ok');
    const [A, B, O] = await Promise.all(['sd15-tiny.safetensors', 'sd15-tiny-tuned.safetensors', 'out/ws.safetensors'].map((f) => tensors(path.join(dir, f))));
    let differing = 0;
    for (const [k, out] of O!) {
      const x = A!.get(k)!;
      const y = B!.get(k)!;
      expectClose(out, (i) => 0.7 * x[i]! + 0.3 * y[i]!, 1e-6);
      if (x.some((v, i) => v !== y[i])) differing++;
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('add difference A + m·(B − C), restricted to the output blocks by Select Model Layers (revert)', async () => {
    const g = new GraphBuilder();
    const a = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const b = g.node(T.loadModel, { path: 'sd15-tiny-tuned.safetensors' });
    const c = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const m = g.node(T.mergeModels, { mode: 'add_difference', multiplier: 0.7 });
    const sel = g.node(T.selectModelLayers, { mode: 'include', patterns: [], blocks: ['OUT00-OUT11'], effect: 'revert' });
    const s = g.node(T.saveModel, { path: 'out/ad.safetensors', dtype: 'fp32' });
    g.edge(a, 'model', m, 'a');
    g.edge(b, 'model', m, 'b');
    g.edge(c, 'model', m, 'c');
    g.edge(m, 'model', sel, 'model');
    g.edge(sel, 'model', s, 'model');
    const r = await runAndCollect(service, g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('ok');
    const [A, B, O] = await Promise.all(['sd15-tiny.safetensors', 'sd15-tiny-tuned.safetensors', 'out/ad.safetensors'].map((f) => tensors(path.join(dir, f))));
    let merged = 0;
    for (const [k, out] of O!) {
      const x = A!.get(k)!;
      const y = B!.get(k)!;
      if (k.startsWith('model.diffusion_model.output_blocks.')) {
        expectClose(out, (i) => x[i]! + 0.7 * (y[i]! - x[i]!), 1e-6);
        if (y.some((v, i) => v !== x[i])) merged++;
      } else expect(Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.byteLength), Buffer.from(x.buffer, x.byteOffset, x.byteLength))).toBe(0);
    }
    expect(merged).toBeGreaterThan(0);
  });

  it('drop leaves the tensors not kept out of the written file', async () => {
    const g = new GraphBuilder();
    const a = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const sel = g.node(T.selectModelLayers, { mode: 'exclude', patterns: ['cond_stage_model.'], blocks: [], effect: 'drop' });
    const s = g.node(T.saveModel, { path: 'out/unet-only.safetensors' });
    g.edge(a, 'model', sel, 'model');
    g.edge(sel, 'model', s, 'model');
    const r = await runAndCollect(service, g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('ok');
    const f = await SafetensorsFile.open(path.join(dir, 'out/unet-only.safetensors'));
    const names = f.entries.map((e) => e.name);
    await f.close();
    expect(names.length).toBeGreaterThan(100);
    expect(names.some((n) => n.startsWith('cond_stage_model.'))).toBe(false);
  });

  it('stops before writing when tensors of A and B differ in shape, naming them', async () => {
    writeSafetensors(path.join(dir, 'odd.safetensors'), [
      { name: 'model.diffusion_model.out.2.weight', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'cond_stage_model.transformer.text_model.final_layer_norm.weight', shape: [3], data: [1, 1, 1] },
    ]);
    const g = new GraphBuilder();
    const a = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const b = g.node(T.loadModel, { path: 'odd.safetensors' });
    const m = g.node(T.mergeModels, { mode: 'weighted_sum' });
    const s = g.node(T.saveModel, { path: 'out/mismatch.safetensors' });
    g.edge(a, 'model', m, 'a');
    g.edge(b, 'model', m, 'b');
    g.edge(m, 'model', s, 'model');
    const r = await runAndCollect(service, g.doc, { baseDir: dir });
    expect(r.finished?.status).toBe('failed');
    const failed = r.events.find((e) => e.type === 'node-failed');
    expect(failed).toMatchObject({ nodeId: m, code: 'merge-shape-mismatch' });
    expect(failed?.type === 'node-failed' && failed.message).toMatch(/2 tensors differ in shape between A and B:\n {2}- model\.diffusion_model\.out\.2\.weight: \[\d+, \d+, 3, 3\] in A, \[2, 2\] in B/);
    expect(r.events.some((e) => e.type === 'log' && /tensors of A are missing from B and keep A's values/.test(e.message))).toBe(false); // it failed first
    expect(existsSync(path.join(dir, 'out/mismatch.safetensors'))).toBe(false);
  });
});
