import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { kohyaMergeModule, type KohyaFactors } from '../../../main/engine/merge-methods/index.js';

const MODULE = 'lora_unet_mid_block_attentions_0_proj_in';

/** out × in product of up (out × r) and down (r × in), row-major, float64. */
function product(up: ArrayLike<number>, down: ArrayLike<number>, rank: number): number[][] {
  const out = up.length / rank;
  const inDim = down.length / rank;
  return Array.from({ length: out }, (_, o) =>
    Array.from({ length: inDim }, (_, i) => {
      let s = 0;
      for (let k = 0; k < rank; k++) s += up[o * rank + k] * down[k * inDim + i];
      return s;
    }),
  );
}

function expectMatrixClose(got: number[][], want: number[][], digits = 6): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, o) => row.forEach((v, i) => expect(v).toBeCloseTo(want[o][i], digits)));
}

function effective(r: { up: Float32Array; down: Float32Array; rank: number; alpha: number }): number[][] {
  return product(r.up, r.down, r.rank).map((row) => row.map((v) => (v * r.alpha) / r.rank));
}

// Rank 1, 2 → 2 features: ΔW_A = 0.5·[3;4]·[1 2], ΔW_B = 1·[2;1]·[-1 1].
const A: KohyaFactors = { down: Float32Array.of(1, 2), up: Float32Array.of(3, 4), rank: 1, alpha: 0.5 };
const B: KohyaFactors = { down: Float32Array.of(-1, 1), up: Float32Array.of(2, 1), rank: 1, alpha: 1 };
const ratios = [0.8, -0.5];
// c_A = sqrt(0.5/0.5)·0.8 = 0.8; c_B = sqrt(1/0.5)·(−0.5) = −0.70710678 (float32: 0.70710677).
const cA = 0.8;
const cB = 0.70710677;

describe('kohya merge_lora_models, default path', () => {
  const merged = kohyaMergeModule(MODULE, [A, B], ratios, { concat: false });

  it('sums c_i·down_i and |c_i|·up_i, keeps the first alpha and the rank', () => {
    expect(merged.rank).toBe(1);
    expect(merged.alpha).toBe(0.5);
    // down = 0.8·[1 2] − 0.70710677·[−1 1]; up = 0.8·[3 4] + 0.70710677·[2 1].
    expect(merged.down[0]).toBeCloseTo(cA + cB, 6);
    expect(merged.down[1]).toBeCloseTo(2 * cA - cB, 6);
    expect(merged.up[0]).toBeCloseTo(3 * cA + 2 * cB, 6);
    expect(merged.up[1]).toBeCloseTo(4 * cA + cB, 6);
  });

  it('applies as (alpha/r)·up·down, cross terms included, which is not the exact weighted sum', () => {
    // (1.50710677, 0.89289323) under (3.81421354, 3.90710677), times 0.5/1.
    expectMatrixClose(effective(merged), [
      [0.5 * 3.81421354 * 1.50710677, 0.5 * 3.81421354 * 0.89289323],
      [0.5 * 3.90710677 * 1.50710677, 0.5 * 3.90710677 * 0.89289323],
    ]);
    // Exact: 0.8·0.5·[[3,6],[4,8]] − 0.5·1·[[−2,2],[−1,1]].
    const exact = [
      [2.2, 1.4],
      [2.1, 2.7],
    ];
    expect(Math.abs(effective(merged)[0][0] - exact[0][0])).toBeGreaterThan(0.5);
  });

  it('squares the ratio of a single LoRA but keeps its sign', () => {
    // Rank 2, 3 → 2; alpha 4: exact ΔW = −0.5·(4/2)·up·down, kohya's −0.5·|−0.5|·(4/2)·up·down.
    const single: KohyaFactors = { down: Float32Array.of(1, 0, 2, 0, 1, -1), up: Float32Array.of(1, 2, 3, -1), rank: 2, alpha: 4 };
    const r = kohyaMergeModule(MODULE, [single], [-0.5], { concat: false });
    // up·down: row0 = 1·[1 0 2] + 2·[0 1 −1] = [1 2 0]; row1 = 3·[1 0 2] − [0 1 −1] = [3 −1 7].
    expectMatrixClose(effective(r), [
      [-0.5, -1, 0],
      [-1.5, 0.5, -3.5],
    ]);
  });

  it('uses the rank as alpha when a LoRA has none, and the first LoRA that has the module sets the alpha', () => {
    const noAlpha: KohyaFactors = { down: Float32Array.of(1, 1), up: Float32Array.of(1, 1), rank: 1 };
    const withAlpha: KohyaFactors = { down: Float32Array.of(1, 0), up: Float32Array.of(0, 1), rank: 1, alpha: 4 };
    // base alpha = 1 (the rank); c = sqrt(4/1)·1 = 2 for the second.
    const r = kohyaMergeModule(MODULE, [noAlpha, withAlpha], [1, 1], { concat: false });
    expect(r.alpha).toBe(1);
    expect(Array.from(r.down)).toEqual([3, 1]);
    expect(Array.from(r.up)).toEqual([1, 3]);
    // Missing from the first LoRA: the second one's alpha becomes the base, its scale is the plain ratio.
    const later = kohyaMergeModule(MODULE, [undefined, withAlpha], [1, 0.25], { concat: false });
    expect(later.alpha).toBe(4);
    expect(Array.from(later.down)).toEqual([0.25, 0]);
    expect(Array.from(later.up)).toEqual([0, 0.25]);
  });

  it('refuses different ranks, as sd-scripts does, naming the module', () => {
    const rank2: KohyaFactors = { down: new Float32Array(4), up: new Float32Array(4), rank: 2, alpha: 1 };
    let caught: unknown;
    try {
      kohyaMergeModule(MODULE, [A, rank2], [1, 1], { concat: false });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).code).toBe('kohya-merge-rank-mismatch');
    expect((caught as EngineError).message).toContain(MODULE);
  });

  it('refuses a first alpha of 0 (sd-scripts divides by it) and a wrong ratio count', () => {
    const zero: KohyaFactors = { ...A, alpha: 0 };
    expect(() => kohyaMergeModule(MODULE, [zero, B], ratios, { concat: false })).toThrow(/sqrt\(alpha_i \/ alpha_first\)/);
    expect(() => kohyaMergeModule(MODULE, [A, B], [1], { concat: false })).toThrow(/2 inputs but 1 ratios/);
  });
});

