/**
 * Classifies one tensor name of a LoRA file: which module it belongs to (the module name of types.ts), which
 * parameter of that module it is, and in which dialect it is spelled. Pure: names only, no shapes.
 */
import type { AdapterDialect } from './types.js';

export type ParamRole =
  | 'down'
  | 'up'
  | 'mid'
  | 'embA'
  | 'embB'
  | 'alpha'
  | 'w1a'
  | 'w1b'
  | 'w2a'
  | 'w2b'
  | 't1'
  | 't2'
  | 'lokrW1'
  | 'lokrW1a'
  | 'lokrW1b'
  | 'lokrW2'
  | 'lokrW2a'
  | 'lokrW2b'
  | 'lokrT2'
  | 'diff'
  | 'diffBias'
  | 'doraScale'
  | 'magnitude';

export type ParsedKey =
  /** A parameter of a LoRA-family module. `dialect` is undefined for dialect-neutral tensors (`.alpha`). */
  | { kind: 'param'; module: string; role: ParamRole; dialect: AdapterDialect | undefined }
  /** A full tensor (`X.weight`, `X.bias`): a modules_to_save candidate, decided with the config. */
  | { kind: 'full-tensor'; module: string; param: string }
  /** Recognised but not supported, or not a LoRA parameter at all. */
  | { kind: 'unused'; reason: string };

interface SuffixRule {
  suffix: string;
  role: ParamRole;
  dialect: AdapterDialect | undefined;
}

const rule = (suffix: string, role: ParamRole, dialect: AdapterDialect | undefined): SuffixRule => ({ suffix, role, dialect });

// Longest spellings first where one suffix ends another (".lora_A.default.weight" before ".weight" fallbacks).
const SUFFIX_RULES: readonly SuffixRule[] = [
  rule('.lora_down.weight', 'down', 'kohya'),
  rule('.lora_up.weight', 'up', 'kohya'),
  rule('.lora_mid.weight', 'mid', 'kohya'),
  rule('.lora_linear_layer.down.weight', 'down', 'diffusers'),
  rule('.lora_linear_layer.up.weight', 'up', 'diffusers'),
  rule('.lora.down.weight', 'down', 'diffusers'),
  rule('.lora.up.weight', 'up', 'diffusers'),
  rule('.lora_A.default.weight', 'down', 'peft'),
  rule('.lora_B.default.weight', 'up', 'peft'),
  rule('.lora_A.weight', 'down', 'peft'),
  rule('.lora_B.weight', 'up', 'peft'),
  rule('.lora_embedding_A.default', 'embA', 'peft'),
  rule('.lora_embedding_B.default', 'embB', 'peft'),
  rule('.lora_embedding_A.weight', 'embA', 'peft'),
  rule('.lora_embedding_B.weight', 'embB', 'peft'),
  rule('.lora_embedding_A', 'embA', 'peft'),
  rule('.lora_embedding_B', 'embB', 'peft'),
  rule('.lora_magnitude_vector.default.weight', 'magnitude', 'peft'),
  rule('.lora_magnitude_vector.default', 'magnitude', 'peft'),
  rule('.lora_magnitude_vector.weight', 'magnitude', 'peft'),
  rule('.lora_magnitude_vector', 'magnitude', 'peft'),
  rule('.hada_w1_a', 'w1a', 'lycoris'),
  rule('.hada_w1_b', 'w1b', 'lycoris'),
  rule('.hada_w2_a', 'w2a', 'lycoris'),
  rule('.hada_w2_b', 'w2b', 'lycoris'),
  rule('.hada_t1', 't1', 'lycoris'),
  rule('.hada_t2', 't2', 'lycoris'),
  rule('.lokr_w1_a', 'lokrW1a', 'lycoris'),
  rule('.lokr_w1_b', 'lokrW1b', 'lycoris'),
  rule('.lokr_w2_a', 'lokrW2a', 'lycoris'),
  rule('.lokr_w2_b', 'lokrW2b', 'lycoris'),
  rule('.lokr_w1', 'lokrW1', 'lycoris'),
  rule('.lokr_w2', 'lokrW2', 'lycoris'),
  rule('.lokr_t2', 'lokrT2', 'lycoris'),
  rule('.diff_b', 'diffBias', 'lycoris'),
  rule('.diff', 'diff', 'lycoris'),
  rule('.dora_scale', 'doraScale', 'lycoris'),
  rule('.alpha', 'alpha', undefined),
];

