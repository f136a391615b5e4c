/** Llama-family decoders (Llama, Mistral, Qwen2) in Hugging Face names (`model.layers.N.self_attn.q_proj`). */
import { SpecList, type TensorSpec } from './spec.js';

export interface LlamaConfig {
  readonly vocab: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly intermediate: number;
  /** lm_head shares the embedding and is not saved. */
  readonly tiedEmbeddings: boolean;
  /** Qwen2 has biases on q/k/v. */
  readonly qkvBias: boolean;
}

export const LLAMA2_7B: LlamaConfig = { vocab: 32000, hidden: 4096, layers: 32, heads: 32, kvHeads: 32, intermediate: 11008, tiedEmbeddings: false, qkvBias: false };
export const MISTRAL_7B: LlamaConfig = { vocab: 32000, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336, tiedEmbeddings: false, qkvBias: false };
export const QWEN2_0_5B: LlamaConfig = { vocab: 151936, hidden: 896, layers: 24, heads: 14, kvHeads: 2, intermediate: 4864, tiedEmbeddings: true, qkvBias: true };

/** A small model with the same names: 2 layers unless given, hidden 16, GQA with 2 KV heads of 4. */
export function tinyLlama(base: LlamaConfig = LLAMA2_7B, layers = 2): LlamaConfig {
  return { ...base, vocab: 64, hidden: 16, layers, heads: 4, kvHeads: base.kvHeads < base.heads ? 2 : 4, intermediate: 40 };
}

/**
 * `prefix` is where the base model sits: "model." for *ForCausalLM checkpoints (with lm_head at the top
 * level), "" for a bare LlamaModel (no lm_head).
 */
export function llamaTensors(cfg: LlamaConfig, prefix = 'model.'): TensorSpec[] {
  const s = new SpecList(prefix);
  const headDim = cfg.hidden / cfg.heads;
  const kv = cfg.kvHeads * headDim;
  s.tensor('embed_tokens.weight', [cfg.vocab, cfg.hidden]);
  for (let i = 0; i < cfg.layers; i++) {
    const l = s.scope(`layers.${i}.`);
    l.linear('self_attn.q_proj', cfg.hidden, cfg.hidden, cfg.qkvBias);
    l.linear('self_attn.k_proj', kv, cfg.hidden, cfg.qkvBias);
    l.linear('self_attn.v_proj', kv, cfg.hidden, cfg.qkvBias);
    l.linear('self_attn.o_proj', cfg.hidden, cfg.hidden, false);
    l.linear('mlp.gate_proj', cfg.intermediate, cfg.hidden, false);
    l.linear('mlp.up_proj', cfg.intermediate, cfg.hidden, false);
    l.linear('mlp.down_proj', cfg.hidden, cfg.intermediate, false);
    l.tensor('input_layernorm.weight', [cfg.hidden]).tensor('post_attention_layernorm.weight', [cfg.hidden]);
  }
  s.tensor('norm.weight', [cfg.hidden]);
  const specs = s.specs;
  if (prefix !== '' && !cfg.tiedEmbeddings) specs.push({ key: 'lm_head.weight', shape: [cfg.vocab, cfg.hidden] });
  return specs;
}
