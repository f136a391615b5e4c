import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { magnitudeCut } from '../../../main/engine/merge-methods/magnitude-cut.js';
import { mergeTaskVectors } from '../../../main/engine/merge-methods/index.js';
import { randomValues, seededRandom } from '../../helpers/safetensors.js';
import { referenceMagnitudePrune } from './peft-reference.js';

function pruneWithEngine(values: Float32Array, density: number): number[] {
  return Array.from(mergeTaskVectors('m', [{ values, weight: 1 }], { method: 'magnitude_prune', density }));
}

function shuffled(values: Float32Array, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('magnitude cut (radix selection) against a full sort', () => {
  const cases: [string, Float32Array][] = [
    ['uniform random', randomValues(20_000, 1)],
    // Eight magnitudes, both signs, zeros and negative zeros: ties at almost every cut.
    ['heavy duplicates', Float32Array.from(randomValues(20_000, 2), (v) => Math.round(v * 4) / 4 || (v < 0 ? -0 : 0))],
    // Adjacent floats just above 1: all share the top 16 bits, so only the second pass separates them.
    ['one high bin', shuffled(Float32Array.from({ length: 5000 }, (_, j) => (j % 2 ? -1 : 1) * (1 + j * 2 ** -23)), 3)],
    ['with infinities and subnormals', Float32Array.from([Infinity, -Infinity, 1e-45, -1e-40, 3, -3, 0, 2, ...randomValues(100, 4)])],
  ];
  const densities = [0.0001, 0.01, 0.3, 0.5, 0.77, 0.999];

  it.each(cases)('%s: every density keeps exactly the reference set', (_, values) => {
    for (const density of densities) {
      const expected = referenceMagnitudePrune(values, density);
      const got = pruneWithEngine(values, density);
      expect(got.map((v) => v === 0)).toEqual(expected.map((v) => v === 0));
      // + 0 turns -0 into 0: the sign of a zero is not part of the contract.
      expect(got.map((v) => v + 0)).toEqual(Array.from(Float32Array.from(expected), (v) => v + 0));
      expect(got.filter((v, j) => values[j] !== 0 && v !== 0).length).toBeLessThanOrEqual(Math.floor(density * values.length));
    }
  });

  it('reports the k-th largest magnitude and how many equal values to keep', () => {
    const values = Float32Array.from([0.5, -0.5, 0.5, 0.25, -2]);
    const bitsOf = (x: number): number => new Int32Array(Float32Array.of(x).buffer)[0];
    // Sorted magnitudes 2, 0.5, 0.5, 0.5, 0.25: k = 3 cuts at 0.5 keeping two of its three.
    expect(magnitudeCut(values, 3, 'm', 0)).toEqual({ thresholdBits: bitsOf(0.5), tiesToKeep: 2 });
    expect(magnitudeCut(values, 1, 'm', 0)).toEqual({ thresholdBits: bitsOf(2), tiesToKeep: 1 });
    expect(magnitudeCut(values, 4, 'm', 0)).toEqual({ thresholdBits: bitsOf(0.5), tiesToKeep: 3 });
  });

  it('refuses NaN, naming the module and the input', () => {
    const values = Float32Array.from([1, NaN, 2]);
    let caught: unknown;
    try {
      mergeTaskVectors('lora_unet_mid_block_attn', [{ values: new Float32Array(3), weight: 1 }, { values, weight: 1 }], {
        method: 'ties',
        density: 0.5,
        majority: 'total',
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).code).toBe('merge-not-a-number');
    expect((caught as EngineError).message).toMatch(/lora_unet_mid_block_attn: input 1 has NaN at element 1/);
  });
});