describe('kohya merge_lora_models --concat', () => {
  it('stacks c_i·down_i and |c_i|·up_i, keeps the first alpha: each term scaled by ratio·|ratio|·alpha_i/Σr', () => {
    const r = kohyaMergeModule(MODULE, [A, B], ratios, { concat: true });
    expect(r.rank).toBe(2);
    expect(r.alpha).toBe(0.5);
    const down = Array.from(r.down);
    const up = Array.from(r.up);
    [cA, 2 * cA, cB, -cB].forEach((v, j) => expect(down[j]).toBeCloseTo(v, 6));
    [3 * cA, 2 * cB, 4 * cA, cB].forEach((v, j) => expect(up[j]).toBeCloseTo(v, 6));
    // Σ ratio_i|ratio_i|·alpha_i/Σr·up_i·down_i = 0.64·0.5/2·[[3,6],[4,8]] − 0.25·1/2·[[−2,2],[−1,1]].
    expectMatrixClose(effective(r), [
      [0.73, 0.71],
      [0.765, 1.155],
    ]);
  });

  it('concatenates different ranks, placing each LoRA\'s up columns next to each other', () => {
    const C: KohyaFactors = { down: Float32Array.of(1, 0, 0, 1), up: Float32Array.of(1, 2, 3, 4), rank: 2, alpha: 1 };
    const r = kohyaMergeModule(MODULE, [A, C], [0.8, 1], { concat: true });
    const cC = Math.SQRT2; // sqrt(1/0.5)·1
    expect(r.rank).toBe(3);
    [3 * cA, 1 * cC, 2 * cC, 4 * cA, 3 * cC, 4 * cC].forEach((v, j) => expect(r.up[j]).toBeCloseTo(v, 6));
    [cA, 2 * cA, cC, 0, 0, cC].forEach((v, j) => expect(r.down[j]).toBeCloseTo(v, 6));
  });
});
