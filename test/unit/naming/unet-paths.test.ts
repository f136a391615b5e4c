import { describe, expect, it } from 'vitest';
import { SD15_UNET, SDXL_REFINER_UNET, SDXL_UNET, unetLdmTensors, type UNetConfig } from '../../../main/engine/naming/architectures/unet.js';
import { diffusersUnetToLdm, ldmUnetBlock, ldmUnetToDiffusers } from '../../../main/engine/naming/unet-paths.js';
import { bflToDiffusers, diffusersToBfl, fluxBlock, partRows } from '../../../main/engine/naming/flux-paths.js';

// Independent reference: the correspondences diffusers' convert_original_stable_diffusion_to_diffusers.py
// and ComfyUI's unet_to_diffusers produce for SD 1.5 (2 res blocks per level, attention at levels 0–2).
const SD15_PAIRS: [string, string][] = [
  ['input_blocks.0.0', 'conv_in'],
  ['input_blocks.1.0.in_layers.2', 'down_blocks.0.resnets.0.conv1'],
  ['input_blocks.1.1.transformer_blocks.0.attn1.to_q', 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q'],
  ['input_blocks.2.1.proj_in', 'down_blocks.0.attentions.1.proj_in'],
  ['input_blocks.3.0.op', 'down_blocks.0.downsamplers.0.conv'],
  ['input_blocks.4.0.skip_connection', 'down_blocks.1.resnets.0.conv_shortcut'],
  ['input_blocks.4.1.transformer_blocks.0.ff.net.0.proj', 'down_blocks.1.attentions.0.transformer_blocks.0.ff.net.0.proj'],
  ['input_blocks.11.0.emb_layers.1', 'down_blocks.3.resnets.1.time_emb_proj'],
  ['middle_block.0.out_layers.3', 'mid_block.resnets.0.conv2'],
  ['middle_block.1.transformer_blocks.0.attn2.to_out.0', 'mid_block.attentions.0.transformer_blocks.0.attn2.to_out.0'],
  ['middle_block.2.in_layers.0', 'mid_block.resnets.1.norm1'],
  ['output_blocks.0.0.out_layers.0', 'up_blocks.0.resnets.0.norm2'],
  ['output_blocks.2.1.conv', 'up_blocks.0.upsamplers.0.conv'],
  ['output_blocks.3.1.proj_out', 'up_blocks.1.attentions.0.proj_out'],
  ['output_blocks.5.2.conv', 'up_blocks.1.upsamplers.0.conv'],
  ['output_blocks.8.2.conv', 'up_blocks.2.upsamplers.0.conv'],
  ['output_blocks.11.1.transformer_blocks.0.norm3', 'up_blocks.3.attentions.2.transformer_blocks.0.norm3'],
  ['time_embed.2', 'time_embedding.linear_2'],
  ['out.0', 'conv_norm_out'],
  ['out.2', 'conv_out'],
];

const modulePaths = (cfg: UNetConfig): string[] => [...new Set(unetLdmTensors(cfg, '').map((t) => t.key.slice(0, t.key.lastIndexOf('.'))))];

describe('LDM ↔ diffusers UNet module paths', () => {
  it.each(SD15_PAIRS)('SD 1.5 %s ↔ %s', (ldm, diffusers) => {
    expect(ldmUnetToDiffusers(ldm, 2)).toBe(diffusers);
    expect(diffusersUnetToLdm(diffusers, { numResBlocks: 2, upBlockHasAttention: (x) => x > 0 })).toBe(ldm);
  });

  it('SDXL: label_emb is add_embedding, the upsampler sits after the attention', () => {
    expect(ldmUnetToDiffusers('label_emb.0.0', 2)).toBe('add_embedding.linear_1');
    expect(diffusersUnetToLdm('class_embedding.linear_2', { numResBlocks: 2, upBlockHasAttention: () => true })).toBe('label_emb.0.2');
    expect(ldmUnetToDiffusers('output_blocks.2.2.conv', 2)).toBe('up_blocks.0.upsamplers.0.conv');
    expect(ldmUnetToDiffusers('input_blocks.7.1.transformer_blocks.9.attn2.to_k', 2)).toBe('down_blocks.2.attentions.0.transformer_blocks.9.attn2.to_k');
  });

  it.each([
    ['SD 1.5', SD15_UNET],
    ['SDXL', SDXL_UNET],
    ['SDXL refiner', SDXL_REFINER_UNET],
  ] as const)('%s: every module has a diffusers name and maps back to itself', (_n, cfg) => {
    const hasAttention = (level: number): boolean => (cfg.transformerDepth[cfg.channelMult.length - 1 - level] ?? 0) > 0;
    const seen = new Set<string>();
    for (const path of modulePaths(cfg)) {
      const d = ldmUnetToDiffusers(path, cfg.numResBlocks);
      expect(d, path).toBeDefined();
      expect(seen.has(d!), `two modules map to ${d}`).toBe(false);
      seen.add(d!);
      expect(diffusersUnetToLdm(d!, { numResBlocks: cfg.numResBlocks, upBlockHasAttention: hasAttention })).toBe(path);
    }
  });

  it('unknown paths have no correspondence', () => {
    expect(ldmUnetToDiffusers('input_blocks.1.2.foo', 2)).toBeUndefined();
    expect(ldmUnetToDiffusers('output_blocks.1.1.conv', 2)).toBeUndefined();
    expect(diffusersUnetToLdm('down_blocks.0.resnets.0.nonsense', { numResBlocks: 2, upBlockHasAttention: () => true })).toBeUndefined();
  });

  it('block labels follow the LDM index', () => {
    expect(ldmUnetBlock('input_blocks.0.0')).toBe('IN00');
    expect(ldmUnetBlock('input_blocks.11.0.in_layers.2')).toBe('IN11');
    expect(ldmUnetBlock('middle_block.1.proj_in')).toBe('MID');
    expect(ldmUnetBlock('output_blocks.5.2.conv')).toBe('OUT05');
    expect(ldmUnetBlock('time_embed.0')).toBe('UNET');
  });
});

describe('BFL ↔ diffusers Flux module paths', () => {
  it('fused qkv holds to_q/to_k/to_v at rows 0, h, 2h; linear1 adds proj_mlp from 3h to the end', () => {
    expect(bflToDiffusers('double_blocks.4.img_attn.qkv').map((c) => [c.path, c.part])).toEqual([
      ['transformer_blocks.4.attn.to_q', { startUnits: 0, lengthUnits: 1 }],
      ['transformer_blocks.4.attn.to_k', { startUnits: 1, lengthUnits: 1 }],
      ['transformer_blocks.4.attn.to_v', { startUnits: 2, lengthUnits: 1 }],
    ]);
    const mlp = bflToDiffusers('single_blocks.7.linear1').find((c) => c.path === 'single_transformer_blocks.7.proj_mlp');
    expect(partRows(mlp!.part!, 3072, 21504)).toEqual({ start: 9216, length: 12288 });
    expect(diffusersToBfl('transformer_blocks.4.attn.add_k_proj')).toEqual({ path: 'double_blocks.4.txt_attn.qkv', part: { startUnits: 1, lengthUnits: 1 } });
    expect(diffusersToBfl('single_transformer_blocks.2.proj_out')).toEqual({ path: 'single_blocks.2.linear2' });
    expect(diffusersToBfl('norm_out.linear')).toEqual({ path: 'final_layer.adaLN_modulation.1', swapHalves: true });
    expect(diffusersToBfl('transformer_blocks.0.attn.nonsense')).toBeUndefined();
  });

  it('block labels', () => {
    expect(fluxBlock('double_blocks.18.img_mlp.0')).toBe('D18');
    expect(fluxBlock('single_transformer_blocks.37.proj_mlp')).toBe('S37');
    expect(fluxBlock('img_in')).toBe('FLUX');
  });
});
