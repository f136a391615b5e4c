/**
 * Overflow produced by a product, for every kind: LoHa, LoKr and Tucker LoRA whose scale·ΔW really is ±Inf in fp32
 * are refused naming file and module; factors whose max-abs bound is huge but whose ΔW is finite (the big values
 * never meet in one product) are accepted, never a false refusal.
 */
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../main/engine/adapters/errors.js';
import { loadAdapter } from '../../../main/engine/adapters/index.js';
import { findNonFinite } from '../../../main/engine/adapters/non-finite.js';
import { loadLora } from '../../../main/engine/ops/load.js';
import { tmpDir, write } from '../adapters/helpers.js';
import type { FixtureTensor } from '../../helpers/safetensors.js';

const root = tmpDir('overflow-bound');
const M = 'lora_unet_mid_block_attentions_0_proj_in';
const t = (suffix: string, shape: number[], values: number[]): FixtureTensor => ({ name: `${M}.${suffix}`, shape, data: Float32Array.from(values), dtype: 'F32' });

async function refusal(file: string): Promise<AdapterError> {
  const e = await loadLora(file).then(() => undefined, (err: unknown) => err);
  expect(e, 'expected a refusal').toBeInstanceOf(AdapterError);
  return e as AdapterError;
}

describe('overflow of scale·ΔW beyond plain LoRA', () => {
  it('LoHa whose Hadamard product overflows fp32: refused, naming file and module', async () => {
    // Each half is 2·1e20 = 2e20 per value; their Hadamard product is 4e40 > fp32 max.
    const file = write(root, 'loha.safetensors', [
      t('hada_w1_a', [2, 2], [1e10, 1e10, 1e10, 1e10]), t('hada_w1_b', [2, 2], [1e10, 1e10, 1e10, 1e10]),
      t('hada_w2_a', [2, 2], [1e10, 1e10, 1e10, 1e10]), t('hada_w2_b', [2, 2], [1e10, 1e10, 1e10, 1e10]),
    ]);
    const e = await refusal(file);
    expect(e.code).toBe('non-finite');
    expect(e.message).toContain(file);
    expect(e.message).toContain(M);
    expect(e.message).toMatch(/overflows fp32: 4 Inf values/);
    await expect(loadLora(file, undefined, { allowNonFinite: true })).resolves.toBeDefined();
  });

  it('LoKr whose Kronecker product overflows fp32: refused', async () => {
    const file = write(root, 'lokr.safetensors', [t('lokr_w1', [1, 2], [1e20, 1]), t('lokr_w2', [2, 2], [1e20, 0, 0, 1])]);
    const e = await refusal(file);
    expect(e.code).toBe('non-finite');
    expect(e.message).toContain(M);
    expect(e.message).toMatch(/lokr\) overflows fp32: 1 Inf value\b/);
  });

  it('LoKr with low-rank factors (alpha/dim scale) whose product overflows: refused', async () => {
    const file = write(root, 'lokr-lowrank.safetensors', [
      t('lokr_w1', [2, 2], [1e19, 1e19, 1e19, 1e19]),
      t('lokr_w2_a', [2, 1], [1e10, 1e10]), t('lokr_w2_b', [1, 2], [1e10, 1e10]),
      t('alpha', [], [1]),
    ]);
    expect((await refusal(file)).code).toBe('non-finite');
  });

  it('Tucker LoRA whose product overflows: refused', async () => {
    const file = write(root, 'tucker.safetensors', [
      t('lora_down.weight', [1, 2, 1, 1], [1e13, 1e13]), t('lora_mid.weight', [1, 1, 3, 3], Array<number>(9).fill(1e13)), t('lora_up.weight', [2, 1, 1, 1], [1e13, 1e13]),
    ]);
    expect((await refusal(file)).code).toBe('non-finite');
  });

  it('a huge bound whose ΔW is finite is accepted (plain LoRA, LoHa, LoKr): no false refusal', async () => {
    // up column 0 and down row 1 are huge, but up[:,0] meets only down row 0 (small) and down row 1 only up[:,1]:
    // every ΔW value is 1e30·1e-3 + 1e-3·1e30 = 2e27, while r·max|up|·max|down| = 2e60.
    const lora = write(root, 'lora-finite.safetensors', [t('lora_down.weight', [2, 2], [1e-3, 1e-3, 1e30, 1e30]), t('lora_up.weight', [2, 2], [1e30, 1e-3, 1e30, 1e-3])]);
    // LoKr: w2 = w2_a·w2_b = 1e20·1e-20 + 1e-20·1e20 = 2, while r·max|w2_a|·max|w2_b| = 2e40.
    const lokr = write(root, 'lokr-finite.safetensors', [t('lokr_w1', [1, 1], [1]), t('lokr_w2_a', [1, 2], [1e20, 1e-20]), t('lokr_w2_b', [2, 1], [1e-20, 1e20])]);
    // LoHa: half 1 = [[1e30, 1e15], [1e15, 1]], half 2 = [[0, 0], [0, 1e30]]: ΔW = [0, 0, 0, 1e30], bound 1e60.
    const loha = write(root, 'loha-finite.safetensors', [
      t('hada_w1_a', [2, 1], [1e15, 1]), t('hada_w1_b', [1, 2], [1e15, 1]),
      t('hada_w2_a', [2, 1], [0, 1e15]), t('hada_w2_b', [1, 2], [0, 1e15]),
    ]);
    for (const file of [lora, lokr, loha]) {
      await expect(loadLora(file), file).resolves.toBeDefined();
      const adapter = await loadAdapter(file);
      expect(await findNonFinite(adapter)).toEqual([]);
      await adapter.source.close();
    }
  });
});