/** Recognised spellings we do not apply, with the reason the mapping report shows. */
const UNSUPPORTED_SUFFIXES: readonly { suffix: string; reason: string }[] = [
  { suffix: '.lora_A.bias', reason: 'PEFT lora_bias (a bias on lora_A) is not supported' },
  { suffix: '.lora_B.bias', reason: 'PEFT lora_bias (a bias on lora_B) is not supported' },
  { suffix: '.lora_E', reason: 'AdaLoRA (lora_E) is not supported' },
  { suffix: '.lokr_t1', reason: 'lokr_t1 is not part of LoKr as LyCORIS and ComfyUI apply it' },
  { suffix: '.oft_blocks', reason: 'LyCORIS OFT is not supported' },
  { suffix: '.oft_diag', reason: 'LyCORIS (Diag-)OFT is not supported' },
  { suffix: '.oft_R', reason: 'BOFT is not supported' },
  { suffix: '.rescale', reason: 'LyCORIS OFT rescale is not supported' },
  { suffix: '.w_norm', reason: 'LyCORIS norm-layer patch (w_norm) is not supported' },
  { suffix: '.b_norm', reason: 'LyCORIS norm-layer patch (b_norm) is not supported' },
  { suffix: '.a1.weight', reason: 'LyCORIS GLoRA is not supported' },
  { suffix: '.a2.weight', reason: 'LyCORIS GLoRA is not supported' },
  { suffix: '.b1.weight', reason: 'LyCORIS GLoRA is not supported' },
  { suffix: '.b2.weight', reason: 'LyCORIS GLoRA is not supported' },
  { suffix: '.set_weight', reason: 'LyCORIS "set" (weight replacement) is not supported' },
  { suffix: '.trainable_tokens_delta', reason: 'PEFT trainable tokens are not supported' },
];

/** Old diffusers attention processors: `X.processor.to_q_lora.down.weight` patches `X.to_q`; to_out means to_out.0. */
const ATTN_PROC = /^(.+)\.processor\.([A-Za-z0-9_]+?)_lora\.(down|up)\.weight$/;
/** The same spelling on CLIP text encoders (no `.processor`): diffusers renames to_q → q_proj, to_out → out_proj. */
const ATTN_PROC_TEXT = /^(.+\.self_attn)\.to_(q|k|v|out)_lora\.(down|up)\.weight$/;
const ATTN_PROC_BARE = /^(.+)\.(to_q|to_k|to_v|to_out)_lora\.(down|up)\.weight$/;
/** In-memory PEFT modules_to_save spelling: `X.modules_to_save.<adapter>.weight`. */
const MODULES_TO_SAVE = /^(.+)\.modules_to_save\.[^.]+\.([^.]+)$/;

function attnProcTarget(proj: string): string {
  return proj === 'to_out' ? 'to_out.0' : proj;
}

export function parseKey(key: string): ParsedKey {
  let m = ATTN_PROC.exec(key);
  if (m) return attnParam(`${m[1]!}.${attnProcTarget(m[2]!)}`, m[3]!);
  m = ATTN_PROC_TEXT.exec(key);
  if (m) return attnParam(`${m[1]!}.${m[2] === 'out' ? 'out_proj' : `${m[2]!}_proj`}`, m[3]!);
  m = ATTN_PROC_BARE.exec(key);
  if (m) return attnParam(`${m[1]!}.${attnProcTarget(m[2]!)}`, m[3]!);

  for (const u of UNSUPPORTED_SUFFIXES) {
    if (key.endsWith(u.suffix)) return { kind: 'unused', reason: u.reason };
  }
  for (const r of SUFFIX_RULES) {
    if (key.endsWith(r.suffix) && key.length > r.suffix.length) {
      return { kind: 'param', module: key.slice(0, -r.suffix.length), role: r.role, dialect: r.dialect };
    }
  }
  if (key.endsWith('.wd_for_diff')) {
    return { kind: 'unused', reason: 'LyCORIS wd_for_diff marker (DoRA on the diff weight) is not supported' };
  }
  if (/\.original_module\.[^.]+$/.test(key)) {
    return { kind: 'unused', reason: 'PEFT original_module copy of a base tensor (not part of the adapter)' };
  }
  m = MODULES_TO_SAVE.exec(key);
  if (m) return { kind: 'full-tensor', module: m[1]!, param: m[2]! };
  const dot = key.lastIndexOf('.');
  if (dot > 0 && dot < key.length - 1) return { kind: 'full-tensor', module: key.slice(0, dot), param: key.slice(dot + 1) };
  return { kind: 'unused', reason: 'not a LoRA parameter name (no known suffix)' };
}

function attnParam(module: string, direction: string): ParsedKey {
  return { kind: 'param', module, role: direction === 'down' ? 'down' : 'up', dialect: 'diffusers-attnproc' };
}
