import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { computeModuleDelta, loadAdapter, readLoraFactors, summarizeAdapter } from '../../../main/engine/adapters/index.js';
import { expectClose, matmul64 } from './helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const realDir = path.resolve(repoRoot, '../shared/fixtures/real');
const sd15 = path.join(realDir, 'sd15-diffusers-attnproc-lora.safetensors');
const distilbert = path.join(realDir, 'distilbert-peft-seqcls');

if (!existsSync(realDir)) console.warn(`[adapters] real LoRA fixtures not found at ${realDir}: skipping the real-file tests.`);

describe.skipIf(!existsSync(sd15))('real file: SD 1.5 diffusers attention-processor LoRA', () => {
  it('128 rank-4 modules, no alpha (scale 1), named after the patched layers', async () => {
    const a = await loadAdapter(sd15);
    try {
      expect(a.dialects).toEqual(['diffusers-attnproc']);
      expect(a.modules).toHaveLength(128);
      expect(a.unusedKeys).toEqual([]);
      expect(a.metadata).toEqual({ format: 'pt' });
      for (const m of a.modules) {
        expect(m).toMatchObject({ rank: 4, alpha: undefined, scale: 1, fanInFanOut: false, embedding: false });
        expect(m.params.kind).toBe('lora');
        expect(m.name).not.toMatch(/processor|_lora/);
      }
      const names = a.modules.map((m) => m.name);
      expect(names).toContain('down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0');
      expect(names).toContain('mid_block.attentions.0.transformer_blocks.0.attn2.to_k');
      expect(names.filter((n) => n.endsWith('.to_out.0'))).toHaveLength(32);
      const attn2k = a.modules.find((m) => m.name === 'down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k')!;
      expect(attn2k.deltaShape).toEqual([320, 768]);
      const f = await readLoraFactors(a, attn2k);
      expectClose(await computeModuleDelta(a, attn2k, referenceMatMul), matmul64(f.up, f.down, 320, 4, 768));
      const s = summarizeAdapter(a);
      expect(s).toMatchObject({ moduleCount: 128, tensorCount: 256, ranks: [{ value: 4, count: 128 }], alphas: [], alphaMissing: 128, scales: [{ value: 1, count: 128 }], dtypes: { F32: 256 } });
    } finally {
      await a.source.close();
    }
  });
});

describe.skipIf(!existsSync(distilbert))('real directory: DistilBERT PEFT LoRA with modules_to_save', () => {
  it('r 8, lora_alpha 16 → scale 2 on q_lin / v_lin; classifier and pre_classifier replace the base', async () => {
    const a = await loadAdapter(distilbert);
    try {
      expect(a.peftConfig).toMatchObject({ r: 8, lora_alpha: 16, task_type: 'SEQ_CLS', base_model_name_or_path: 'distilbert-base-uncased', modules_to_save: ['classifier', 'score'] });
      expect(a.peftConfig!.extra).toHaveProperty('lora_dropout', 0.1);
      const lora = a.modules.filter((m) => m.params.kind === 'lora');
      expect(lora).toHaveLength(12);
      for (const m of lora) {
        expect(m.name).toMatch(/^base_model\.model\.distilbert\.transformer\.layer\.[0-5]\.attention\.(q_lin|v_lin)$/);
        expect(m).toMatchObject({ dialect: 'peft', rank: 8, alpha: 16, alphaSource: 'config', scale: 2, deltaShape: [768, 768] });
      }
      const replace = a.modules.filter((m) => m.params.kind === 'replace');
      expect(replace.map((m) => m.name)).toEqual(['base_model.model.classifier', 'base_model.model.pre_classifier']);
      expect(replace[0]!.params).toEqual({ kind: 'replace', tensors: { weight: 'base_model.model.classifier.weight', bias: 'base_model.model.classifier.bias' } });
      expect(replace[0]!.deltaShape).toEqual([2, 768]);
      expect(a.unusedKeys).toEqual([]);
      const q0 = lora.find((m) => m.name.endsWith('layer.0.attention.q_lin'))!;
      const f = await readLoraFactors(a, q0);
      expectClose(await computeModuleDelta(a, q0, referenceMatMul), matmul64(f.up, f.down, 768, 8, 768).map((v) => v * 2));
      const s = summarizeAdapter(a);
      expect(s).toMatchObject({ moduleCount: 14, modulesByKind: { lora: 12, replace: 2 }, layers: { linear: 12, replace: 2 }, peft: { r: 8, lora_alpha: 16, modules_to_save: ['classifier', 'score'] } });
    } finally {
      await a.source.close();
    }
  });
});
