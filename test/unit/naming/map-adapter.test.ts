import { describe, expect, it } from 'vitest';
import * as T from '../../../main/engine/naming/architectures/index.js';
import { buildKeyMap } from '../../../main/engine/naming/key-map.js';
import { mapAdapter } from '../../../main/engine/naming/map-adapter.js';
import { deltaFits, expectedDeltaShape } from '../../../main/engine/naming/shape-fit.js';
import type { ModuleTarget } from '../../../main/engine/naming/types.js';
import { entriesOf, mod } from './entries.js';

const target = (baseShape: number[], extra: Partial<ModuleTarget> = {}): ModuleTarget => ({ baseKey: 'w', baseShape, transpose: false, block: 'X', ...extra });

describe('deltaFits', () => {
  it('exact [out, in]', () => {
    expect(deltaFits([8, 4], target([8, 4]))).toBe(true);
    expect(deltaFits([4, 8], target([8, 4]))).toBe(false);
  });
  it('a Linear LoRA on a 1×1 conv, and a 1×1 LoCon on a Linear', () => {
    expect(deltaFits([8, 4], target([8, 4, 1, 1]))).toBe(true);
    expect(deltaFits([8, 4, 1, 1], target([8, 4]))).toBe(true);
    expect(deltaFits([8, 4], target([8, 4, 3, 3]))).toBe(false);
  });
  it('a 3×3 LoCon, and LoHa/LoKr conv deltas flattened to [out, in·kh·kw]', () => {
    expect(deltaFits([8, 4, 3, 3], target([8, 4, 3, 3]))).toBe(true);
    expect(deltaFits([8, 36], target([8, 4, 3, 3]))).toBe(true);
    expect(deltaFits([8, 35], target([8, 4, 3, 3]))).toBe(false);
  });
  it('slices cover their rows only', () => {
    const t = target([48, 16], { slice: { start: 16, length: 16 } });
    expect(expectedDeltaShape(t)).toEqual([16, 16]);
    expect(deltaFits([16, 16], t)).toBe(true);
    expect(deltaFits([48, 16], t)).toBe(false);
  });
  it('transposed targets take ΔW in Linear orientation', () => {
    const cAttn = target([8, 24], { transpose: true });
    expect(expectedDeltaShape(cAttn)).toEqual([24, 8]);
    expect(deltaFits([24, 8], cAttn)).toBe(true);
    expect(deltaFits([8, 24], cAttn)).toBe(false);
  });
  it('1-D full diffs on norm weights', () => {
    expect(deltaFits([8], target([8]))).toBe(true);
    expect(deltaFits([9], target([8]))).toBe(false);
  });
});

