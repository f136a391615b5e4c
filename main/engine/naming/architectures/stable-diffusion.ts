/**
 * Stable Diffusion checkpoints as their files name them: SD1.x/SD2.x single-file LDM checkpoints,
 * SDXL base/refiner single-file SGM checkpoints, and diffusers UNet / text-encoder files.
 */
import { CLIP_L, OPENCLIP_BIGG, OPENCLIP_H, clipTextTensors, openClipTextTensors, tinyClip, type ClipTextConfig } from './clip.js';
import type { TemplateSize, TensorSpec } from './spec.js';
import { SD15_UNET, SD2_UNET, SDXL_REFINER_UNET, SDXL_UNET, tinyUnet, unetDiffusersTensors, unetLdmTensors, type UNetConfig } from './unet.js';
import { SD_VAE, TINY_VAE, vaeLdmTensors } from './vae.js';

export interface SdCheckpointOptions {
  size?: TemplateSize;
  /** Include the autoencoder (`first_stage_model.…`). */
  vae?: boolean;
  /** Include non-parameter buffers real checkpoints carry (CLIP `position_ids`, OpenCLIP `logit_scale`). */
  buffers?: boolean;
}

interface SdConfig {
  unet: UNetConfig;
  te: ClipTextConfig;
}

function sd15Config(size: TemplateSize): SdConfig {
  if (size === 'full') return { unet: SD15_UNET, te: CLIP_L };
  const te = tinyClip(CLIP_L, 16);
  return { unet: tinyUnet(SD15_UNET, te.width), te };
}

function sd2Config(size: TemplateSize): SdConfig {
  if (size === 'full') return { unet: SD2_UNET, te: OPENCLIP_H };
  const te = tinyClip(OPENCLIP_H, 16);
  return { unet: tinyUnet(SD2_UNET, te.width), te };
}

function withVae(specs: TensorSpec[], o: SdCheckpointOptions): TensorSpec[] {
  return o.vae ? [...specs, ...vaeLdmTensors((o.size ?? 'full') === 'full' ? SD_VAE : TINY_VAE)] : specs;
}

/** SD 1.x single-file checkpoint: `model.diffusion_model.` UNet, `cond_stage_model.transformer.` CLIP-L. */
export function sd15Checkpoint(o: SdCheckpointOptions = {}): TensorSpec[] {
  const c = sd15Config(o.size ?? 'full');
  return withVae(
    [...unetLdmTensors(c.unet), ...clipTextTensors(c.te, 'cond_stage_model.transformer.', { positionIds: o.buffers ?? false })],
    o,
  );
}

/** SD 1.x UNet in diffusers names (`diffusion_pytorch_model.safetensors`), keys under `prefix` ("" or "unet."). */
export function sd15DiffusersUnet(o: { size?: TemplateSize; prefix?: string } = {}): TensorSpec[] {
  return unetDiffusersTensors(sd15Config(o.size ?? 'full').unet, o.prefix ?? '');
}

/** SD 1.x text encoder in diffusers names (`text_encoder/model.safetensors`). */
export function sd15DiffusersTextEncoder(o: { size?: TemplateSize; prefix?: string } = {}): TensorSpec[] {
  return clipTextTensors(sd15Config(o.size ?? 'full').te, o.prefix ?? '');
}

/** SD 2.x single-file checkpoint: LDM UNet (linear projections, context 1024) and OpenCLIP-H with fused in_proj. */
export function sd2Checkpoint(o: SdCheckpointOptions = {}): TensorSpec[] {
  const c = sd2Config(o.size ?? 'full');
  return withVae([...unetLdmTensors(c.unet), ...openClipTextTensors(c.te, 'cond_stage_model.model.', { logitScale: o.buffers ?? false })], o);
}

/** SD 2.x UNet in diffusers names. */
export function sd2DiffusersUnet(o: { size?: TemplateSize; prefix?: string } = {}): TensorSpec[] {
  return unetDiffusersTensors(sd2Config(o.size ?? 'full').unet, o.prefix ?? '');
}

interface SdxlConfig {
  unet: UNetConfig;
  te1: ClipTextConfig;
  te2: ClipTextConfig;
}

function sdxlConfig(size: TemplateSize): SdxlConfig {
  if (size === 'full') return { unet: SDXL_UNET, te1: CLIP_L, te2: OPENCLIP_BIGG };
  const te1 = tinyClip(CLIP_L, 16);
  const te2 = tinyClip(OPENCLIP_BIGG, 24);
  // As in SDXL: context = both encoders' widths; ADM input = pooled TE2 output + six 256-wide size/crop embeddings (scaled).
  return { unet: tinyUnet(SDXL_UNET, te1.width + te2.width, te2.width + 6 * 4), te1, te2 };
}

/**
 * SDXL base single-file SGM checkpoint: `model.diffusion_model.` UNet (≈2.57 B parameters at full size),
 * `conditioner.embedders.0.transformer.` CLIP-L (TE1), `conditioner.embedders.1.model.` OpenCLIP-bigG (TE2,
 * fused in_proj, text_projection stored [in, out]).
 */
export function sdxlCheckpoint(o: SdCheckpointOptions & { unetTransformerDepth?: readonly number[] } = {}): TensorSpec[] {
  const c = sdxlConfig(o.size ?? 'full');
  const unet = o.unetTransformerDepth
    ? { ...c.unet, transformerDepth: o.unetTransformerDepth, transformerDepthMiddle: Math.max(...o.unetTransformerDepth) }
    : c.unet;
  return withVae(
    [
      ...unetLdmTensors(unet),
      ...clipTextTensors(c.te1, 'conditioner.embedders.0.transformer.', { positionIds: o.buffers ?? false }),
      ...openClipTextTensors(c.te2, 'conditioner.embedders.1.model.', { logitScale: o.buffers ?? false }),
    ],
    o,
  );
}

/** SDXL UNet in diffusers names. */
export function sdxlDiffusersUnet(o: { size?: TemplateSize; prefix?: string } = {}): TensorSpec[] {
  return unetDiffusersTensors(sdxlConfig(o.size ?? 'full').unet, o.prefix ?? '');
}

/** SDXL text encoders in diffusers names: `text_encoder.` CLIP-L and `text_encoder_2.` bigG with projection. */
export function sdxlDiffusersTextEncoders(o: { size?: TemplateSize } = {}): TensorSpec[] {
  const c = sdxlConfig(o.size ?? 'full');
  return [...clipTextTensors(c.te1, 'text_encoder.'), ...clipTextTensors(c.te2, 'text_encoder_2.')];
}

/** SDXL refiner single-file checkpoint: its own UNet (context 1280, ADM 2560) and OpenCLIP-bigG as `conditioner.embedders.0.model.`. */
export function sdxlRefinerCheckpoint(o: SdCheckpointOptions = {}): TensorSpec[] {
  const size = o.size ?? 'full';
  const te = size === 'full' ? OPENCLIP_BIGG : tinyClip(OPENCLIP_BIGG, 24);
  const unet = size === 'full' ? SDXL_REFINER_UNET : tinyUnet(SDXL_REFINER_UNET, te.width, te.width + 5 * 4);
  return withVae([...unetLdmTensors(unet), ...openClipTextTensors(te, 'conditioner.embedders.0.model.', { logitScale: o.buffers ?? false })], o);
}
