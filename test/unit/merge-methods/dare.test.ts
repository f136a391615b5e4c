import { describe, expect, it } from 'vitest';
import { mergeTaskVectors, type TaskVector } from '../../../main/engine/merge-methods/index.js';
import { randomValues } from '../../helpers/safetensors.js';
import { referenceSignElectedMerge } from './peft-reference.js';

const MODULE = 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_k';

function dareLinear(tasks: TaskVector[], density: number, seed = 1234, module = MODULE): Float32Array {
  return mergeTaskVectors(module, tasks, { method: 'dare_linear', density, seed });
}

describe('dare_linear', () => {
  const n = 200_000;
  const density = 0.3;

  it('keeps each value as τ/density or drops it to 0', () => {
    const values = randomValues(5000, 21);
    const out = dareLinear([{ values, weight: 0.75 }], density);
    expect(out.filter((v) => v !== 0).length).toBeGreaterThan(1000);
    for (let j = 0; j < values.length; j++) {
      // w·(τ/d) in float64, rounded once to float32.
      if (out[j] !== 0) expect(out[j]).toBe(Math.fround(0.75 * (values[j] / density)));
    }
  });

  it('keeps a fraction ≈ density of the values (binomial, 5σ)', () => {
    const values = randomValues(n, 22);
    const out = dareLinear([{ values, weight: 1 }], density);
    const kept = out.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0);
    const sigma = Math.sqrt(n * density * (1 - density));
    expect(Math.abs(kept - n * density)).toBeLessThan(5 * sigma);
  });

  it('has the expectation of task_arithmetic: the summed deviation is within 5σ of 0, and its spread matches the variance', () => {
    const tasks = [
      { values: randomValues(n, 31), weight: 0.6 },
      { values: randomValues(n, 32, 0.5), weight: -1.1 },
      { values: randomValues(n, 33, 2), weight: 0.25 },
    ];
    const dare = dareLinear(tasks, density);
    const exact = mergeTaskVectors(MODULE, tasks, { method: 'task_arithmetic' });
    // Per element, out − Σ w τ = Σ_i w_i τ_i (B_i/d − 1) with independent B_i ~ Bernoulli(d):
    // mean 0, variance Σ_i w_i² τ_i² (1−d)/d. Y = (B/d − 1)² has E[Y] = (1−d)/d and E[Y²] = d(1/d − 1)⁴ + (1−d).
    const eY = (1 - density) / density;
    const varY = density * (1 / density - 1) ** 4 + (1 - density) - eY ** 2;
    let deviation = 0;
    let variance = 0;
    let squares = 0;
    let squaresExpected = 0;
    let squaresVariance = 0;
    for (let j = 0; j < n; j++) {
      const d = dare[j] - exact[j];
      deviation += d;
      squares += d * d;
      for (const t of tasks) {
        const a2 = (t.weight * t.values[j]) ** 2;
        variance += a2 * eY;
        squaresExpected += a2 * eY;
        squaresVariance += a2 * a2 * varY;
      }
    }
    expect(Math.abs(deviation)).toBeLessThan(5 * Math.sqrt(variance));
    // Cross terms between inputs add variance to Σd² but not bias; the tolerance covers single-input terms
    // only, so allow it twice.
    expect(Math.abs(squares - squaresExpected)).toBeLessThan(10 * Math.sqrt(squaresVariance));
  });

  it('draws independent masks for different inputs (overlap ≈ density², 5σ)', () => {
    const values = randomValues(n, 41);
    const a = dareLinear([{ values, weight: 1, index: 0 }], density);
    const b = dareLinear([{ values, weight: 1, index: 1 }], density);
    let both = 0;
    for (let j = 0; j < n; j++) if (a[j] !== 0 && b[j] !== 0) both++;
    const p = density * density;
    expect(Math.abs(both - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
  });

  it('is deterministic, and changes with the seed and the module name', () => {
    const tasks = [{ values: randomValues(10_000, 51), weight: 1 }];
    const first = dareLinear(tasks, 0.5, 9);
    expect(Array.from(dareLinear(tasks, 0.5, 9))).toEqual(Array.from(first));
    expect(Array.from(dareLinear(tasks, 0.5, 10))).not.toEqual(Array.from(first));
    expect(Array.from(dareLinear(tasks, 0.5, 9, `${MODULE}_2`))).not.toEqual(Array.from(first));
  });

  it('does not depend on the order of the inputs nor on the order modules are processed in', () => {
    const a: TaskVector = { values: randomValues(10_000, 61), weight: 0.8, index: 0 };
    const b: TaskVector = { values: randomValues(10_000, 62), weight: 1.3, index: 1 };
    const forward = Array.from(dareLinear([a, b], 0.4));
    expect(Array.from(dareLinear([b, a], 0.4))).toEqual(forward);

    const other = (): number[] => Array.from(dareLinear([a, b], 0.4, 1234, 'other.module'));
    const otherFirst = other();
    expect(Array.from(dareLinear([a, b], 0.4))).toEqual(forward);
    expect(other()).toEqual(otherFirst);
  });

  it('gives an input the same mask whether or not the inputs before it have the module', () => {
    const b: TaskVector = { values: randomValues(2000, 71), weight: 1, index: 2 };
    const alone = dareLinear([b], 0.5);
    const withOther = dareLinear([{ values: new Float32Array(2000), weight: 1, index: 0 }, b], 0.5);
    expect(Array.from(withOther)).toEqual(Array.from(alone));
  });
});

describe('dare_ties', () => {
  it('is PEFT ties (unweighted sign election, disjoint mean) on the DARE-pruned inputs', () => {
    const n = 4000;
    const density = 0.5;
    const vectors = [randomValues(n, 81), randomValues(n, 82), randomValues(n, 83)];
    const weights = [1, 0.5, -0.75];
    // Each input's pruned, rescaled values, read back through dare_linear with weight 1 and its own index.
    const pruned = vectors.map((values, index) => Array.from(dareLinear([{ values, weight: 1, index }], density)));
    for (const majority of ['total', 'frequency'] as const) {
      const expected = Float32Array.from(referenceSignElectedMerge(pruned, weights, majority));
      const got = mergeTaskVectors(
        MODULE,
        vectors.map((values, i) => ({ values, weight: weights[i] })),
        { method: 'dare_ties', density, seed: 1234, majority },
      );
      for (let j = 0; j < n; j++) expect(got[j]).toBeCloseTo(expected[j], 5);
    }
  });
});
