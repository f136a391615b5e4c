/**
 * The Stable Diffusion UNet (LDM `openaimodel.UNetModel`) as a tensor list, in LDM names
 * (`input_blocks.N.…`), or in diffusers names (`down_blocks.…`) through the same correspondence that key
 * mapping uses (unet-paths.ts), so both layouts describe the same module.
 */
import { ldmUnetToDiffusers } from '../unet-paths.js';
import { SpecList, type TensorSpec } from './spec.js';

export interface UNetConfig {
  readonly modelChannels: number;
  readonly channelMult: readonly number[];
  readonly numResBlocks: number;
  /** SpatialTransformer depth per level (0: no attention at that level). */
  readonly transformerDepth: readonly number[];
  readonly transformerDepthMiddle: number;
  /** Cross-attention context width (the text encoders' hidden width, concatenated for SDXL). */
  readonly contextDim: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** SD2/SDXL use Linear proj_in/proj_out; SD1 uses 1×1 convs. */
  readonly linearProjection: boolean;
  /** SDXL's ADM conditioning input (label_emb); absent for SD1/SD2. */
  readonly admInChannels?: number;
}

export const SD15_UNET: UNetConfig = {
  modelChannels: 320,
  channelMult: [1, 2, 4, 4],
  numResBlocks: 2,
  transformerDepth: [1, 1, 1, 0],
  transformerDepthMiddle: 1,
  contextDim: 768,
  inChannels: 4,
  outChannels: 4,
  linearProjection: false,
};

export const SD2_UNET: UNetConfig = { ...SD15_UNET, contextDim: 1024, linearProjection: true };

export const SDXL_UNET: UNetConfig = {
  modelChannels: 320,
  channelMult: [1, 2, 4],
  numResBlocks: 2,
  transformerDepth: [0, 2, 10],
  transformerDepthMiddle: 10,
  contextDim: 2048,
  inChannels: 4,
  outChannels: 4,
  linearProjection: true,
  admInChannels: 2816,
};

export const SDXL_REFINER_UNET: UNetConfig = {
  modelChannels: 384,
  channelMult: [1, 2, 4, 4],
  numResBlocks: 2,
  transformerDepth: [0, 4, 4, 0],
  transformerDepthMiddle: 4,
  contextDim: 1280,
  inChannels: 4,
  outChannels: 4,
  linearProjection: true,
  admInChannels: 2560,
};

/** Same block structure, small widths: model channels 8 and the given context/ADM widths. */
export function tinyUnet(config: UNetConfig, contextDim: number, admInChannels?: number): UNetConfig {
  return { ...config, modelChannels: 8, contextDim, ...(config.admInChannels !== undefined ? { admInChannels: admInChannels ?? 24 } : {}) };
}

function resBlock(s: SpecList, inCh: number, outCh: number, embDim: number): void {
  s.norm('in_layers.0', inCh);
  s.conv('in_layers.2', outCh, inCh, 3);
  s.linear('emb_layers.1', outCh, embDim);
  s.norm('out_layers.0', outCh);
  s.conv('out_layers.3', outCh, outCh, 3);
  if (inCh !== outCh) s.conv('skip_connection', outCh, inCh, 1);
}

function spatialTransformer(s: SpecList, ch: number, depth: number, cfg: UNetConfig): void {
  s.norm('norm', ch);
  const proj = (name: string): void => {
    if (cfg.linearProjection) s.linear(name, ch, ch);
    else s.conv(name, ch, ch, 1);
  };
  proj('proj_in');
  for (let t = 0; t < depth; t++) {
    const b = s.scope(`transformer_blocks.${t}.`);
    b.linear('attn1.to_q', ch, ch, false).linear('attn1.to_k', ch, ch, false).linear('attn1.to_v', ch, ch, false);
    b.linear('attn1.to_out.0', ch, ch);
    b.linear('ff.net.0.proj', ch * 8, ch); // GEGLU: value and gate halves of the 4·ch inner width
    b.linear('ff.net.2', ch, ch * 4);
    b.linear('attn2.to_q', ch, ch, false).linear('attn2.to_k', ch, cfg.contextDim, false).linear('attn2.to_v', ch, cfg.contextDim, false);
    b.linear('attn2.to_out.0', ch, ch);
    b.norm('norm1', ch).norm('norm2', ch).norm('norm3', ch);
  }
  proj('proj_out');
}

/** The UNet in LDM names under `prefix` ("model.diffusion_model." in single-file checkpoints). */
export function unetLdmTensors(cfg: UNetConfig, prefix = 'model.diffusion_model.'): TensorSpec[] {
  const s = new SpecList(prefix);
  const mc = cfg.modelChannels;
  const emb = mc * 4;
  s.linear('time_embed.0', emb, mc).linear('time_embed.2', emb, emb);
  if (cfg.admInChannels !== undefined) s.linear('label_emb.0.0', emb, cfg.admInChannels).linear('label_emb.0.2', emb, emb);
  s.conv('input_blocks.0.0', mc, cfg.inChannels, 3);
  const skipChannels = [mc];
  let ch = mc;
  let block = 1;
  const levels = cfg.channelMult.length;
  cfg.channelMult.forEach((mult, level) => {
    for (let r = 0; r < cfg.numResBlocks; r++) {
      resBlock(s.scope(`input_blocks.${block}.0.`), ch, mult * mc, emb);
      ch = mult * mc;
      const depth = cfg.transformerDepth[level] ?? 0;
      if (depth > 0) spatialTransformer(s.scope(`input_blocks.${block}.1.`), ch, depth, cfg);
      skipChannels.push(ch);
      block++;
    }
    if (level !== levels - 1) {
      s.conv(`input_blocks.${block}.0.op`, ch, ch, 3);
      skipChannels.push(ch);
      block++;
    }
  });
  resBlock(s.scope('middle_block.0.'), ch, ch, emb);
  spatialTransformer(s.scope('middle_block.1.'), ch, cfg.transformerDepthMiddle, cfg);
  resBlock(s.scope('middle_block.2.'), ch, ch, emb);
  block = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const mult = cfg.channelMult[level] ?? 1;
    for (let r = 0; r <= cfg.numResBlocks; r++) {
      const skip = skipChannels.pop() ?? 0;
      resBlock(s.scope(`output_blocks.${block}.0.`), ch + skip, mult * mc, emb);
      ch = mult * mc;
      let layer = 1;
      const depth = cfg.transformerDepth[level] ?? 0;
      if (depth > 0) {
        spatialTransformer(s.scope(`output_blocks.${block}.1.`), ch, depth, cfg);
        layer = 2;
      }
      if (level !== 0 && r === cfg.numResBlocks) s.conv(`output_blocks.${block}.${layer}.conv`, ch, ch, 3);
      block++;
    }
  }
  s.norm('out.0', ch);
  s.conv('out.2', cfg.outChannels, ch, 3);
  return s.specs;
}

/** The same UNet in diffusers names (`down_blocks.…`, `conv_in`, `add_embedding`) under `prefix` ("" or "unet."). */
export function unetDiffusersTensors(cfg: UNetConfig, prefix = ''): TensorSpec[] {
  return unetLdmTensors(cfg, '').map((t) => {
    const dot = t.key.lastIndexOf('.');
    const path = ldmUnetToDiffusers(t.key.slice(0, dot), cfg.numResBlocks);
    if (path === undefined) throw new Error(`no diffusers name for UNet tensor ${t.key}`);
    return { key: `${prefix}${path}${t.key.slice(dot)}`, shape: t.shape };
  });
}
