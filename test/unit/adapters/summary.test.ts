import { describe, expect, it } from 'vitest';
import { loadAdapter, summarizeAdapter } from '../../../main/engine/adapters/index.js';
import { rnd, scalar, tmpDir, write } from './helpers.js';

describe('summarizeAdapter', () => {
  it('counts kinds, layer shapes, ranks, alphas, dtypes, DoRA, unused keys, and keeps kohya ss_* metadata', async () => {
    const dir = tmpDir('summary');
    const L = (n: string) => `lora_unet_${n}`;
    const file = write(dir, 'mixed.safetensors', [
      rnd(`${L('a')}.lora_down.weight`, [4, 8], 'F16'), rnd(`${L('a')}.lora_up.weight`, [8, 4], 'F16'), scalar(`${L('a')}.alpha`, 4, 'F16'),
      rnd(`${L('b')}.lora_down.weight`, [4, 8], 'F16'), rnd(`${L('b')}.lora_up.weight`, [8, 4], 'F16'), scalar(`${L('b')}.alpha`, 4, 'F16'), rnd(`${L('b')}.dora_scale`, [8, 1]),
      rnd(`${L('c')}.lora_down.weight`, [2, 3, 1, 1]), rnd(`${L('c')}.lora_mid.weight`, [2, 2, 3, 3]), rnd(`${L('c')}.lora_up.weight`, [5, 2, 1, 1]),
      rnd(`${L('d')}.hada_w1_a`, [4, 2]), rnd(`${L('d')}.hada_w1_b`, [2, 4]), rnd(`${L('d')}.hada_w2_a`, [4, 2]), rnd(`${L('d')}.hada_w2_b`, [2, 4]), scalar(`${L('d')}.alpha`, 1),
      rnd(`${L('e')}.diff`, [6]),
      rnd(`${L('f')}.oft_blocks`, [2, 2, 2]),
    ], { ss_network_module: 'networks.lora', ss_network_dim: '4', ss_tag_frequency: 'x'.repeat(500), modelspec_title: 'demo' });
    const a = await loadAdapter(file);
    try {
      const s = summarizeAdapter(a);
      expect(s.dialects).toEqual(['lycoris', 'kohya']);
      expect(s).toMatchObject({
        moduleCount: 5,
        tensorCount: 17,
        modulesByKind: { lora: 3, loha: 1, full: 1 },
        layers: { linear: 3, conv: 1, embedding: 0, vector: 1, replace: 0 },
        tucker: 1,
        dora: { count: 1, conventions: ['lycoris (rows)'] },
        ranks: [{ value: 2, count: 2 }, { value: 4, count: 2 }],
        alphas: [{ value: 1, count: 1 }, { value: 4, count: 2 }],
        alphaMissing: 2,
        scales: [{ value: 0.5, count: 1 }, { value: 1, count: 4 }],
        dtypes: { F16: 6, F32: 11 },
        unusedKeyCount: 1,
        unusedByReason: [{ reason: 'LyCORIS OFT is not supported', count: 1, examples: [`${L('f')}.oft_blocks`] }],
        metadataKeys: ['modelspec_title', 'ss_network_dim', 'ss_network_module', 'ss_tag_frequency'],
      });
      expect(s.kohya.ss_network_module).toBe('networks.lora');
      expect(s.kohya.ss_tag_frequency).toMatch(/… \(500 characters\)$/);
      expect(s.kohya).not.toHaveProperty('modelspec_title');
      expect(s.peft).toBeUndefined();
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    } finally {
      await a.source.close();
    }
  });
});
