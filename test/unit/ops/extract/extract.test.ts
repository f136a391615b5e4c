/**
 * extractLora on real checkpoints in a temporary directory: a tiny SD 1.5 base and a tuned copy that is
 * base + a known low-rank ΔW on chosen weights (a linear layer, a 1×1 and a 3×3 conv, a text-encoder q slice
 * of nothing fused, …), a barely changed one and untouched ones. Checks: which modules are extracted and
 * which skipped (kohya's min_diff rule) in the one pass that also computes the SVDs, the recovered ΔW (error ≈ fp32 rounding when rank ≥ true rank), the
 * singular values, the orientation of a transposed (GPT-2 Conv1D) weight, and the errors for mismatched
 * checkpoints.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../../main/engine/compute/matmul.js';
import { WorkerPool } from '../../../../main/engine/compute/worker-pool.js';
import type { EngineError } from '../../../../main/engine/errors.js';
import { gpt2Tensors } from '../../../../main/engine/naming/architectures/gpt2.js';
import { sd15Checkpoint, sd2Checkpoint } from '../../../../main/engine/naming/architectures/stable-diffusion.js';
import type { TensorSpec } from '../../../../main/engine/naming/architectures/spec.js';
import { buildKeyMap } from '../../../../main/engine/naming/key-map.js';
import { extractLora, type ExtractResult } from '../../../../main/engine/ops/extract/index.js';
import { openBaseModel } from '../../../../main/engine/ops/load.js';
import { moduleFactors } from '../../../../main/engine/module-source/evaluate.js';
import type { BaseModel } from '../../../../main/engine/values/model-value.js';
import { writeSafetensors, type FixtureTensor } from '../../../helpers/safetensors.js';
import { syntheticTensors } from '../../../helpers/synthetic-base.js';
import { spectrumFactors } from '../resize/spectrum-lora.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-extract-'));
let pool: WorkerPool;
const open: BaseModel[] = [];

async function model(file: string): Promise<BaseModel> {
  const m = await openBaseModel(file);
  open.push(m);
  return m;
}

interface Change {
  kohya: string;
  sigma: number[];
}

/** Writes base.safetensors and tuned.safetensors (= base + U·diag(σ)·Vᵀ on the given weights); returns ΔW per kohya name. */
function writePair(specs: TensorSpec[], changes: Change[], tag: string, tweak?: (t: FixtureTensor[]) => void): { base: string; tuned: string; deltas: Map<string, { out: number; inFlat: number; values: Float32Array }> } {
  const baseTensors = syntheticTensors(specs);
  const tuned = baseTensors.map((t) => ({ ...t, data: t.data instanceof Float32Array ? t.data.slice() : t.data }));
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const deltas = new Map<string, { out: number; inFlat: number; values: Float32Array }>();
  changes.forEach((c, i) => {
    const m = km.modules.find((x) => x.kohyaName === c.kohya || x.peftName === c.kohya);
    if (!m) throw new Error(`fixture: ${c.kohya} missing`);
    const shape = m.target.baseShape;
    const [out, inFlat] = m.target.transpose ? [shape[1]!, shape[0]!] : [m.target.slice?.length ?? shape[0]!, shape.slice(1).reduce((a, b) => a * b, 1)];
    const f = spectrumFactors(out, inFlat, c.sigma, 300 + i);
    const values = new Float32Array(out * inFlat);
    for (let o = 0; o < out; o++) for (let r = 0; r < f.rank; r++) for (let j = 0; j < inFlat; j++) values[o * inFlat + j]! += f.up[o * f.rank + r]! * f.down[r * inFlat + j]!;
    const t = tuned.find((x) => x.name === m.target.baseKey)!;
    const data = t.data as Float32Array;
    const rowStart = m.target.slice?.start ?? 0;
    for (let o = 0; o < out; o++) {
      for (let j = 0; j < inFlat; j++) {
        const at = m.target.transpose ? j * out + o : (rowStart + o) * inFlat + j;
        data[at] = Math.fround(data[at]! + values[o * inFlat + j]!);
      }
    }
    deltas.set(c.kohya, { out, inFlat, values });
  });
  tweak?.(tuned);
  const base = writeSafetensors(path.join(dir, `${tag}-base.safetensors`), baseTensors);
  const tunedPath = writeSafetensors(path.join(dir, `${tag}-tuned.safetensors`), tuned);
  return { base, tuned: tunedPath, deltas };
}

