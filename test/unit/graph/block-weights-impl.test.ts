/** The Block Weights node on a real demo LoRA: a custom LBW vector, TE / UNet strengths and an elemental rule. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeImplInputs } from '../../../main/engine/graph/node-impl-inputs.js';
import { blockWeightsImpl } from '../../../main/engine/graph/node-impls/block-weights.js';
import type { WorkerPool } from '../../../main/engine/compute/worker-pool.js';
import { loadLora } from '../../../main/engine/ops/load.js';
import type { LoraValue } from '../../../main/engine/values/lora-value.js';
import { blockWeights } from '../../../shared/nodes/catalogue/lora.js';
import { makeDemoDir } from './helpers/demo-dir.js';

let style: LoraValue;
beforeAll(async () => {
  style = await loadLora(path.join(await makeDemoDir(), 'style-lora.safetensors'));
});

async function weigh(raw: Record<string, unknown>, lora: LoraValue = style): Promise<LoraValue> {
  const params = blockWeights.paramsSchema.parse(raw);
  const r = await blockWeightsImpl.run({
    node: { id: 'bw', type: blockWeights.type, title: 'Block Weights', params, inputs: {}, dependents: [], isTarget: false },
    definition: blockWeights,
    params,
    inputs: new NodeImplInputs('Block Weights (bw)', { lora: [{ value: lora, params: {}, from: { node: 'l', port: 'lora' } }] }),
    run: { signal: new AbortController().signal },
    pool: () => Promise.reject(new Error('no pool needed')) as Promise<WorkerPool>,
    options: {},
    upstream: () => [],
  });
  const out = r.outputs?.lora;
  if (out?.kind !== 'lora') throw new Error('no lora output');
  return out;
}

describe('Block Weights node', () => {
  it('multiplies each module by its block’s value, the TE / UNet strength and the elemental rules', async () => {
    // SD1 17-value layout: BASE, IN01 IN02 IN04 IN05 IN07 IN08, M00, OUT03 … OUT11
    const vector = [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const out = await weigh({ preset: 'custom', weights: vector, unetStrength: 0.8, teStrength: 0.5, elements: 'OUT03-OUT05:attn2:0.25' });
    expect(out.modules).toHaveLength(style.modules.length);
    const seen = { te: 0, in: 0, out: 0, elemental: 0 };
    for (const m of out.modules) {
      const block = m.block!;
      if (block === 'TE') {
        expect(m.strength).toBeCloseTo(0.5, 12);
        seen.te++;
      } else if (/^IN|^MID$/.test(block)) {
        expect(m.strength).toBe(0);
        seen.in++;
      } else if (/^OUT0[345]$/.test(block) && m.name.includes('attn2')) {
        expect(m.strength).toBeCloseTo(0.8 * 0.25, 12);
        seen.elemental++;
      } else if (/^OUT/.test(block)) {
        expect(m.strength).toBeCloseTo(0.8, 12);
        seen.out++;
      }
    }
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  });

  it('a preset works without a vector; an unknown architecture is refused with a hint', async () => {
    const none = await weigh({ preset: 'NONE' });
    expect(none.modules.every((m) => m.strength === 0)).toBe(true);
    await expect(weigh({ preset: 'ALL' }, { ...style, architecture: { ...style.architecture, family: 'unknown' } })).rejects.toThrow(/architecture of style-lora\.safetensors was not recognised/);
  });
});