describe('mapAdapter', () => {
  const sdxl = buildKeyMap(entriesOf(T.sdxlCheckpoint({ size: 'tiny' })));

  it('counts matched modules per block in block order', () => {
    const report = mapAdapter(sdxl, [
      mod('lora_unet_output_blocks_0_1_proj_in', 32, 32),
      mod('lora_te2_text_model_encoder_layers_0_self_attn_q_proj', 24, 24),
      mod('lora_unet_middle_block_1_proj_in', 32, 32),
      mod('lora_unet_input_blocks_4_1_proj_in', 16, 16),
      mod('lora_unet_input_blocks_8_1_proj_out', 32, 32),
      mod('lora_te1_text_model_encoder_layers_0_mlp_fc1', 64, 16),
      mod('lora_unet_time_embedding_linear_1', 32, 8),
    ]);
    expect(report.unmatched).toEqual([]);
    expect(report.perBlock).toEqual([
      { block: 'TE1', count: 1 },
      { block: 'TE2', count: 1 },
      { block: 'IN04', count: 1 },
      { block: 'IN08', count: 1 },
      { block: 'MID', count: 1 },
      { block: 'OUT00', count: 1 },
      { block: 'UNET', count: 1 },
    ]);
    expect(report.architecture.family).toBe('sdxl');
    expect(report.adapterArchitecture?.family).toBe('sdxl');
  });

  it('a ΔW that does not fit is unmatched with both shapes', () => {
    const report = mapAdapter(sdxl, [mod('lora_unet_input_blocks_4_1_proj_in', 16, 15), mod('lora_te2_text_model_encoder_layers_0_self_attn_k_proj', 72, 24)]);
    expect(report.matched).toEqual([]);
    expect(report.unmatched[0]!.reason).toBe(
      'shape mismatch: ΔW [16, 15] does not fit model.diffusion_model.input_blocks.4.1.proj_in.weight (needs [16, 16]; base tensor [16, 16])',
    );
    expect(report.unmatched[1]!.reason).toMatch(/ΔW \[72, 24\] does not fit conditioner\.embedders\.1\.model\.transformer\.resblocks\.0\.attn\.in_proj_weight rows 24\.\.47 \(needs \[24, 24\]; base tensor \[72, 24\]\)/);
  });

  it('modules on the same rows add and are listed as overlaps; disjoint slices are not', () => {
    const report = mapAdapter(sdxl, [
      mod('lora_unet_input_blocks_4_1_proj_in', 16, 16),
      mod('unet.down_blocks.1.attentions.0.proj_in', 16, 16),
      mod('lora_te2_text_model_encoder_layers_0_self_attn_q_proj', 24, 24),
      mod('lora_te2_text_model_encoder_layers_0_self_attn_k_proj', 24, 24),
    ]);
    expect(report.matched).toHaveLength(4);
    expect(report.overlaps).toEqual([
      { baseKey: 'model.diffusion_model.input_blocks.4.1.proj_in.weight', modules: ['lora_unet_input_blocks_4_1_proj_in', 'unet.down_blocks.1.attentions.0.proj_in'] },
    ]);
  });

  it('Flux: a diffusers to_k next to a kohya qkv overlaps it; to_q and to_v do not overlap each other', () => {
    const flux = buildKeyMap(entriesOf(T.fluxBflTensors(T.fluxConfig('tiny'))));
    const report = mapAdapter(flux, [
      mod('transformer.transformer_blocks.0.attn.to_q', 16, 16),
      mod('transformer.transformer_blocks.0.attn.to_v', 16, 16),
      mod('transformer.transformer_blocks.1.attn.to_k', 16, 16),
      mod('lora_unet_double_blocks_1_img_attn_qkv', 48, 16),
    ]);
    expect(report.unmatched).toEqual([]);
    expect(report.overlaps).toEqual([{ baseKey: 'double_blocks.1.img_attn.qkv.weight', modules: ['transformer.transformer_blocks.1.attn.to_k', 'lora_unet_double_blocks_1_img_attn_qkv'] }]);
    expect(report.perBlock).toEqual([
      { block: 'D00', count: 2 },
      { block: 'D01', count: 2 },
    ]);
  });

  it('GPT-2: PEFT ΔW [out, in] fits the Conv1D weight [in, out]', () => {
    const gpt2 = buildKeyMap(entriesOf(T.gpt2Tensors(T.TINY_GPT2, 'transformer.')));
    const report = mapAdapter(gpt2, [mod('base_model.model.transformer.h.0.attn.c_attn', 24, 8), mod('base_model.model.transformer.h.0.mlp.c_fc', 8, 32)]);
    expect(report.matched.map((m) => m.target.transpose)).toEqual([true]);
    expect(report.unmatched[0]!.reason).toMatch(/ΔW \[8, 32\] does not fit transformer\.h\.0\.mlp\.c_fc\.weight \(needs \[32, 8\]; base tensor \[8, 32\], stored transposed\)/);
  });

  it('an SD 2 LoRA on an SD 1.5 base: same names, other widths, refused with the evidence', () => {
    const sd15 = buildKeyMap(entriesOf(T.sd15Checkpoint()));
    const report = mapAdapter(sd15, [
      mod('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k', 320, 1024),
      mod('lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', 320, 320),
    ]);
    expect(report.adapterArchitecture?.family).toBe('sd2');
    expect(report.matched).toEqual([]);
    expect(report.unmatched[0]!.reason).toMatch(/^shape mismatch: ΔW \[320, 1024\].*the adapter looks like SD 2\.x \(cross-attention input width 1024.*but the base is SD 1\.x \(.*context width 768\)/);
    expect(report.unmatched[1]!.reason).toMatch(/^refused although .*attn1\.to_q\.weight would fit: the adapter looks like SD 2\.x/);
  });

  it('Llama-family adapters are not refused on Qwen2/Mistral bases (same names; shapes decide)', () => {
    const qwen = buildKeyMap(entriesOf(T.llamaTensors(T.tinyLlama(T.QWEN2_0_5B))));
    const report = mapAdapter(qwen, [mod('base_model.model.model.layers.0.self_attn.q_proj', 16, 16)]);
    expect(report.adapterArchitecture?.family).toBe('llama');
    expect(report.matched).toHaveLength(1);
  });
});

describe('performance', () => {
  it('buildKeyMap for a full SDXL checkpoint key list (≈2500 keys) takes well under a second', () => {
    const entries = entriesOf(T.sdxlCheckpoint({ vae: true, buffers: true }));
    buildKeyMap(entriesOf(T.sd15Checkpoint({ size: 'tiny' }))); // warm the JIT on another layout
    const t0 = performance.now();
    const km = buildKeyMap(entries);
    const ms = performance.now() - t0;
    console.log(`buildKeyMap: ${entries.length} SDXL keys → ${km.modules.length} modules, ${km.spellingCount} spellings in ${ms.toFixed(1)} ms`);
    expect(entries.length).toBeGreaterThan(2400);
    expect(km.spellingCount).toBeGreaterThan(10_000);
    // Well under a second quiet (≈50 ms); the bound leaves room for a loaded shared machine.
    expect(ms).toBeLessThan(2000);
  });
});
