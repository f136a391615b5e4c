import { describe, expect, it } from 'vitest';
import { mergeTaskVectors, type TaskVector, type TaskVectorMergeOptions } from '../../../main/engine/merge-methods/index.js';
import { randomValues } from '../../helpers/safetensors.js';
import { referenceMagnitudePrune, referenceSignElectedMerge, referenceWeightedSum } from './peft-reference.js';

// Dyadic values and weights: every sum below is exact in float32, so the expectations are exact.
const t1 = [0.5, -0.25, 0.125, -0.875];
const t2 = [-0.375, 0.25, 0.0625, -0.125];
const t3 = [0.25, 0.625, -0.75, 0.1875];
const weights = [1, 0.5, 2];

function tasks(vectors: readonly (readonly number[])[], w: readonly number[]): TaskVector[] {
  return vectors.map((v, i) => ({ values: Float32Array.from(v), weight: w[i] }));
}

function merge(vectors: readonly (readonly number[])[], w: readonly number[], options: TaskVectorMergeOptions): number[] {
  return Array.from(mergeTaskVectors('unet.block.attn.to_q', tasks(vectors, w), options));
}

describe('task_arithmetic', () => {
  it('is Σ w_i τ_i', () => {
    // 0.5 - 0.1875 + 0.5, -0.25 + 0.125 + 1.25, 0.125 + 0.03125 - 1.5, -0.875 - 0.0625 + 0.375
    expect(merge([t1, t2, t3], weights, { method: 'task_arithmetic' })).toEqual([0.8125, 1.125, -1.34375, -0.5625]);
  });
});

describe('magnitude_prune', () => {
  it('keeps the top int(density·n) magnitudes of each input, then sums with the weights', () => {
    // density 0.5, n = 4 → k = 2: t1 keeps 0.5, -0.875; t2 keeps -0.375, 0.25; t3 keeps 0.625, -0.75.
    expect(merge([t1, t2, t3], weights, { method: 'magnitude_prune', density: 0.5 })).toEqual([0.3125, 1.375, -1.5, -0.875]);
  });

  it('breaks ties in magnitude at the threshold by keeping the lower indices', () => {
    const tie = [0.5, -0.5, 0.5, 0.25];
    expect(merge([tie], [1], { method: 'magnitude_prune', density: 0.5 })).toEqual([0.5, -0.5, 0, 0]);
    expect(merge([tie], [1], { method: 'magnitude_prune', density: 0.75 })).toEqual([0.5, -0.5, 0.5, 0]);
  });

  it('keeps floor(density·n) values: 0.26 of 10 keeps 2', () => {
    const v = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10].map((x) => x / 16);
    expect(merge([v], [1], { method: 'magnitude_prune', density: 0.26 })).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 9 / 16, -10 / 16]);
  });
});

describe('ties (PEFT semantics)', () => {
  it('trims, elects the sign of the summed trimmed values, averages the agreeing weighted values', () => {
    // Trimmed as in magnitude_prune. Votes Σ τ: 0.125 (+), 0.875 (+), -0.75 (-), -0.875 (-).
    // j0: t1 only → 0.5; j1: (0.5·0.25 + 2·0.625)/2 = 0.6875; j2: 2·(-0.75) = -1.5; j3: -0.875.
    const expected = [0.5, 0.6875, -1.5, -0.875];
    expect(merge([t1, t2, t3], weights, { method: 'ties', density: 0.5, majority: 'total' })).toEqual(expected);
    // Here the sign counts agree with the sums (j0: +1 -1 = 0 elects +).
    expect(merge([t1, t2, t3], weights, { method: 'ties', density: 0.5, majority: 'frequency' })).toEqual(expected);
  });

  it("'total' and 'frequency' differ when one large value outweighs two small ones", () => {
    const vectors = [[0.875], [-0.25], [-0.125]];
    // total: 0.875 - 0.375 = 0.5 → + → 0.875 alone.
    expect(merge(vectors, [1, 1, 1], { method: 'ties', density: 1, majority: 'total' })).toEqual([0.875]);
    // frequency: +1 -1 -1 = -1 → − → (-0.25 - 0.125) / 2.
    expect(merge(vectors, [1, 1, 1], { method: 'ties', density: 1, majority: 'frequency' })).toEqual([-0.1875]);
  });

  it('elects the sign before weighting (mergekit elects on weighted values and would give a negative result)', () => {
    // Unweighted vote 0.375 - 0.25 = 0.125 → +; result 0.5·0.375. Weighted it would be 0.1875 - 0.5 < 0.
    expect(merge([[0.375], [-0.25]], [0.5, 2], { method: 'ties', density: 1, majority: 'total' })).toEqual([0.1875]);
  });

  it('a tie in the vote elects + (torch.where(sign_magnitude >= 0, 1, -1))', () => {
    expect(merge([[0.5], [-0.5]], [1, 1], { method: 'ties', density: 1, majority: 'total' })).toEqual([0.5]);
  });

  it('a negative weight flips the agreeing value (the vote ignores weights)', () => {
    expect(merge([[0.5, -0.25]], [-1], { method: 'ties', density: 1, majority: 'total' })).toEqual([-0.5, 0.25]);
  });

  it('gives 0, not NaN, where every value was trimmed (nothing agrees, denominator clamped to 1)', () => {
    const out = merge([[0.5, 0.25, 0.125], [0.0625, -0.75, 0.125]], [1, 1], { method: 'ties', density: 0.34, majority: 'total' });
    // k = floor(0.34·3) = 1: the first keeps j0, the second j1; at j2 both were trimmed, no value agrees.
    expect(out).toEqual([0.5, -0.75, 0]);
  });
});

