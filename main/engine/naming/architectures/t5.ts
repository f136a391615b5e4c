/** The T5 v1.1 encoder (Flux's and SD3's second/third text encoder) in Hugging Face names. */
import { SpecList, type TensorSpec } from './spec.js';

export interface T5EncoderConfig {
  readonly vocab: number;
  readonly dModel: number;
  readonly layers: number;
  readonly heads: number;
  readonly dKv: number;
  readonly dFf: number;
  readonly relativeBuckets: number;
}

export const T5_XXL: T5EncoderConfig = { vocab: 32128, dModel: 4096, layers: 24, heads: 64, dKv: 64, dFf: 10240, relativeBuckets: 32 };
export const TINY_T5: T5EncoderConfig = { vocab: 64, dModel: 16, layers: 24, heads: 2, dKv: 8, dFf: 40, relativeBuckets: 8 };

/** T5EncoderModel tensors under `prefix` (ComfyUI: "text_encoders.t5xxl.transformer."). The embedding is saved once, as shared.weight. */
export function t5EncoderTensors(cfg: T5EncoderConfig, prefix = ''): TensorSpec[] {
  const s = new SpecList(prefix);
  const inner = cfg.heads * cfg.dKv;
  s.tensor('shared.weight', [cfg.vocab, cfg.dModel]);
  for (let i = 0; i < cfg.layers; i++) {
    const b = s.scope(`encoder.block.${i}.layer.`);
    b.linear('0.SelfAttention.q', inner, cfg.dModel, false).linear('0.SelfAttention.k', inner, cfg.dModel, false);
    b.linear('0.SelfAttention.v', inner, cfg.dModel, false).linear('0.SelfAttention.o', cfg.dModel, inner, false);
    if (i === 0) b.tensor('0.SelfAttention.relative_attention_bias.weight', [cfg.relativeBuckets, cfg.heads]);
    b.tensor('0.layer_norm.weight', [cfg.dModel]);
    b.linear('1.DenseReluDense.wi_0', cfg.dFf, cfg.dModel, false).linear('1.DenseReluDense.wi_1', cfg.dFf, cfg.dModel, false);
    b.linear('1.DenseReluDense.wo', cfg.dModel, cfg.dFf, false);
    b.tensor('1.layer_norm.weight', [cfg.dModel]);
  }
  s.tensor('encoder.final_layer_norm.weight', [cfg.dModel]);
  return s.specs;
}
