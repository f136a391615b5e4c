import { describe, expect, it } from 'vitest';
import {
  BERT_BASE,
  DISTILBERT_BASE,
  FLUX_DEV,
  FLUX_SCHNELL,
  GPT2_SMALL,
  LLAMA2_7B,
  MISTRAL_7B,
  QWEN2_0_5B,
  bertTensors,
  distilbertTensors,
  fluxBflTensors,
  fluxConfig,
  fluxDiffusersTensors,
  gpt2Tensors,
  llamaTensors,
  parameterCount,
  sd15Checkpoint,
  sd15DiffusersUnet,
  sd2Checkpoint,
  sdxlCheckpoint,
  sdxlDiffusersTextEncoders,
  sdxlRefinerCheckpoint,
  t5EncoderTensors,
  T5_XXL,
} from '../../../main/engine/naming/architectures/index.js';

// Published parameter counts (model cards / papers / `sum(p.numel())` of the reference implementations).
describe('full-size templates have the published parameter counts', () => {
  it('SD 1.5: UNet 859.52 M, CLIP-L text 123.06 M, VAE 83.65 M', () => {
    const specs = sd15Checkpoint({ vae: true });
    expect(parameterCount(specs, 'model.diffusion_model.')).toBe(859_520_964);
    expect(parameterCount(specs, 'cond_stage_model.')).toBe(123_060_480);
    expect(parameterCount(specs, 'first_stage_model.')).toBe(83_653_863);
  });

  it('SD 2.x UNet 865.91 M', () => {
    expect(parameterCount(sd2Checkpoint(), 'model.diffusion_model.')).toBe(865_910_724);
  });

  it('SDXL: UNet 2567.46 M, CLIP-L 123.06 M, OpenCLIP-bigG text with projection 694.66 M', () => {
    const specs = sdxlCheckpoint();
    expect(parameterCount(specs, 'model.diffusion_model.')).toBe(2_567_463_684);
    expect(parameterCount(specs, 'conditioner.embedders.0.')).toBe(123_060_480);
    expect(parameterCount(specs, 'conditioner.embedders.1.')).toBe(694_659_840);
    // The same encoders in diffusers names count the same.
    const te = sdxlDiffusersTextEncoders();
    expect(parameterCount(te, 'text_encoder.')).toBe(123_060_480);
    expect(parameterCount(te, 'text_encoder_2.')).toBe(694_659_840);
  });

  it('SDXL single-file key count is about 2500 with the VAE', () => {
    const n = sdxlCheckpoint({ vae: true }).length;
    expect(n).toBeGreaterThan(2400);
    expect(n).toBeLessThan(2600);
  });

  it('Flux.1-dev 11.90 B, schnell without the guidance embedder, in both layouts', () => {
    expect(parameterCount(fluxBflTensors(FLUX_DEV))).toBe(11_901_408_320);
    expect(parameterCount(fluxDiffusersTensors(FLUX_DEV))).toBe(11_901_408_320);
    expect(parameterCount(fluxBflTensors(FLUX_SCHNELL))).toBe(11_901_408_320 - (3072 * 256 + 3072) - (3072 * 3072 + 3072)); // guidance_in.in_layer + out_layer
  });

  it('Llama-2-7B 6.74 B, Mistral-7B 7.24 B, Qwen2-0.5B 494 M', () => {
    expect(parameterCount(llamaTensors(LLAMA2_7B))).toBe(6_738_415_616);
    expect(parameterCount(llamaTensors(MISTRAL_7B))).toBe(7_241_732_096);
    expect(parameterCount(llamaTensors(QWEN2_0_5B))).toBe(494_032_768);
  });

  it('T5-XXL encoder 4.76 B (Flux TE2)', () => {
    expect(parameterCount(t5EncoderTensors(T5_XXL))).toBe(4_762_310_656);
  });

  it('GPT-2 124.44 M, BERT-base 109.48 M, DistilBERT 66.36 M', () => {
    expect(parameterCount(gpt2Tensors(GPT2_SMALL))).toBe(124_439_808);
    expect(parameterCount(bertTensors(BERT_BASE, { prefix: '' }))).toBe(109_482_240);
    expect(parameterCount(distilbertTensors(DISTILBERT_BASE, { prefix: '' }))).toBe(66_362_880);
  });
});

describe('tiny templates keep the real names', () => {
  const keys = (specs: { key: string }[]): string[] => specs.map((s) => s.key).sort();

  it.each([
    ['SD 1.5', () => sd15Checkpoint(), () => sd15Checkpoint({ size: 'tiny' })],
    ['SD 1.5 diffusers UNet', () => sd15DiffusersUnet(), () => sd15DiffusersUnet({ size: 'tiny' })],
    ['SD 2', () => sd2Checkpoint(), () => sd2Checkpoint({ size: 'tiny' })],
    ['SDXL', () => sdxlCheckpoint(), () => sdxlCheckpoint({ size: 'tiny' })],
    ['SDXL refiner', () => sdxlRefinerCheckpoint(), () => sdxlRefinerCheckpoint({ size: 'tiny' })],
    ['Flux', () => fluxBflTensors(FLUX_DEV), () => fluxBflTensors(fluxConfig('tiny'))],
  ])('%s: same key set, far fewer parameters', (_name, full, tiny) => {
    expect(keys(tiny())).toEqual(keys(full()));
    expect(parameterCount(tiny())).toBeLessThan(parameterCount(full()) / 100);
  });

  it('real key names that ComfyUI and the published checkpoints use are present', () => {
    const sd15 = new Set(keys(sd15Checkpoint({ buffers: true })));
    for (const k of [
      'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight',
      'model.diffusion_model.input_blocks.3.0.op.weight',
      'model.diffusion_model.output_blocks.2.1.conv.weight',
      'model.diffusion_model.output_blocks.5.2.conv.weight',
      'model.diffusion_model.middle_block.1.proj_in.weight',
      'model.diffusion_model.out.2.weight',
      'cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc2.weight',
      'cond_stage_model.transformer.text_model.embeddings.position_ids',
    ]) {
      expect(sd15.has(k), k).toBe(true);
    }
    const xl = new Set(keys(sdxlCheckpoint()));
    for (const k of [
      'model.diffusion_model.label_emb.0.0.weight',
      'model.diffusion_model.input_blocks.8.1.transformer_blocks.9.attn2.to_k.weight',
      'model.diffusion_model.output_blocks.2.2.conv.weight',
      'conditioner.embedders.1.model.transformer.resblocks.31.attn.in_proj_weight',
      'conditioner.embedders.1.model.text_projection',
    ]) {
      expect(xl.has(k), k).toBe(true);
    }
    expect(xl.has('model.diffusion_model.input_blocks.9.0.in_layers.0.weight')).toBe(false);
    expect(sdxlCheckpoint().find((s) => s.key === 'model.diffusion_model.input_blocks.4.1.proj_in.weight')?.shape).toEqual([640, 640]);
    expect(sd15Checkpoint().find((s) => s.key === 'model.diffusion_model.input_blocks.4.1.proj_in.weight')?.shape).toEqual([640, 640, 1, 1]);
  });
});
