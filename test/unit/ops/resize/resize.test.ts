import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../../main/engine/compute/matmul.js';
import { EngineError } from '../../../../main/engine/errors.js';
import { moduleFactors } from '../../../../main/engine/module-source/evaluate.js';
import { resizeLora, retention } from '../../../../main/engine/ops/resize/index.js';
import type { LoraModuleValue, LoraValue } from '../../../../main/engine/values/lora-value.js';
import { orthonormalColumns, spectrumFactors } from './spectrum-lora.js';

function mod(name: string, over: Partial<LoraModuleValue> = {}): LoraModuleValue {
  const f = spectrumFactors(6, 5, [4, 2, 1, 0.5], 1);
  return {
    name,
    block: 'IN01',
    kind: 'lora',
    deltaShape: [6, 5],
    rank: 4,
    scale: 0.5,
    embedding: false,
    dora: false,
    strength: 1,
    source: { type: 'factors', factors: f, scale: 0.5 },
    ...over,
  };
}

function value(modules: LoraModuleValue[]): LoraValue {
  return { kind: 'lora', label: 'x', architecture: { family: 'sd1', layout: 'ldm', components: [], evidence: [] }, modules, inputs: [], unusedKeys: [] };
}

describe('retention (kohya resize_lora rank_resize statistics)', () => {
  it('gives sum(S) retained, fro retained and max(S) ratio of the kept values', () => {
    const r = retention([8, 4, 2, 1], 2);
    expect(r.sumRetained).toBeCloseTo(12 / 15, 12);
    expect(r.froRetained).toBeCloseTo(Math.sqrt(80 / 85), 12);
    expect(r.maxRatio).toBe(2);
    expect(r.keptSum).toBe(12);
    expect(retention([0, 0], 1)).toEqual({ sumRetained: null, froRetained: null, maxRatio: null, keptSum: 0 });
    // Only the top of the spectrum known: the true ‖ΔW‖² decides fro retained.
    expect(retention([3, 1], 1, 100).froRetained).toBeCloseTo(0.3, 12);
  });
});

describe('resizeLora', () => {
  it('keeps modules already at or below a fixed rank, compresses the others lazily with alpha/r kept', () => {
    const small = mod('small', { rank: 2, source: { type: 'factors', factors: spectrumFactors(6, 5, [1, 1], 2), scale: 0.5 } });
    const big = mod('big', { strength: 0.25 });
    const { lora, report } = resizeLora(value([small, big]), { rank: { type: 'fixed', rank: 3 } });
    expect(lora.modules[0]).toBe(small);
    const r = lora.modules[1]!;
    expect(r).toMatchObject({ name: 'big', rank: 3, scale: 0.5, strength: 1 });
    expect(r.source).toMatchObject({ type: 'compress', out: 6, inFlat: 5, rank: { type: 'fixed', rank: 3 }, members: [{ coefficient: 0.25 }] });
    expect(report.resized).toBe(1);
  });

  it('gives 3×3 conv modules the conv rank (fixed) or cap (dynamic), and leaves ranks unknown for dynamic rules', () => {
    const conv = mod('conv', { deltaShape: [6, 5, 1, 1] });
    const conv3 = mod('conv3', { deltaShape: [2, 5, 3, 1], rank: 2, source: { type: 'factors', factors: spectrumFactors(2, 15, [2, 1], 3), scale: 1 } });
    const fixed = resizeLora(value([conv, conv3]), { rank: { type: 'fixed', rank: 3 }, convRank: 1 }).lora;
    expect(fixed.modules.map((m) => m.rank)).toEqual([3, 1]);
    const dyn = resizeLora(value([conv, conv3]), { rank: { type: 'dynamic', method: 'sv_fro', param: 0.9, maxRank: 3 }, convRank: 1 }).lora;
    expect(dyn.modules.map((m) => m.rank)).toEqual([undefined, undefined]);
    expect(dyn.modules[1]!.source).toMatchObject({ rank: { type: 'dynamic', method: 'sv_fro', param: 0.9, maxRank: 1 } });
  });

  it('refuses bad rules before reading anything', () => {
    expect(() => resizeLora(value([mod('a')]), { rank: { type: 'fixed', rank: 0 } })).toThrow(EngineError);
    expect(() => resizeLora(value([mod('a')]), { rank: { type: 'dynamic', method: 'sv_fro', param: 1.5 } })).toThrow(/out of range/);
    expect(() => resizeLora(value([mod('a')]), { rank: { type: 'fixed', rank: 2 }, convRank: 0 })).toThrow(/conv rank/);
  });

  it('evaluates to the best rank-k approximation with the spectrum’s own singular values (Eckart–Young)', async () => {
    const sigma = [4, 2, 1, 0.5];
    const f = spectrumFactors(6, 5, sigma, 7);
    const m = mod('m', { source: { type: 'factors', factors: f, scale: 0.5 } });
    const { lora } = resizeLora(value([m]), { rank: { type: 'fixed', rank: 2 } });
    const r = await moduleFactors(lora.modules[0]!.source, referenceMatMul);
    expect(r.factors.rank).toBe(2);
    expect(Array.from(r.compression!.singularValues)).toEqual(sigma.map((s) => expect.closeTo(0.5 * s, 6)));
    // ‖ΔW − ΔW_k‖_F = √(Σ_{i≥k} σ_i²): compare the reconstructions directly.
    const full = await referenceMatMul.matmul(f.up, f.down, 6, 4, 5);
    const approx = await referenceMatMul.matmul(r.factors.up, r.factors.down, 6, 2, 5);
    let err = 0;
    for (let i = 0; i < full.length; i++) err += (0.5 * full[i]! - r.scale * approx[i]!) ** 2;
    expect(Math.sqrt(err)).toBeCloseTo(0.5 * Math.hypot(1, 0.5), 5);
  });
});

describe('test helper', () => {
  it('builds orthonormal columns', () => {
    const q = orthonormalColumns(7, 3, 3);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let d = 0;
        for (let i = 0; i < 7; i++) d += q[i * 3 + a]! * q[i * 3 + b]!;
        expect(d).toBeCloseTo(a === b ? 1 : 0, 6);
      }
    }
  });
});
