import { describe, expect, it } from 'vitest';
import { alphaDtype, moduleTensors } from '../../../main/engine/export/lora-format/module-tensors.js';
import type { PlannedFactorModule } from '../../../main/engine/export/lora-format/output-modules.js';
import { decodeFloat } from '../../../main/engine/tensor-io/float-convert.js';
import type { LoraModuleValue } from '../../../main/engine/values/lora-value.js';

function planned(over: Partial<PlannedFactorModule> & { strength?: number; scale?: number }): PlannedFactorModule {
  const module: LoraModuleValue = {
    name: 'm',
    kind: 'lora',
    deltaShape: [3, 2, 1, 1],
    rank: 2,
    scale: over.scale ?? 0.5,
    embedding: false,
    dora: false,
    strength: over.strength ?? 1,
    source: { type: 'dense', delta: new Float32Array(6) },
  };
  return {
    type: 'factors',
    module,
    outName: 'lora_unet_m',
    deltaShape: [3, 2, 1, 1],
    out: 3,
    inFlat: 2,
    rank: 3,
    displayScale: module.scale,
    embedding: false,
    names: { down: 'd', up: 'u', alpha: 'a' },
    ...over,
  };
}

const factors = { up: Float32Array.from([1, 2, 3, 4, 5, 6]), down: Float32Array.from([0.5, -1, 2, 0.25]), rank: 2, out: 3, inFlat: 2 };

describe('module tensors', () => {
  it('pads to the planned rank with zeros, restores conv shapes, and writes alpha = rank·(alpha/r)', () => {
    const t = moduleTensors(planned({}), { factors, scale: 0.5 }, 'F32');
    const [down, up, alpha] = t.tensors;
    expect(down!.shape).toEqual([3, 2, 1, 1]);
    expect(up!.shape).toEqual([3, 3, 1, 1]);
    expect(Array.from(decodeFloat(down!.bytes, 'F32'))).toEqual([0.5, -1, 2, 0.25, 0, 0]);
    expect(Array.from(decodeFloat(up!.bytes, 'F32'))).toEqual([1, 2, 0, 3, 4, 0, 5, 6, 0]);
    expect(Array.from(decodeFloat(alpha!.bytes, 'F32'))).toEqual([1.5]);
    expect([t.rank, t.alpha]).toEqual([3, 1.5]);
  });

  it('folds strength and a scale the file does not show into down: (alpha/r)·up·down′ = scale·strength·up·down', () => {
    const t = moduleTensors(planned({ strength: -2, rank: 2 }), { factors, scale: 0.25 }, 'F32');
    // display 0.5, evaluated 0.25·(−2) → down × (−1)
    expect(Array.from(decodeFloat(t.tensors[0]!.bytes, 'F32'))).toEqual([-0.5, 1, -2, -0.25]);
    expect(t.alpha).toBe(1);
  });

  it('keeps alpha in the output dtype when it holds it exactly, else fp32', () => {
    expect(alphaDtype(16, 'F16')).toBe('F16');
    expect(alphaDtype(44.8, 'F16')).toBe('F32');
    expect(alphaDtype(44.8, 'F32')).toBe('F32');
  });

  it('refuses factors that do not fit the module’s shape, or a rank above the plan', () => {
    expect(() => moduleTensors(planned({}), { factors: { ...factors, inFlat: 3, down: new Float32Array(6) }, scale: 1 }, 'F32')).toThrow(/delta shape/);
    expect(() => moduleTensors(planned({ rank: 1 }), { factors, scale: 1 }, 'F32')).toThrow(/above the planned rank/);
  });
});
