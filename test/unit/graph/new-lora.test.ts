/** New LoRA: shapes and names that map onto the base, the zero factor, the distributions, determinism. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLora } from '../../../main/engine/ops/apply/apply-lora.js';
import { openBaseModel } from '../../../main/engine/ops/load.js';
import { kaimingUniformBound } from '../../../main/engine/ops/new-lora/init-factors.js';
import { createNewLora, type NewLoraOptions } from '../../../main/engine/ops/new-lora/new-lora.js';
import type { LoraModuleValue } from '../../../main/engine/values/lora-value.js';
import type { BaseModel } from '../../../main/engine/values/model-value.js';
import { makeDemoDir } from './helpers/demo-dir.js';

let base: BaseModel;
beforeAll(async () => {
  base = await openBaseModel(path.join(await makeDemoDir(), 'sd15-tiny.safetensors'));
});
afterAll(async () => {
  await base.source.close();
});

const options = (o: Partial<NewLoraOptions> = {}): NewLoraOptions => ({ rank: 4, alpha: 8, targets: ['attn1.to_q', 'q_proj'], zeroFactor: 'up', distribution: 'kaiming-uniform', seed: 3, ...o });
const factorsOf = (m: LoraModuleValue) => {
  if (m.source.type !== 'factors') throw new Error('expected factors');
  return m.source.factors;
};

describe('New LoRA', () => {
  it('puts a rank-r branch on every matching layer, named so that it maps onto the base', () => {
    const lora = createNewLora(base, options());
    expect(lora.modules.length).toBeGreaterThan(2);
    expect(lora.modules.every((m) => /attn1_to_q|q_proj/.test(m.name))).toBe(true);
    const mapping = mapLora(base, lora);
    expect(mapping.unmatched).toEqual([]);
    expect(mapping.matched).toHaveLength(lora.modules.length);
    for (const m of lora.modules) {
      const target = mapping.matched.find((x) => x.module === m.name)!.target;
      expect(m.deltaShape).toEqual(target.baseShape);
      expect(m.block).toBe(target.block);
      expect(m.scale).toBe(2);
      const f = factorsOf(m);
      expect([f.out, f.inFlat, f.rank]).toEqual([target.baseShape[0], target.baseShape.slice(1).reduce((a, b) => a * b, 1), 4]);
      if (m.source.type === 'factors') expect(m.source.scale).toBe(2);
    }
    expect(lora.modules.some((m) => m.block === 'TE')).toBe(true);
  });

  it('B = 0 and A ~ U(−1/√in, 1/√in) (kaiming-uniform, a = √5), so ΔW = 0', () => {
    const lora = createNewLora(base, options());
    const all: number[] = [];
    for (const m of lora.modules) {
      const f = factorsOf(m);
      expect(f.up.every((v) => v === 0)).toBe(true);
      const b = kaimingUniformBound(f.inFlat);
      expect(b).toBeCloseTo(1 / Math.sqrt(f.inFlat), 12);
      for (const v of f.down) {
        expect(Math.abs(v)).toBeLessThanOrEqual(b);
        all.push(v / b);
      }
    }
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeCloseTo(1 / 3, 1); // U(−1, 1)
  });

  it('zero factor "down" zeroes A; "none" draws both; gaussian has σ = 1/r', () => {
    const down = createNewLora(base, options({ zeroFactor: 'down' }));
    expect(down.modules.every((m) => factorsOf(m).down.every((v) => v === 0) && factorsOf(m).up.some((v) => v !== 0))).toBe(true);
    const none = createNewLora(base, options({ zeroFactor: 'none', distribution: 'gaussian', rank: 8 }));
    const values = none.modules.flatMap((m) => [...factorsOf(m).down, ...factorsOf(m).up]);
    const sd = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(sd).toBeCloseTo(1 / 8, 2);
  });

  it('is deterministic: same seed, same factors; another seed, other factors; independent of the target list', () => {
    const a = createNewLora(base, options());
    const b = createNewLora(base, options());
    const c = createNewLora(base, options({ seed: 4 }));
    const d = createNewLora(base, options({ targets: ['attn1.to_q'] }));
    expect(factorsOf(a.modules[0]!).down).toEqual(factorsOf(b.modules[0]!).down);
    expect(factorsOf(a.modules[0]!).down).not.toEqual(factorsOf(c.modules[0]!).down);
    const same = d.modules[0]!;
    expect(factorsOf(a.modules.find((m) => m.name === same.name)!).down).toEqual(factorsOf(same).down);
  });

  it('refuses patterns that match no layer, naming them', () => {
    expect(() => createNewLora(base, options({ targets: ['no_such_layer'] }))).toThrow(/no layer of .* matches "no_such_layer"/);
  });
});
