/** BERT and DistilBERT encoders in Hugging Face names, with the sequence-classification heads. */
import { SpecList, type TensorSpec } from './spec.js';

export interface BertConfig {
  readonly vocab: number;
  readonly positions: number;
  readonly tokenTypes: number;
  readonly hidden: number;
  readonly layers: number;
  readonly intermediate: number;
}

export const BERT_BASE: BertConfig = { vocab: 30522, positions: 512, tokenTypes: 2, hidden: 768, layers: 12, intermediate: 3072 };
export const DISTILBERT_BASE: BertConfig = { ...BERT_BASE, layers: 6 };
export const TINY_BERT: BertConfig = { vocab: 64, positions: 16, tokenTypes: 2, hidden: 8, layers: 2, intermediate: 32 };
export const TINY_DISTILBERT: BertConfig = { ...TINY_BERT, layers: 6 };

export interface EncoderOptions {
  /** Where the encoder sits: "bert."/"distilbert." in *For… checkpoints, "" for the bare model. */
  prefix?: string;
  /** Sequence-classification head with this many labels (BERT: classifier; DistilBERT: pre_classifier + classifier). */
  classifierLabels?: number;
}

export function bertTensors(cfg: BertConfig, o: EncoderOptions = {}): TensorSpec[] {
  const s = new SpecList(o.prefix ?? 'bert.');
  const h = cfg.hidden;
  const e = s.scope('embeddings.');
  e.tensor('word_embeddings.weight', [cfg.vocab, h]);
  e.tensor('position_embeddings.weight', [cfg.positions, h]);
  e.tensor('token_type_embeddings.weight', [cfg.tokenTypes, h]);
  e.norm('LayerNorm', h);
  for (let i = 0; i < cfg.layers; i++) {
    const l = s.scope(`encoder.layer.${i}.`);
    l.linear('attention.self.query', h, h).linear('attention.self.key', h, h).linear('attention.self.value', h, h);
    l.linear('attention.output.dense', h, h).norm('attention.output.LayerNorm', h);
    l.linear('intermediate.dense', cfg.intermediate, h);
    l.linear('output.dense', h, cfg.intermediate).norm('output.LayerNorm', h);
  }
  s.linear('pooler.dense', h, h);
  const specs = s.specs;
  if (o.classifierLabels !== undefined) new SpecList('', specs).linear('classifier', o.classifierLabels, h);
  return specs;
}

export function distilbertTensors(cfg: BertConfig, o: EncoderOptions = {}): TensorSpec[] {
  const s = new SpecList(o.prefix ?? 'distilbert.');
  const h = cfg.hidden;
  s.tensor('embeddings.word_embeddings.weight', [cfg.vocab, h]);
  s.tensor('embeddings.position_embeddings.weight', [cfg.positions, h]);
  s.norm('embeddings.LayerNorm', h);
  for (let i = 0; i < cfg.layers; i++) {
    const l = s.scope(`transformer.layer.${i}.`);
    l.linear('attention.q_lin', h, h).linear('attention.k_lin', h, h).linear('attention.v_lin', h, h).linear('attention.out_lin', h, h);
    l.norm('sa_layer_norm', h);
    l.linear('ffn.lin1', cfg.intermediate, h).linear('ffn.lin2', h, cfg.intermediate);
    l.norm('output_layer_norm', h);
  }
  const specs = s.specs;
  if (o.classifierLabels !== undefined) new SpecList('', specs).linear('pre_classifier', h, h).linear('classifier', o.classifierLabels, h);
  return specs;
}
