/** GPT-2 in Hugging Face names. Its Conv1D layers store weights [in, out], the transpose of nn.Linear. */
import { SpecList, type TensorSpec } from './spec.js';

export interface Gpt2Config {
  readonly vocab: number;
  readonly positions: number;
  readonly hidden: number;
  readonly layers: number;
}

export const GPT2_SMALL: Gpt2Config = { vocab: 50257, positions: 1024, hidden: 768, layers: 12 };
export const TINY_GPT2: Gpt2Config = { vocab: 64, positions: 16, hidden: 8, layers: 2 };

/** `prefix` "transformer." as GPT2LMHeadModel saves it (lm_head is tied and not saved), "" as GPT2Model. */
export function gpt2Tensors(cfg: Gpt2Config, prefix = ''): TensorSpec[] {
  const s = new SpecList(prefix);
  const h = cfg.hidden;
  s.tensor('wte.weight', [cfg.vocab, h]).tensor('wpe.weight', [cfg.positions, h]);
  for (let i = 0; i < cfg.layers; i++) {
    const b = s.scope(`h.${i}.`);
    b.norm('ln_1', h);
    b.tensor('attn.c_attn.weight', [h, 3 * h]).tensor('attn.c_attn.bias', [3 * h]);
    b.tensor('attn.c_proj.weight', [h, h]).tensor('attn.c_proj.bias', [h]);
    b.norm('ln_2', h);
    b.tensor('mlp.c_fc.weight', [h, 4 * h]).tensor('mlp.c_fc.bias', [4 * h]);
    b.tensor('mlp.c_proj.weight', [4 * h, h]).tensor('mlp.c_proj.bias', [h]);
  }
  s.norm('ln_f', h);
  return s.specs;
}
