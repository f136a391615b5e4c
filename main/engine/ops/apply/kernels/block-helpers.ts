/**
 * Pieces shared by the bakes that stream row blocks off the WebAssembly kernel (the WebGPU bake and the
 * MatMul-seam bake for tfjs-node-gpu): reading the base, copying or casting rows no patch covers, packing up.
 */
import { castTensorBytes } from '../../../tensor-io/float-convert.js';
import type { BaseReader, LowRankPatch, OutputSink } from './low-rank-bake.js';
import { KERNEL_DTYPE_BYTES, type KernelDType } from './simd-float-codecs.js';

/** Elements per copy/cast chunk of uncovered rows. */
const CAST_CHUNK = 1 << 20;

export function readerOf(base: Uint8Array | BaseReader): BaseReader {
  if (typeof base === 'function') return base;
  return (into, offset) => into.set(base.subarray(offset, offset + into.byteLength));
}

/** Elements [from, to) unchanged: copied, or cast exactly as tensor-io casts, chunk by chunk. */
export function copyOrCast(read: BaseReader, sink: OutputSink, from: number, to: number, inDtype: KernelDType, outDtype: KernelDType): void {
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  const outSize = KERNEL_DTYPE_BYTES[outDtype];
  for (let i = from; i < to; i += CAST_CHUNK) {
    const n = Math.min(CAST_CHUNK, to - i);
    const bytes = new Uint8Array(n * inSize);
    read(bytes, i * inSize);
    sink(inDtype === outDtype ? bytes : castTensorBytes(bytes, inDtype, outDtype), i * outSize);
  }
}

/** Rows r0..r0+n of the patches' up factors side by side: [n, rank] (patches in order along the rank). */
export function packUp(dst: Float32Array, patches: readonly LowRankPatch[], rank: number, r0: number, n: number): void {
  for (let i = 0; i < n; i++) {
    let k = i * rank;
    for (const p of patches) {
      const row = (r0 + i - p.start) * p.rank;
      dst.set(p.up.subarray(row, row + p.rank), k);
      k += p.rank;
    }
  }
}

/** The patches' down factors stacked: [Σ rank, cols]. */
export function stackDown(patches: readonly LowRankPatch[], cols: number): Float32Array {
  const rank = patches.reduce((s, p) => s + p.rank, 0);
  const down = new Float32Array(rank * cols);
  patches.reduce((k, p) => (down.set(p.down, k * cols), k + p.rank), 0);
  return down;
}
