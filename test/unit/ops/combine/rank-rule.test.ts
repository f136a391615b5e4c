import { describe, expect, it } from 'vitest';
import { chooseRank, checkRankRule } from '../../../../main/engine/module-source/rank-rule.js';
import { quantile, clampToQuantile, checkClampQuantile } from '../../../../main/engine/module-source/clamp-quantile.js';
import { factorsFromSVD } from '../../../../main/engine/module-source/svd-factors.js';

// Hand-computed with sd-scripts resize_lora.py (commit 063ef10) semantics.
const S = [10, 5, 2, 1, 0.5];

describe('chooseRank (kohya resize_lora rank_resize)', () => {
  it('fixed: k, capped at the number of values, at least 1', () => {
    expect(chooseRank({ values: S }, { type: 'fixed', rank: 3 })).toBe(3);
    expect(chooseRank({ values: S }, { type: 'fixed', rank: 9 })).toBe(5);
  });

  it('sv_ratio: the values above σ_0/param', () => {
    // 10/4 = 2.5: 10 and 5 are above → 2; 10/5 = 2: 2 is not strictly above → 2; 10/25 = 0.4 → all 5.
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_ratio', param: 4 })).toBe(2);
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_ratio', param: 5 })).toBe(2);
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_ratio', param: 25 })).toBe(5);
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_ratio', param: 1 })).toBe(1);
  });

  it('sv_cumulative: the smallest k whose Σσ fraction reaches param', () => {
    // Σ = 18.5; cumulative fractions 0.5405, 0.8108, 0.9189, 0.9730, 1.
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_cumulative', param: 0.5 })).toBe(1);
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_cumulative', param: 0.6 })).toBe(2);
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_cumulative', param: 0.95 })).toBe(4);
  });

  it('sv_fro: the smallest k whose retained Frobenius fraction reaches param (searchsorted on param²)', () => {
    // Σσ² = 130.25; cumulative fractions 0.7678, 0.9597, 0.9904, 0.9981, 1.
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_fro', param: Math.sqrt(0.7) })).toBe(1);
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_fro', param: 0.98 })).toBe(3);
    // Against a larger true total (a randomized SVD's top values only): more values are needed.
    expect(chooseRank({ values: S.slice(0, 3), frobeniusSquared: 200 }, { type: 'dynamic', method: 'sv_fro', param: 0.9 })).toBe(3);
  });

  it('caps at maxRank; a zero matrix (σ_0 ≤ 1e-6) gets rank 1', () => {
    expect(chooseRank({ values: S }, { type: 'dynamic', method: 'sv_ratio', param: 25, maxRank: 3 })).toBe(3);
    expect(chooseRank({ values: [1e-7, 0] }, { type: 'dynamic', method: 'sv_cumulative', param: 0.9 })).toBe(1);
    expect(chooseRank({ values: [] }, { type: 'dynamic', method: 'sv_fro', param: 0.9 })).toBe(1);
  });

  it('refuses bad rules with clear codes', () => {
    expect(() => checkRankRule({ type: 'fixed', rank: 0 })).toThrow(expect.objectContaining({ code: 'bad-rank' }));
    expect(() => checkRankRule({ type: 'fixed', rank: 2.5 })).toThrow(expect.objectContaining({ code: 'bad-rank' }));
    expect(() => checkRankRule({ type: 'dynamic', method: 'sv_fro', param: 1.5 })).toThrow(expect.objectContaining({ code: 'bad-rank-param' }));
    expect(() => checkRankRule({ type: 'dynamic', method: 'sv_ratio', param: 0.5 })).toThrow(expect.objectContaining({ code: 'bad-rank-param' }));
    expect(() => checkRankRule({ type: 'dynamic', method: 'sv_knee' as 'sv_fro', param: 0.5 })).toThrow(expect.objectContaining({ code: 'bad-rank-method' }));
    expect(checkRankRule({ type: 'dynamic', method: 'sv_ratio', param: 2, maxRank: 8 })).toEqual({ type: 'dynamic', method: 'sv_ratio', param: 2, maxRank: 8 });
  });
});

describe('kohya clamp quantile', () => {
  it('quantile interpolates linearly at q·(n−1), as torch.quantile', () => {
    expect(quantile(Float32Array.from([4, 1]), Float32Array.from([3, 2]), 0.5)).toBe(2.5);
    const hundred = Float32Array.from({ length: 100 }, (_, i) => i);
    expect(quantile(hundred, new Float32Array(0), 0.99)).toBeCloseTo(98.01, 4);
    expect(quantile(Float32Array.from([-5, 7]), new Float32Array(0), 1)).toBe(7);
  });

  it('clips both factors to [−hi, hi] with hi from their concatenation', () => {
    const up = Float32Array.from([-10, 1, 2]);
    const down = Float32Array.from([3, 4, 100]);
    // sorted: -10 1 2 3 4 100; q = 0.8 → position 4 → 4.
    clampToQuantile(up, down, 0.8);
    expect(Array.from(up)).toEqual([-4, 1, 2]);
    expect(Array.from(down)).toEqual([3, 4, 4]);
  });

  it('accepts (0, 1] only', () => {
    expect(checkClampQuantile(0.99)).toBe(0.99);
    expect(checkClampQuantile(undefined)).toBeUndefined();
    for (const q of [0, -0.1, 1.01, Number.NaN]) expect(() => checkClampQuantile(q)).toThrow(expect.objectContaining({ code: 'bad-clamp-quantile' }));
  });
});

describe('factorsFromSVD', () => {
  it('up·down = U·diag(S)·Vᵀ truncated, zero-padded to the declared rank', () => {
    // U = I₂ (2×2), S = [4, 1], V = I₂: the product is diag(4, 1); rank 1 keeps diag(4, 0).
    const svd = { U: Float32Array.from([1, 0, 0, 1]), S: [4, 1], V: Float32Array.from([1, 0, 0, 1]), k: 2 };
    const f = factorsFromSVD(svd, 2, 2, 1);
    expect(Array.from(f.up)).toEqual([2, 0]);
    expect(Array.from(f.down)).toEqual([2, 0]);
    const padded = factorsFromSVD(svd, 2, 2, 3);
    expect(Array.from(padded.up)).toEqual([2, 0, 0, 0, 1, 0]);
    expect(Array.from(padded.down)).toEqual([2, 0, 0, 1, 0, 0]);
  });
});
