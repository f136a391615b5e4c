/** Flux.1 transformers: the original BFL layout (ComfyUI's, fused qkv / linear1) and diffusers'. */
import { bflToDiffusers, partRows } from '../flux-paths.js';
import { CLIP_L, clipTextTensors, tinyClip } from './clip.js';
import { SpecList, type TemplateSize, type TensorSpec } from './spec.js';
import { T5_XXL, TINY_T5, t5EncoderTensors } from './t5.js';

export interface FluxConfig {
  readonly hidden: number;
  readonly depthDouble: number;
  readonly depthSingle: number;
  readonly mlpRatio: number;
  readonly headDim: number;
  readonly inChannels: number;
  readonly vecInDim: number;
  readonly contextInDim: number;
  readonly timeDim: number;
  /** Flux-dev's guidance embedder (absent in schnell). */
  readonly guidance: boolean;
}

export const FLUX_DEV: FluxConfig = {
  hidden: 3072,
  depthDouble: 19,
  depthSingle: 38,
  mlpRatio: 4,
  headDim: 128,
  inChannels: 64,
  vecInDim: 768,
  contextInDim: 4096,
  timeDim: 256,
  guidance: true,
};
export const FLUX_SCHNELL: FluxConfig = { ...FLUX_DEV, guidance: false };

/** Small widths; full depth unless given (tests may ask for a few blocks with the same names). */
export function fluxConfig(size: TemplateSize, depth?: { double: number; single: number }): FluxConfig {
  const base = size === 'full' ? FLUX_DEV : { ...FLUX_DEV, hidden: 16, headDim: 4, inChannels: 8, vecInDim: 8, contextInDim: 12, timeDim: 8 };
  return depth ? { ...base, depthDouble: depth.double, depthSingle: depth.single } : base;
}

/** BFL names under `prefix` ("" as released, "model.diffusion_model." in ComfyUI-saved checkpoints). */
export function fluxBflTensors(cfg: FluxConfig, prefix = ''): TensorSpec[] {
  const s = new SpecList(prefix);
  const h = cfg.hidden;
  const mlp = h * cfg.mlpRatio;
  s.linear('img_in', h, cfg.inChannels);
  s.linear('time_in.in_layer', h, cfg.timeDim).linear('time_in.out_layer', h, h);
  s.linear('vector_in.in_layer', h, cfg.vecInDim).linear('vector_in.out_layer', h, h);
  if (cfg.guidance) s.linear('guidance_in.in_layer', h, cfg.timeDim).linear('guidance_in.out_layer', h, h);
  s.linear('txt_in', h, cfg.contextInDim);
  for (let i = 0; i < cfg.depthDouble; i++) {
    for (const stream of ['img', 'txt']) {
      const b = s.scope(`double_blocks.${i}.${stream}_`);
      b.linear('mod.lin', 6 * h, h);
      b.linear('attn.qkv', 3 * h, h);
      b.tensor('attn.norm.query_norm.scale', [cfg.headDim]).tensor('attn.norm.key_norm.scale', [cfg.headDim]);
      b.linear('attn.proj', h, h);
      b.linear('mlp.0', mlp, h).linear('mlp.2', h, mlp);
    }
  }
  for (let i = 0; i < cfg.depthSingle; i++) {
    const b = s.scope(`single_blocks.${i}.`);
    b.linear('linear1', 3 * h + mlp, h);
    b.linear('linear2', h, h + mlp);
    b.tensor('norm.query_norm.scale', [cfg.headDim]).tensor('norm.key_norm.scale', [cfg.headDim]);
    b.linear('modulation.lin', 3 * h, h);
  }
  s.linear('final_layer.linear', cfg.inChannels, h);
  s.linear('final_layer.adaLN_modulation.1', 2 * h, h);
  return s.specs;
}

/** diffusers FluxTransformer2DModel names under `prefix` ("" or "transformer."): fused weights split into parts. */
export function fluxDiffusersTensors(cfg: FluxConfig, prefix = ''): TensorSpec[] {
  const out: TensorSpec[] = [];
  for (const t of fluxBflTensors(cfg, '')) {
    const dot = t.key.lastIndexOf('.');
    const param = t.key.slice(dot + 1);
    const parts = bflToDiffusers(t.key.slice(0, dot));
    if (parts.length === 0) throw new Error(`no diffusers name for Flux tensor ${t.key}`);
    for (const p of parts) {
      const rows = p.part ? partRows(p.part, cfg.hidden, t.shape[0] ?? 0).length : (t.shape[0] ?? 0);
      out.push({ key: `${prefix}${p.path}.${param === 'scale' ? 'weight' : param}`, shape: [rows, ...t.shape.slice(1)] });
    }
  }
  return out;
}

/**
 * A ComfyUI all-in-one Flux checkpoint: the transformer under "model.diffusion_model.", CLIP-L under
 * "text_encoders.clip_l.transformer." and T5-XXL under "text_encoders.t5xxl.transformer." (no VAE).
 */
export function fluxCheckpoint(o: { size?: TemplateSize; depth?: { double: number; single: number } } = {}): TensorSpec[] {
  const size = o.size ?? 'full';
  return [
    ...fluxBflTensors(fluxConfig(size, o.depth), 'model.diffusion_model.'),
    ...clipTextTensors(size === 'full' ? CLIP_L : tinyClip(CLIP_L, 16), 'text_encoders.clip_l.transformer.'),
    ...t5EncoderTensors(size === 'full' ? T5_XXL : TINY_T5, 'text_encoders.t5xxl.transformer.'),
  ];
}
