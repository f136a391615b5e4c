/** Inspect's numbers against independent references: dense SVD of ΔW, the effective-rank formula, brute-force sign conflicts. */
import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { fromArray } from '../../../main/engine/linalg/matrix.js';
import { singularValues } from '../../../main/engine/linalg/svd.js';
import { effectiveRank, moduleStats } from '../../../main/engine/ops/inspect-report/module-stats.js';
import { countSignConflicts } from '../../../main/engine/ops/inspect-report/sign-conflicts.js';
import type { ModuleSource } from '../../../main/engine/values/lora-value.js';
import { randomValues } from '../../helpers/safetensors.js';

const out = 10;
const inFlat = 14;
const rank = 4;
const factors = (seed: number): ModuleSource => ({ type: 'factors', scale: 0.5, factors: { up: randomValues(out * rank, seed, 1), down: randomValues(rank * inFlat, seed + 1, 1), rank, out, inFlat } });

async function dense(source: ModuleSource): Promise<Float32Array> {
  if (source.type !== 'factors') throw new Error('test: factors only');
  const d = await referenceMatMul.matmul(source.factors.up, source.factors.down, out, rank, inFlat);
  return d.map((v) => v * source.scale);
}

describe('module statistics', () => {
  it('‖ΔW‖ and the spectrum from the factors equal those of the dense delta (with strength)', async () => {
    const source = factors(1);
    const d = await dense(source);
    const want = singularValues(fromArray(d, out, inFlat));
    const s = await moduleStats({ module: 'm', source, kind: 'lora', deltaShape: [out, inFlat], coefficient: -2 }, referenceMatMul);
    const frob = Math.sqrt(d.reduce((acc, v) => acc + v * v, 0));
    expect(s.frobenius).toBeCloseTo(2 * frob, 4);
    expect(s.singularValues!.length).toBe(rank);
    for (let i = 0; i < rank; i++) expect(s.singularValues![i]!).toBeCloseTo(2 * want[i]!, 4);
    expect(s.effectiveRank).toBeGreaterThan(1);
    expect(s.effectiveRank).toBeLessThanOrEqual(rank);
  });

  it('a dense delta gets the same numbers as its factors', async () => {
    const source = factors(3);
    const viaFactors = await moduleStats({ module: 'm', source, kind: 'lora', deltaShape: [out, inFlat], coefficient: 1 }, referenceMatMul);
    const viaDense = await moduleStats({ module: 'm', source: { type: 'dense', delta: await dense(source) }, kind: 'full', deltaShape: [out, inFlat], coefficient: 1 }, referenceMatMul);
    expect(viaDense.frobenius).toBeCloseTo(viaFactors.frobenius, 4);
    for (let i = 0; i < rank; i++) expect(viaDense.singularValues![i]!).toBeCloseTo(viaFactors.singularValues![i]!, 3);
    expect(viaDense.effectiveRank!).toBeCloseTo(viaFactors.effectiveRank!, 3);
  });

  it('a fresh LoRA (zero up factor) has ‖ΔW‖ = 0 and no effective rank', async () => {
    const source: ModuleSource = { type: 'factors', scale: 1, factors: { up: new Float32Array(out * rank), down: randomValues(rank * inFlat, 5, 1), rank, out, inFlat } };
    expect(await moduleStats({ module: 'm', source, kind: 'lora', deltaShape: [out, inFlat], coefficient: 1 }, referenceMatMul)).toEqual({ frobenius: 0, singularValues: new Float64Array(0), effectiveRank: null });
  });

  it('effective rank is exp of the entropy of σ/Σσ', () => {
    expect(effectiveRank([3, 3, 3])).toBeCloseTo(3, 12);
    expect(effectiveRank([5, 0, 0])).toBeCloseTo(1, 12);
    const p = [0.5, 0.25, 0.25];
    expect(effectiveRank([2, 1, 1])).toBeCloseTo(Math.exp(-p.reduce((s, x) => s + x * Math.log(x), 0)), 12);
    expect(effectiveRank([])).toBeNull();
  });
});

describe('sign conflicts', () => {
  it('counts entries where two non-zero deltas disagree in sign, among those where two or more are non-zero', async () => {
    const a: ModuleSource = { type: 'dense', delta: Float32Array.of(1, -1, 0, 2, 3, 0) };
    const b: ModuleSource = { type: 'dense', delta: Float32Array.of(1, 1, 5, -2, 0, 0) };
    const c: ModuleSource = { type: 'dense', delta: Float32Array.of(0, 0, -1, 0, 0, 4) };
    const r = await countSignConflicts({ module: 'm', members: [{ source: a, coefficient: 1 }, { source: b, coefficient: 1 }, { source: c, coefficient: 1 }] }, referenceMatMul);
    // entries with ≥ 2 non-zero: 0 (1,1), 1 (−1,1), 2 (5,−1), 3 (2,−2) → conflicts at 1, 2, 3
    expect(r).toEqual({ entries: 4, conflicts: 3 });
    // A negative weight flips a member's signs.
    const flipped = await countSignConflicts({ module: 'm', members: [{ source: a, coefficient: 1 }, { source: b, coefficient: -1 }] }, referenceMatMul);
    expect(flipped).toEqual({ entries: 3, conflicts: 1 }); // a vs −b: (1,−1) conflicts, (−1,−1) and (2,2) agree
  });
});
