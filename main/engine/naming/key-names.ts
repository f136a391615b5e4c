/** Small helpers on tensor and module names shared by the spelling generators. */

/** kohya flattens module paths: dots become underscores ("down_blocks.0.attn1" → "down_blocks_0_attn1"). */
export function flat(path: string): string {
  return path.replace(/\./g, '_');
}

export interface SplitKey {
  /** The module path ("…attn1.to_q", "…attn.in_proj", or the whole key for bare parameters). */
  readonly module: string;
  /** "weight", "bias", "scale", or "" for a bare parameter (OpenCLIP `positional_embedding`). */
  readonly param: string;
}

const BARE_PARAMS = new Set(['weight', 'bias', 'scale']);

/** Splits a tensor key into module path and parameter name. */
export function splitKey(key: string): SplitKey {
  const dot = key.lastIndexOf('.');
  const last = key.slice(dot + 1);
  if (dot > 0 && BARE_PARAMS.has(last)) return { module: key.slice(0, dot), param: last };
  // nn.MultiheadAttention: in_proj_weight / in_proj_bias.
  const m = /^(.*\.in_proj)_(weight|bias)$/.exec(key);
  if (m) return { module: m[1]!, param: m[2]! };
  return { module: key, param: '' };
}

/** Tensors that are not weights a LoRA module could patch: biases and non-parameter buffers. */
export function isPatchableWeightKey(key: string): boolean {
  const { param } = splitKey(key);
  if (param === 'bias') return false;
  return !/(^|\.)(position_ids|num_batches_tracked|running_mean|running_var|logit_scale)$/.test(key);
}

/** The bias key that belongs to a weight key, if it follows the usual spelling. */
export function biasKeyFor(key: string): string {
  const { module, param } = splitKey(key);
  if (module.endsWith('.in_proj') && param === 'weight') return `${module}_bias`;
  return `${module}.bias`;
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');
