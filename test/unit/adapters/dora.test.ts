import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { applyDoRA, computeModuleDelta, loadAdapter } from '../../../main/engine/adapters/index.js';
import { randomValues } from '../../helpers/safetensors.js';
import { expectClose, matmul64, rnd, tmpDir, write } from './helpers.js';

const f32 = (v: number[]) => Float32Array.from(v);

/** The DoRA formula written out: m ⊙ V / (‖V‖ + ε) with V = W + Δ, norm over rows or over column groups. */
function doraReference(w: ArrayLike<number>, d: ArrayLike<number>, m: ArrayLike<number>, norm: 'rows' | 'cols', out: number, inFlat: number, eps = 0): Float64Array {
  const v = new Float64Array(out * inFlat);
  for (let i = 0; i < v.length; i++) v[i] = w[i]! + d[i]!;
  const res = new Float64Array(v.length);
  if (norm === 'rows') {
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let j = 0; j < inFlat; j++) s += v[o * inFlat + j]! ** 2;
      for (let j = 0; j < inFlat; j++) res[o * inFlat + j] = (m[o]! * v[o * inFlat + j]!) / (Math.sqrt(s) + eps);
    }
    return res;
  }
  const group = inFlat / m.length;
  for (let c = 0; c < m.length; c++) {
    let s = 0;
    for (let o = 0; o < out; o++) for (let g = 0; g < group; g++) s += v[o * inFlat + c * group + g]! ** 2;
    for (let o = 0; o < out; o++) for (let g = 0; g < group; g++) res[o * inFlat + c * group + g] = (m[c]! * v[o * inFlat + c * group + g]!) / (Math.sqrt(s) + eps);
  }
  return res;
}

describe('applyDoRA', () => {
  it('per-row magnitude on hand-computed values', () => {
    // Rows [3, 4] and [1, 0] have norms 5 and 1: magnitudes 10 and 2 give [6, 8] and [2, 0].
    expect(Array.from(applyDoRA(f32([3, 4, 1, 0]), f32([0, 0, 0, 0]), f32([10, 2]), 'rows', 2, 2))).toEqual([6, 8, 2, 0]);
    // W + Δ = [3, 4]; a magnitude equal to its norm leaves it unchanged.
    expect(Array.from(applyDoRA(f32([1, 0]), f32([2, 4]), f32([5]), 'rows', 1, 2))).toEqual([3, 4]);
  });

  it('per-column magnitude on hand-computed values', () => {
    // Columns [3, 4] and [1, 0] have norms 5 and 1.
    const r = applyDoRA(f32([3, 1, 4, 0]), f32([0, 0, 0, 0]), f32([1, 3]), 'cols', 2, 2);
    expectClose(r, [0.6, 3, 0.8, 0], 1e-7);
  });

  it('epsilon is added to the norm, and normOf "base" takes the norm of W alone (ComfyUI output axis)', () => {
    expectClose(applyDoRA(f32([3, 4]), f32([0, 0]), f32([6]), 'rows', 1, 2, { epsilon: 1 }), [3, 4], 1e-7);
    expectClose(applyDoRA(f32([3, 4]), f32([3, 4]), f32([5]), 'rows', 1, 2), [3, 4], 1e-7);
    expectClose(applyDoRA(f32([3, 4]), f32([3, 4]), f32([5]), 'rows', 1, 2, { normOf: 'base' }), [6, 8], 1e-7);
  });

  it('matches the formula on random rows and on conv column groups (in channels × kernel taps)', () => {
    const w = randomValues(5 * 12, 1);
    const d = randomValues(5 * 12, 2, 0.1);
    const mRows = randomValues(5, 3);
    expectClose(applyDoRA(w, d, mRows, 'rows', 5, 12), doraReference(w, d, mRows, 'rows', 5, 12));
    const mCols = randomValues(3, 4); // in = 3 channels, 2×2 kernel → 12 columns
    expectClose(applyDoRA(w, d, mCols, 'cols', 5, 12, { epsilon: 2 ** -23 }), doraReference(w, d, mCols, 'cols', 5, 12, 2 ** -23));
  });

  it('refuses magnitudes that do not fit', () => {
    expect(() => applyDoRA(f32([1, 2]), f32([0, 0]), f32([1, 1]), 'rows', 1, 2)).toThrow(/per-row magnitude needs 1/);
    expect(() => applyDoRA(f32([1, 2, 3]), f32([0, 0, 0]), f32([1, 1]), 'cols', 1, 3)).toThrow(/does not divide 3 columns/);
    expect(() => applyDoRA(f32([1, 2]), f32([0]), f32([1]), 'rows', 1, 2)).toThrow(/must both hold/);
  });

  it('end to end with a PEFT DoRA module: W′ = m · (W + s·B·A) / ‖W + s·B·A‖ per row', async () => {
    const dir = path.join(tmpDir('dora'), 'peft');
    mkdirSync(dir, { recursive: true });
    const A = rnd('base_model.model.fc.lora_A.weight', [2, 6]);
    const B = rnd('base_model.model.fc.lora_B.weight', [4, 2]);
    const mag = rnd('base_model.model.fc.lora_magnitude_vector', [4]);
    write(dir, 'adapter_model.safetensors', [A, B, mag]);
    writeFileSync(path.join(dir, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 2, lora_alpha: 3, use_dora: true }));
    const a = await loadAdapter(dir);
    try {
      const m = a.modules[0]!;
      const base = randomValues(4 * 6, 9);
      const delta = await computeModuleDelta(a, m, referenceMatMul);
      const merged = applyDoRA(base, delta, await a.source.readFloat32(m.dora!.key), m.dora!.norm, 4, 6, { epsilon: m.dora!.epsilon });
      const sBA = matmul64(B.data, A.data, 4, 2, 6).map((v) => v * 1.5);
      expectClose(merged, doraReference(base, sBA, mag.data, 'rows', 4, 6));
    } finally {
      await a.source.close();
    }
  });
});