const CHANGES: Change[] = [
  { kohya: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', sigma: [0.5, 0.2] },
  { kohya: 'lora_unet_down_blocks_1_attentions_0_proj_in', sigma: [0.4, 0.3, 0.1] }, // 1×1 conv
  { kohya: 'lora_unet_mid_block_attentions_0_transformer_blocks_0_ff_net_2', sigma: [1, 0.5, 0.25] }, // 32 × 128: randomized SVD
  { kohya: 'lora_unet_down_blocks_1_resnets_0_conv1', sigma: [0.6, 0.1] }, // 3×3 conv
  { kohya: 'lora_te_text_model_encoder_layers_1_self_attn_v_proj', sigma: [0.3] },
  { kohya: 'lora_unet_up_blocks_1_attentions_0_proj_out', sigma: [0.004] }, // max |ΔW| below 0.01: skipped
];

beforeAll(async () => {
  pool = new WorkerPool({ size: 2 });
  await pool.ready();
});
afterAll(async () => {
  for (const m of open) await m.source.close();
  await pool.close();
});

/** A kept module's ΔW (scale·up·down) and the singular values its SVD reported. */
async function reconstruct(result: ExtractResult, name: string): Promise<{ values: Float32Array; sigma: Float64Array; rank: number; retained: number }> {
  const m = result.lora.modules.find((x) => x.name === name)!;
  const r = await moduleFactors(m.source, referenceMatMul);
  const d = await referenceMatMul.matmul(r.factors.up, r.factors.down, r.factors.out, r.factors.rank, r.factors.inFlat);
  const saved = result.modules.find((x) => x.name === name)!;
  expect(saved.rank).toBe(r.factors.rank);
  return { values: d.map((v) => v * r.scale), sigma: saved.compression!.singularValues, rank: r.factors.rank, retained: saved.compression!.frobeniusRetained };
}

describe('extractLora (SD 1.5)', () => {
  it('extracts exactly the changed weights, skips the barely changed one, and recovers ΔW and its singular values', async () => {
    const { base, tuned, deltas } = writePair(sd15Checkpoint({ size: 'tiny' }), CHANGES, 'sd15');
    const result = await extractLora(await model(base), await model(tuned), { rank: { type: 'fixed', rank: 4 }, convRank: 4 }, { pool });
    const { lora, report } = result;
    expect(result.modules.map((m) => m.name).sort()).toEqual(CHANGES.slice(0, 5).map((c) => c.kohya).sort());
    const names = lora.modules.map((m) => m.name).sort();
    expect(names).toEqual(CHANGES.slice(0, 5).map((c) => c.kohya).sort());
    const skipped = report.skipped.find((s) => s.name === CHANGES[5]!.kohya)!;
    expect(skipped.maxAbs).toBeGreaterThan(0);
    expect(skipped.maxAbs).toBeLessThanOrEqual(0.01);
    // Its ΔW is σ·u·vᵀ with σ = 0.004: ‖ΔW‖_F = σ (up to the fp32 rounding of the stored tuned weights).
    expect(skipped.norm).toBeCloseTo(0.004, 5);
    expect(report.skipped.filter((s) => s.maxAbs > 0)).toHaveLength(1);
    expect(lora.architecture.family).toBe('sd1');
    for (const c of CHANGES.slice(0, 5)) {
      const m = lora.modules.find((x) => x.name === c.kohya)!;
      expect(m.rank).toBe(Math.min(4, m.deltaShape[0]!, m.deltaShape.slice(1).reduce((a, b) => a * b, 1)));
      const want = deltas.get(c.kohya)!;
      const got = await reconstruct(result, c.kohya);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < want.values.length; i++) {
        err += (got.values[i]! - want.values[i]!) ** 2;
        norm += want.values[i]! ** 2;
      }
      // Exact up to fp32 rounding of the stored weights (the difference of two fp32 tensors).
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-5);
      c.sigma.forEach((s, i) => expect(got.sigma[i]).toBeCloseTo(s, 5));
      // rank ≥ the true rank: the kept σ hold all of ‖ΔW‖_F (measured in the pass that compared the weights).
      expect(got.retained).toBeCloseTo(1, 5);
    }
  });

  it('the seed drives the randomized SVD of full-size matrices: same seed, same factors; another seed, the same ΔW', async () => {
    const { base, tuned, deltas } = writePair(sd15Checkpoint({ size: 'tiny' }), CHANGES, 'sd15-seed');
    const ff = CHANGES[2]!.kohya; // 32 × 128 at rank 4: the randomized path
    const run = async (seed: number) => {
      const { lora } = await extractLora(await model(base), await model(tuned), { rank: { type: 'fixed', rank: 4 }, seed }, { pool });
      const m = lora.modules.find((x) => x.name === ff)!;
      return moduleFactors(m.source, referenceMatMul);
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(11);
    expect(Array.from(b.factors.up)).toEqual(Array.from(a.factors.up));
    expect(Array.from(c.factors.up)).not.toEqual(Array.from(a.factors.up));
    const want = deltas.get(ff)!;
    for (const r of [a, c]) {
      const d = await referenceMatMul.matmul(r.factors.up, r.factors.down, r.factors.out, r.factors.rank, r.factors.inFlat);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < want.values.length; i++) {
        err += (d[i]! * r.scale - want.values[i]!) ** 2;
        norm += want.values[i]! ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-5);
    }
  });

  it('leaves 3×3 convolutions out without a conv rank, and text encoders when asked', async () => {
    const { base, tuned } = writePair(sd15Checkpoint({ size: 'tiny' }), CHANGES, 'sd15b');
    const { lora } = await extractLora(await model(base), await model(tuned), { rank: { type: 'fixed', rank: 2 }, textEncoders: false }, { pool });
    expect(lora.modules.map((m) => m.name).sort()).toEqual([CHANGES[0]!.kohya, CHANGES[1]!.kohya, CHANGES[2]!.kohya].sort());
    expect(lora.modules.every((m) => m.rank === 2)).toBe(true);
  });

  it('chooses ranks dynamically (sv_fro)', async () => {
    const { base, tuned } = writePair(sd15Checkpoint({ size: 'tiny' }), CHANGES.slice(0, 3), 'sd15c');
    const result = await extractLora(await model(base), await model(tuned), { rank: { type: 'dynamic', method: 'sv_fro', param: 0.95, maxRank: 8 } }, { pool });
    // [1, 0.5, 0.25]: √(1/1.3125) = 0.873 < 0.95, √(1.25/1.3125) = 0.976 ≥ 0.95 → 2
    const ff = await reconstruct(result, CHANGES[2]!.kohya);
    expect(ff.rank).toBe(2);
    expect(result.lora.modules.find((m) => m.name === CHANGES[2]!.kohya)!.rank).toBe(2);
  });

  it('refuses checkpoints of two architectures, other shapes, or missing weights, naming the tensors', async () => {
    const sd15 = writePair(sd15Checkpoint({ size: 'tiny' }), [], 'x1');
    const sd2 = writePair(sd2Checkpoint({ size: 'tiny' }), [], 'x2');
    const arch = await extractLora(await model(sd15.base), await model(sd2.base), { rank: { type: 'fixed', rank: 2 } }, { pool }).catch((e: unknown) => e);
    expect((arch as EngineError).code).toBe('extract-architecture-mismatch');
    expect((arch as EngineError).message).toContain('sd1');
    expect((arch as EngineError).message).toContain('sd2');

    const key = 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight';
    const reshaped = writePair(sd15Checkpoint({ size: 'tiny' }), [], 'x3', (t) => {
      const i = t.findIndex((x) => x.name === key);
      t[i] = { name: key, shape: [4, 16], data: new Float32Array(64) };
    });
    const shape = await extractLora(await model(reshaped.base), await model(reshaped.tuned), { rank: { type: 'fixed', rank: 2 } }, { pool }).catch((e: unknown) => e);
    expect((shape as EngineError).code).toBe('extract-shape-mismatch');
    expect((shape as EngineError).message).toContain(key);
    expect((shape as EngineError).message).toContain('[8,8]');

    const dropped = writePair(sd15Checkpoint({ size: 'tiny' }), [], 'x4', (t) => t.splice(t.findIndex((x) => x.name === key), 1));
    const missing = await extractLora(await model(dropped.base), await model(dropped.tuned), { rank: { type: 'fixed', rank: 2 } }, { pool }).catch((e: unknown) => e);
    expect((missing as EngineError).code).toBe('extract-missing-weights');
    expect((missing as EngineError).message).toContain(key);

    const same = await extractLora(await model(sd15.base), await model(sd15.tuned), { rank: { type: 'fixed', rank: 2 } }, { pool }).catch((e: unknown) => e);
    expect((same as EngineError).code).toBe('extract-no-difference');
  });
});

describe('extractLora (GPT-2: weights stored [in, out])', () => {
  it('names modules the PEFT way and gives ΔW in module orientation', async () => {
    const specs = gpt2Tensors({ layers: 2, hidden: 16, vocab: 50, positions: 8 });
    const { base, tuned, deltas } = writePair(specs, [{ kohya: 'base_model.model.transformer.h.1.attn.c_attn', sigma: [0.7, 0.3] }], 'gpt2');
    const result = await extractLora(await model(base), await model(tuned), { rank: { type: 'fixed', rank: 2 } }, { pool });
    expect(result.lora.modules.map((m) => m.name)).toEqual(['base_model.model.transformer.h.1.attn.c_attn']);
    const m = result.lora.modules[0]!;
    expect(m.deltaShape).toEqual([48, 16]);
    const got = await reconstruct(result, m.name);
    const want = deltas.get('base_model.model.transformer.h.1.attn.c_attn')!;
    for (let i = 0; i < want.values.length; i++) expect(got.values[i]).toBeCloseTo(want.values[i]!, 5);
  });
});
