/**
 * ΔW = tuned − base of one weight, in fp32, read at the tensors' offsets (either checkpoint may be fp16, bf16,
 * fp32 …): rows of a fused weight when sliced, transposed into module orientation [out, in·kh·kw] when the
 * checkpoint stores it [in, out]; with the statistics that decide whether a module is skipped (largest |ΔW|
 * entry, ‖ΔW‖²_F).
 */
import { EngineError } from '../errors.js';
import { decodeFloat } from '../tensor-io/float-convert.js';
import { readTensorBytesSync } from '../tensor-io/positional-read.js';
import type { TensorRef } from './source-types.js';

/** The raw bytes of a ref: its rows when sliced. */
function rawRows(ref: TensorRef): Uint8Array {
  const bytes = readTensorBytesSync(ref.entry);
  if (!ref.slice) return bytes;
  const rowBytes = bytes.byteLength / ref.entry.shape[0]!;
  return bytes.subarray(ref.slice.start * rowBytes, (ref.slice.start + ref.slice.length) * rowBytes);
}

/**
 * tuned − base, as stored (rows × rest), before any transpose, with its statistics; the base is decoded into
 * the result (one fp32 buffer fewer) and the statistics are taken in the subtracting loop.
 */
function storedDifference(base: TensorRef, tuned: TensorRef, baseBytes: Uint8Array, tunedBytes: Uint8Array): { d: Float32Array; stats: DeltaStats } {
  const d = decodeFloat(baseBytes, base.entry.dtype);
  const t = decodeFloat(tunedBytes, tuned.entry.dtype);
  if (d.length !== t.length) {
    throw new EngineError('extract-shape-mismatch', `tensor "${base.entry.name}" has ${d.length} values in the base and ${t.length} in the tuned model ("${tuned.entry.name}").`, {
      tensor: base.entry.name,
      file: tuned.entry.file,
      hint: 'The two checkpoints are not the same architecture or size.',
    });
  }
  let maxAbs = 0;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const v = t[i]! - d[i]!;
    d[i] = v;
    const a = Math.abs(Math.fround(v));
    if (a > maxAbs || Number.isNaN(a)) maxAbs = a;
    sum += a * a;
  }
  return { d, stats: { maxAbs, frobeniusSquared: sum } };
}

export interface DeltaStats {
  /** max |ΔW_ij| (kohya's min_diff compares against this). */
  readonly maxAbs: number;
  readonly frobeniusSquared: number;
}

export interface ThresholdedDelta {
  readonly stats: DeltaStats;
  /** ΔW in module orientation [out, inFlat]; absent when max |ΔW| ≤ the threshold (the module is skipped). */
  readonly delta?: Float32Array;
}

const view = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * One read of both weights: the statistics that decide skipping (kohya's min_diff: max |ΔW| ≤ threshold), and
 * ΔW itself when the module is kept. Weights a fine-tune left alone (often whole text encoders) are equal byte
 * for byte and are not decoded.
 */
export function thresholdedDelta(base: TensorRef, tuned: TensorRef, threshold: number, shape: { transpose: boolean; out: number; inFlat: number }): ThresholdedDelta {
  const b = rawRows(base);
  const t = rawRows(tuned);
  if (base.entry.dtype === tuned.entry.dtype && view(b).equals(view(t))) return { stats: { maxAbs: 0, frobeniusSquared: 0 } };
  const { d, stats } = storedDifference(base, tuned, b, t);
  if (!(stats.maxAbs > threshold)) return { stats };
  return { stats, delta: shape.transpose ? transposed(d, shape.inFlat, shape.out) : d };
}

/** Stored [in, out] → module orientation: ΔW[o, i] = stored[i, o]. */
function transposed(d: Float32Array, inFlat: number, out: number): Float32Array {
  const t = new Float32Array(d.length);
  for (let i = 0; i < inFlat; i++) for (let o = 0; o < out; o++) t[o * inFlat + i] = d[i * out + o]!;
  return t;
}