describe('against a literal reading of PEFT merge_utils on random vectors', () => {
  const n = 3001;
  const vectors = [randomValues(n, 11), randomValues(n, 12, 0.5), randomValues(n, 13, 2)].map((v) => Array.from(v));
  const w = [0.7, -0.3, 1.25];

  it.each([0.05, 0.2, 0.5, 0.9, 1])('magnitude_prune at density %s', (density) => {
    const expected = referenceWeightedSum(vectors.map((v) => referenceMagnitudePrune(v, density)), w);
    expect(merge(vectors, w, { method: 'magnitude_prune', density })).toEqual(Array.from(Float32Array.from(expected)));
  });

  it.each([
    [0.1, 'total'],
    [0.3, 'frequency'],
    [0.6, 'total'],
    [1, 'frequency'],
  ] as const)('ties at density %s, majority %s', (density, majority) => {
    const expected = referenceSignElectedMerge(vectors.map((v) => referenceMagnitudePrune(v, density)), w, majority);
    const got = merge(vectors, w, { method: 'ties', density, majority });
    const want = Float32Array.from(expected);
    for (let j = 0; j < n; j++) expect(got[j]).toBeCloseTo(want[j], 6);
  });
});

describe('invariants', () => {
  const single = randomValues(10_000, 5);
  single[17] = 0;
  const identityOptions: TaskVectorMergeOptions[] = [
    { method: 'task_arithmetic' },
    { method: 'magnitude_prune', density: 1 },
    { method: 'ties', density: 1, majority: 'total' },
    { method: 'ties', density: 1, majority: 'frequency' },
    { method: 'dare_linear', density: 1, seed: 3 },
    { method: 'dare_ties', density: 1, seed: 3, majority: 'total' },
  ];

  it.each(identityOptions)('one input at weight 1 through $method (density 1) is unchanged', (options) => {
    const out = mergeTaskVectors('m', [{ values: single, weight: 1 }], options);
    expect(out).not.toBe(single);
    expect(Array.from(out)).toEqual(Array.from(single));
  });

  it.each([
    { method: 'magnitude_prune', density: 1e-9 },
    { method: 'ties', density: 1e-9, majority: 'total' },
    { method: 'dare_linear', density: 1e-6, seed: 1 },
    { method: 'dare_ties', density: 1e-6, seed: 1, majority: 'frequency' },
  ] as TaskVectorMergeOptions[])('a tiny density through $method gives finite values, no NaN', (options) => {
    const out = mergeTaskVectors('m', [{ values: single, weight: 1 }, { values: randomValues(10_000, 6), weight: 0.5 }], options);
    expect(out.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('writes into `out`, which may be one of the inputs (in place)', () => {
    const a = Float32Array.from(t1);
    const b = Float32Array.from(t2);
    const out = mergeTaskVectors('m', [{ values: a, weight: 1 }, { values: b, weight: 0.5 }], { method: 'ties', density: 0.5, majority: 'total' }, a);
    expect(out).toBe(a);
    // Trimmed t1 [0.5,0,0,-0.875], t2 [-0.375,0.25,0,0]; votes +, +, + (0), −.
    expect(Array.from(a)).toEqual([0.5, 0.125, 0, -0.875]);
  });

  it('handles empty modules', () => {
    expect(mergeTaskVectors('m', [{ values: new Float32Array(0), weight: 1 }], { method: 'ties', density: 0.5, majority: 'total' })).toHaveLength(0);
  });
});
