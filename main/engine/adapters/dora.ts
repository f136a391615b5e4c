/**
 * applyDoRA: W' = m ⊙ V / (‖V‖ + ε) with V = W + Δ, everything in module orientation [out, inFlat]
 * (transpose a fan_in_fan_out or embedding base into it first, and back after). Δ is the scaled delta
 * (computeModuleDelta); m is used exactly as stored.
 *
 * - "rows": one norm per output row (PEFT lora_magnitude_vector, LyCORIS wd_on_out); m has `out` values.
 * - "cols": one norm per input channel over all rows and kernel taps (LyCORIS dora_scale [1, in, …]);
 *   m has `in` values and each covers inFlat/in consecutive columns.
 * - epsilon: PEFT adds none; LyCORIS and ComfyUI add torch.finfo(float32).eps (module.dora.epsilon).
 * - normOf "base": ComfyUI's weight_decompose takes the output-axis norm of the *base* weight W instead of
 *   W + Δ (LyCORIS and PEFT use W + Δ). Pass it only to reproduce ComfyUI; it changes nothing for "cols".
 * Strength is the caller's: ComfyUI blends W + strength·(W' − W); LyCORIS scales m/‖V‖ as strength·(m/‖V‖ − 1) + 1.
 */
import { EngineError } from '../errors.js';

export interface ApplyDoraOptions {
  epsilon?: number;
  normOf?: 'merged' | 'base';
}

export function applyDoRA(
  baseWeight: Float32Array,
  delta: Float32Array,
  magnitude: Float32Array,
  norm: 'rows' | 'cols',
  out: number,
  inFlat: number,
  opts: ApplyDoraOptions = {},
): Float32Array {
  const size = out * inFlat;
  if (baseWeight.length !== size || delta.length !== size) {
    throw new EngineError('shape-mismatch', `applyDoRA: base (${baseWeight.length}) and delta (${delta.length}) must both hold ${out}×${inFlat} = ${size} values.`);
  }
  const epsilon = opts.epsilon ?? 0;
  const merged = new Float32Array(size);
  for (let i = 0; i < size; i++) merged[i] = baseWeight[i]! + delta[i]!;
  if (norm === 'rows') {
    if (magnitude.length !== out) throw new EngineError('shape-mismatch', `applyDoRA: a per-row magnitude needs ${out} values, got ${magnitude.length}.`);
    const normed = opts.normOf === 'base' ? baseWeight : merged;
    for (let o = 0; o < out; o++) {
      let ss = 0;
      for (let j = 0; j < inFlat; j++) ss += normed[o * inFlat + j]! ** 2;
      const f = magnitude[o]! / (Math.sqrt(ss) + epsilon);
      for (let j = 0; j < inFlat; j++) merged[o * inFlat + j] = merged[o * inFlat + j]! * f;
    }
    return merged;
  }
  const inCh = magnitude.length;
  if (inCh === 0 || inFlat % inCh !== 0) throw new EngineError('shape-mismatch', `applyDoRA: a per-input magnitude of ${inCh} values does not divide ${inFlat} columns.`);
  const group = inFlat / inCh;
  const ss = new Float64Array(inCh);
  for (let o = 0; o < out; o++) for (let j = 0; j < inFlat; j++) ss[Math.floor(j / group)]! += merged[o * inFlat + j]! ** 2;
  const f = new Float64Array(inCh);
  for (let c = 0; c < inCh; c++) f[c] = magnitude[c]! / (Math.sqrt(ss[c]!) + epsilon);
  for (let o = 0; o < out; o++) for (let j = 0; j < inFlat; j++) merged[o * inFlat + j] = merged[o * inFlat + j]! * f[Math.floor(j / group)]!;
  return merged;
}
