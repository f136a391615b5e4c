/**
 * Adding a module's ΔW into a base weight held as fp32: rows × cols = baseShape[0] × prod(rest). ΔW is in
 * module orientation, flattened [out, inFlat]; a slice puts it on rows [start, start+out); a transpose adds ΔWᵀ
 * (2-D only). A linear ΔW on a 1×1 conv, or a LoHa/LoKr conv delta stored [out, in·kh·kw], has the same
 * element layout as the base, so no reshape is needed beyond the flat view.
 */
import { EngineError } from '../../errors.js';
import type { RowSlice } from './patch-spec.js';

export interface WeightView {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export function weightView(data: Float32Array, shape: readonly number[]): WeightView {
  const rows = shape.length === 0 ? 1 : shape[0]!;
  return { data, rows, cols: rows === 0 ? 0 : data.length / rows };
}

/** Rows/cols ΔW must have to land on `w` with this slice/transpose. */
export function deltaExtent(w: WeightView, slice: RowSlice | undefined, transpose: boolean): { out: number; inFlat: number } {
  if (transpose) return { out: w.cols, inFlat: slice ? slice.length : w.rows };
  return { out: slice ? slice.length : w.rows, inFlat: w.cols };
}

export function checkDeltaFits(module: string, target: string, w: WeightView, delta: Float32Array, slice: RowSlice | undefined, transpose: boolean): void {
  if (slice && (slice.start < 0 || slice.start + slice.length > w.rows)) {
    throw new EngineError('slice-out-of-range', `Module "${module}": rows ${slice.start}..${slice.start + slice.length} are outside "${target}" (${w.rows} rows).`, { module, tensor: target });
  }
  if (transpose && slice) {
    throw new EngineError('unsupported-target', `Module "${module}": a sliced, transposed target ("${target}") is not supported.`, { module, tensor: target });
  }
  const { out, inFlat } = deltaExtent(w, slice, transpose);
  if (delta.length !== out * inFlat) {
    throw new EngineError('delta-shape-mismatch', `Module "${module}": its ΔW has ${delta.length} values but "${target}" needs ${out}×${inFlat}${transpose ? ' (transposed)' : ''}${slice ? ` for rows ${slice.start}..${slice.start + slice.length}` : ''}.`, {
      module,
      tensor: target,
      hint: 'The LoRA was made for a different model (or a different layer width). Check the mapping report.',
    });
  }
}

/** w += c · ΔW (placed by slice / transpose). */
export function addDelta(w: WeightView, delta: Float32Array, c: number, slice: RowSlice | undefined, transpose: boolean): void {
  const d = w.data;
  if (transpose) {
    // Base [in, out] (rows = in), ΔW [out, in]: W[i, o] += c·ΔW[o, i].
    const inRows = w.rows;
    const outCols = w.cols;
    for (let i = 0; i < inRows; i++) {
      const row = i * outCols;
      for (let o = 0; o < outCols; o++) d[row + o]! += c * delta[o * inRows + i]!;
    }
    return;
  }
  const offset = slice ? slice.start * w.cols : 0;
  const n = delta.length;
  if (c === 1) for (let i = 0; i < n; i++) d[offset + i]! += delta[i]!;
  else for (let i = 0; i < n; i++) d[offset + i]! += c * delta[i]!;
}

/** The region of w a module covers, copied out in module orientation [out, inFlat]. */
export function readRegion(w: WeightView, slice: RowSlice | undefined, transpose: boolean): Float32Array {
  const { out, inFlat } = deltaExtent(w, slice, transpose);
  if (!transpose) {
    const offset = slice ? slice.start * w.cols : 0;
    return w.data.slice(offset, offset + out * inFlat);
  }
  const r = new Float32Array(out * inFlat);
  for (let i = 0; i < w.rows; i++) for (let o = 0; o < w.cols; o++) r[o * inFlat + i] = w.data[i * w.cols + o]!;
  return r;
}

/** Writes a module-orientation region back (inverse of readRegion). */
export function writeRegion(w: WeightView, region: Float32Array, slice: RowSlice | undefined, transpose: boolean): void {
  if (!transpose) {
    w.data.set(region, slice ? slice.start * w.cols : 0);
    return;
  }
  const inFlat = w.rows;
  for (let i = 0; i < w.rows; i++) for (let o = 0; o < w.cols; o++) w.data[i * w.cols + o] = region[o * inFlat + i]!;
}
