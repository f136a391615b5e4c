import { describe, expect, it } from 'vitest';
import { addDelta, checkDeltaFits, readRegion, weightView, writeRegion } from '../../../../main/engine/ops/apply/add-delta.js';

const range = (n: number, k = 1): Float32Array => Float32Array.from({ length: n }, (_, i) => (i + 1) * k);

describe('addDelta', () => {
  it('adds c·ΔW over the whole weight', () => {
    const w = weightView(range(6), [2, 3]);
    addDelta(w, range(6, 10), 0.5, undefined, false);
    expect(Array.from(w.data)).toEqual([6, 12, 18, 24, 30, 36]);
  });

  it('adds into a row slice of a fused weight only', () => {
    const w = weightView(new Float32Array(12), [6, 2]);
    addDelta(w, Float32Array.from([1, 2, 3, 4]), 1, { start: 2, length: 2 }, false);
    expect(Array.from(w.data)).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0]);
  });

  it('adds ΔWᵀ onto a base stored [in, out]', () => {
    // ΔW [out=2, in=3] = [[1,2,3],[4,5,6]]; base [in=3, out=2].
    const w = weightView(new Float32Array(6), [3, 2]);
    addDelta(w, range(6), 2, undefined, true);
    expect(Array.from(w.data)).toEqual([2, 8, 4, 10, 6, 12]);
  });

  it('treats a linear ΔW on a 1×1 conv as the same layout', () => {
    const w = weightView(new Float32Array(6), [2, 3, 1, 1]);
    addDelta(w, range(6), 1, undefined, false);
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a delta of the wrong size, naming module and tensor', () => {
    const w = weightView(new Float32Array(6), [2, 3]);
    expect(() => checkDeltaFits('lora_unet_x', 'model.w', w, new Float32Array(4), undefined, false)).toThrow(/lora_unet_x.*model\.w/);
    expect(() => checkDeltaFits('m', 't', w, new Float32Array(2), { start: 1, length: 2 }, false)).toThrow(/outside/);
  });

  it('reads and writes a transposed region back unchanged', () => {
    const w = weightView(range(6), [3, 2]);
    const r = readRegion(w, undefined, true);
    expect(Array.from(r)).toEqual([1, 3, 5, 2, 4, 6]);
    const copy = weightView(new Float32Array(6), [3, 2]);
    writeRegion(copy, r, undefined, true);
    expect(Array.from(copy.data)).toEqual(Array.from(w.data));
  });
});
