/** Probe's three outputs against the formulas, computed independently here in float64. */
import { describe, expect, it } from 'vitest';
import { probeInput, probeLayer } from '../../../main/engine/ops/probe/probe-layer.js';
import { randomValues } from '../../helpers/safetensors.js';

function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
    c[i * n + j] = s;
  }
  return c;
}

const out = 12;
const inFlat = 20;
const rank = 3;
const batch = 5;
const weight = randomValues(out * inFlat, 1, 0.5);
const up = randomValues(out * rank, 2, 0.7);
const down = randomValues(rank * inFlat, 3, 0.7);

describe('probeLayer', () => {
  it('gives W·X, W·X + m·s·B·(A·X) and (W + m·s·B·A)·X, fused agreeing with unfused to fp32 precision', () => {
    const scale = 0.5;
    const m = 0.8;
    const r = probeLayer({ weight, out, inFlat, factors: { up, down, rank, scale }, strength: m, batch, seed: 9 });
    const x = probeInput(inFlat, batch, 9);
    const y0 = matmul64(weight, x, out, inFlat, batch);
    const ba = matmul64(up, down, out, rank, inFlat);
    const y1 = y0.map((v, i) => v + m * scale * matmul64(ba, x, out, inFlat, batch)[i]!);
    const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, t) => s + t * t, 0));
    const outputs = Object.fromEntries(r.outputs.map((o) => [o.name, o.norm]));
    expect(outputs.base).toBeCloseTo(norm(y0), 10);
    expect(outputs.unfused).toBeCloseTo(norm(y1), 10);
    const fusedVsUnfused = r.comparisons.find((c) => c.a === 'fused' && c.b === 'unfused')!;
    expect(fusedVsUnfused.relativeL2).toBeGreaterThan(0); // W' is rounded to fp32 once
    expect(fusedVsUnfused.relativeL2).toBeLessThan(1e-6);
    const change = r.comparisons.find((c) => c.a === 'unfused' && c.b === 'base')!;
    const diff = y1.map((v, i) => v - y0[i]!);
    expect(change.relativeL2).toBeCloseTo(norm(diff) / norm(y0), 10);
    expect(change.maxAbsDiff).toBeCloseTo(Math.max(...diff.map(Math.abs)), 10);
  });

  it('a branch with a zero factor changes nothing: all three outputs are equal', () => {
    const r = probeLayer({ weight, out, inFlat, factors: { up: new Float32Array(out * rank), down, rank, scale: 1 }, strength: 1, batch, seed: 1 });
    for (const c of r.comparisons) {
      expect(c.maxAbsDiff).toBe(0);
      expect(c.relativeL2).toBe(0);
    }
  });

  it('probes a module without factors by its dense delta', () => {
    const delta = Float32Array.from(matmul64(up, down, out, rank, inFlat));
    const viaFactors = probeLayer({ weight, out, inFlat, factors: { up, down, rank, scale: 1 }, strength: 1, batch, seed: 4 });
    const viaDense = probeLayer({ weight, out, inFlat, delta, strength: 1, batch, seed: 4 });
    const u = (r: typeof viaDense): number => r.outputs.find((o) => o.name === 'unfused')!.norm;
    expect(u(viaDense)).toBeCloseTo(u(viaFactors), 5);
  });

  it('the same seed gives the same input batch, another seed another one', () => {
    expect(probeInput(8, 3, 5)).toEqual(probeInput(8, 3, 5));
    expect(probeInput(8, 3, 5)).not.toEqual(probeInput(8, 3, 6));
    const x = probeInput(4000, 1, 1);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
  });
});
