/** Apply LoRA's two strengths: the UNet strength on UNet modules, the text-encoder strength on TE modules. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineService, type EngineService } from '../../../main/engine/service/index.js';
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

async function bake(out: string, strength: number, teStrength: number): Promise<Map<string, Float32Array>> {
  const g = new GraphBuilder();
  const m = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
  const l = g.node(T.loadLora, { path: 'style-lora.safetensors' });
  const a = g.node(T.applyLora, { strength, teStrength });
  const s = g.node(T.saveModel, { path: out, dtype: 'fp32' });
  g.edge(m, 'model', a, 'model');
  g.edge(l, 'lora', a, 'lora');
  g.edge(a, 'model', s, 'model');
  const r = await runAndCollect(service, g.doc, { baseDir: dir });
  expect(r.finished?.status).toBe('ok');
  return read(path.join(dir, out));
}

async function read(file: string): Promise<Map<string, Float32Array>> {
  const f = await SafetensorsFile.open(file);
  try {
    const m = new Map<string, Float32Array>();
    for (const e of f.entries) if (e.dtype !== 'I64') m.set(e.name, await f.readFloat32(e.name));
    return m;
  } finally {
    await f.close();
  }
}

describe('Apply LoRA strengths', () => {
  it('scales UNet and text-encoder modules separately: ΔW·0.5 on the UNet, nothing on the text encoder', async () => {
    const base = await read(path.join(dir, 'sd15-tiny.safetensors'));
    const full = await bake('out/full.safetensors', 1, 1);
    const split = await bake('out/split.safetensors', 0.5, 0);
    let unet = 0;
    let te = 0;
    for (const [k, w] of base) {
      const f = full.get(k)!;
      const s = split.get(k)!;
      const changed = f.some((v, i) => v !== w[i]);
      if (!changed) continue;
      if (k.startsWith('cond_stage_model.')) {
        te++;
        expect(s.every((v, i) => v === w[i])).toBe(true);
      } else {
        unet++;
        let worst = 0;
        for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(s[i]! - w[i]! - 0.5 * (f[i]! - w[i]!)));
        expect(worst).toBeLessThan(1e-6);
      }
    }
    expect(unet).toBeGreaterThan(0);
    expect(te).toBeGreaterThan(0);
  });
});
