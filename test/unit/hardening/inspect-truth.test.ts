/**
 * Inspect tells the truth: a LyCORIS LoKr whose conv factors are stored 2-D ([out, in·k·k]) is a conv LoRA;
 * a PEFT adapter of a diffusers SD 1.x UNet is SD 1.x (its cross-attention input width is 768) with every
 * module in a block.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectFile } from '../../../main/engine/ops/inspect-file.js';
import { writeSafetensors } from '../../helpers/safetensors.js';
import { tmpDir } from '../adapters/helpers.js';

/** The project's copy (Apache-2.0, see its SOURCES.md), so the check runs wherever the tests run. */
const lokr = path.resolve(__dirname, '../../fixtures/real/lycoris-lokr-sd1/smart_falcon_8_lokr.safetensors');
const root = tmpDir('inspect-truth');

describe('inspect: conv LoRAs whose factors are 2-D', () => {
  it('the real LoKr (2023 layout) targets Conv2d layers: conv is true', async () => {
    const r = await inspectFile({ path: lokr }, {});
    expect(r.lora?.kinds).toEqual([{ kind: 'lokr', count: 350 }]);
    expect(r.architecture.family).toBe('sd1');
    expect(r.lora?.conv).toBe(true);
  });

  it('a LoKr stored 2-D on a resnet conv is conv; a linear-only LoRA is not', async () => {
    const t = (name: string, shape: number[]) => ({ name, shape, data: new Float32Array(shape[0]! * shape[1]!).fill(0.01) });
    const conv = path.join(root, 'locon2d.safetensors');
    writeSafetensors(conv, [t('lora_unet_down_blocks_0_resnets_0_conv1.lokr_w1', [4, 4]), t('lora_unet_down_blocks_0_resnets_0_conv1.lokr_w2', [80, 720])]);
    expect((await inspectFile({ path: conv }, {})).lora?.conv).toBe(true);
    const linear = path.join(root, 'linear.safetensors');
    writeSafetensors(linear, [t('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight', [4, 320]), t('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight', [320, 4])]);
    expect((await inspectFile({ path: linear }, {})).lora?.conv).toBe(false);
  });
});

describe('inspect: a PEFT adapter of a diffusers SD 1.x UNet', () => {
  it('targets to_q / to_v only: the 768-wide attn2.to_v says SD 1.x, and every module has a block', async () => {
    const d = path.join(root, 'sd1-peft');
    mkdirSync(d);
    const P = 'base_model.model.down_blocks.1.attentions.0.transformer_blocks.0';
    const M = 'base_model.model.mid_block.attentions.0.transformer_blocks.0';
    const t = (name: string, shape: number[]) => ({ name, shape, data: new Float32Array(shape[0]! * shape[1]!).fill(0.01) });
    writeSafetensors(path.join(d, 'adapter_model.safetensors'), [
      t(`${P}.attn1.to_q.lora_A.weight`, [4, 640]), t(`${P}.attn1.to_q.lora_B.weight`, [640, 4]),
      t(`${P}.attn2.to_v.lora_A.weight`, [4, 768]), t(`${P}.attn2.to_v.lora_B.weight`, [640, 4]),
      t(`${M}.attn2.to_v.lora_A.weight`, [4, 768]), t(`${M}.attn2.to_v.lora_B.weight`, [1280, 4]),
    ]);
    writeFileSync(path.join(d, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 4, lora_alpha: 4, target_modules: ['to_q', 'to_v'] }));
    const r = await inspectFile({ path: d }, {});
    expect(r.architecture.family).toBe('sd1');
    expect(r.architecture.evidence.join(' ')).toMatch(/768/);
    expect(r.lora?.modulesPerBlock.map((b) => b.block)).not.toContain('?');
  });
});
