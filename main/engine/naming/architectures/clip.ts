/**
 * CLIP text encoders: the Hugging Face layout (`text_model.encoder.layers.N.self_attn.q_proj`) that SD1's
 * CLIP-L and every diffusers text encoder use, and the OpenCLIP layout (`transformer.resblocks.N.attn.
 * in_proj_weight`, q/k/v fused) that SD2's and SDXL's second text encoder use in single-file checkpoints.
 */
import { SpecList, type TensorSpec } from './spec.js';

export interface ClipTextConfig {
  readonly width: number;
  readonly layers: number;
  readonly mlpWidth: number;
  readonly vocab: number;
  readonly positions: number;
  /** Output width of text_projection; undefined for a CLIPTextModel without projection (SD1's CLIP-L). */
  readonly projectionDim?: number;
}

export const CLIP_L: ClipTextConfig = { width: 768, layers: 12, mlpWidth: 3072, vocab: 49408, positions: 77 };
export const OPENCLIP_H: ClipTextConfig = { width: 1024, layers: 24, mlpWidth: 4096, vocab: 49408, positions: 77, projectionDim: 1024 };
export const OPENCLIP_BIGG: ClipTextConfig = { width: 1280, layers: 32, mlpWidth: 5120, vocab: 49408, positions: 77, projectionDim: 1280 };

/** Same layer count, small widths and vocabulary. */
export function tinyClip(config: ClipTextConfig, width: number): ClipTextConfig {
  return {
    ...config,
    width,
    mlpWidth: width * 4,
    vocab: 64,
    positions: 8,
    ...(config.projectionDim !== undefined ? { projectionDim: width } : {}),
  };
}

export interface ClipTensorOptions {
  /** Add the I64 `position_ids` buffer that transformers-era checkpoints carry (not a parameter). */
  positionIds?: boolean;
}

/** Hugging Face CLIPTextModel(WithProjection) tensors under `prefix`. */
export function clipTextTensors(cfg: ClipTextConfig, prefix = '', options: ClipTensorOptions = {}): TensorSpec[] {
  const s = new SpecList(prefix);
  const t = s.scope('text_model.');
  t.tensor('embeddings.token_embedding.weight', [cfg.vocab, cfg.width]);
  t.tensor('embeddings.position_embedding.weight', [cfg.positions, cfg.width]);
  if (options.positionIds) t.tensor('embeddings.position_ids', [1, cfg.positions], 'I64');
  for (let i = 0; i < cfg.layers; i++) {
    const l = t.scope(`encoder.layers.${i}.`);
    l.linear('self_attn.k_proj', cfg.width, cfg.width);
    l.linear('self_attn.v_proj', cfg.width, cfg.width);
    l.linear('self_attn.q_proj', cfg.width, cfg.width);
    l.linear('self_attn.out_proj', cfg.width, cfg.width);
    l.norm('layer_norm1', cfg.width);
    l.linear('mlp.fc1', cfg.mlpWidth, cfg.width);
    l.linear('mlp.fc2', cfg.width, cfg.mlpWidth);
    l.norm('layer_norm2', cfg.width);
  }
  t.norm('final_layer_norm', cfg.width);
  if (cfg.projectionDim !== undefined) s.linear('text_projection', cfg.projectionDim, cfg.width, false);
  return s.specs;
}

export interface OpenClipTensorOptions {
  /** OpenCLIP's `logit_scale` scalar (a parameter of the CLIP model, unused by the text tower). */
  logitScale?: boolean;
}

/** OpenCLIP text tower tensors under `prefix` ("cond_stage_model.model.", "conditioner.embedders.1.model."). */
export function openClipTextTensors(cfg: ClipTextConfig, prefix = '', options: OpenClipTensorOptions = {}): TensorSpec[] {
  const s = new SpecList(prefix);
  s.tensor('positional_embedding', [cfg.positions, cfg.width]);
  // text_projection is applied as x @ P, so it is stored [in, out]: the transpose of a Linear weight.
  s.tensor('text_projection', [cfg.width, cfg.projectionDim ?? cfg.width]);
  if (options.logitScale) s.tensor('logit_scale', []);
  s.tensor('token_embedding.weight', [cfg.vocab, cfg.width]);
  for (let i = 0; i < cfg.layers; i++) {
    const r = s.scope(`transformer.resblocks.${i}.`);
    r.norm('ln_1', cfg.width);
    r.tensor('attn.in_proj_weight', [3 * cfg.width, cfg.width]);
    r.tensor('attn.in_proj_bias', [3 * cfg.width]);
    r.linear('attn.out_proj', cfg.width, cfg.width);
    r.norm('ln_2', cfg.width);
    r.linear('mlp.c_fc', cfg.mlpWidth, cfg.width);
    r.linear('mlp.c_proj', cfg.width, cfg.mlpWidth);
  }
  s.norm('ln_final', cfg.width);
  return s.specs;
}
