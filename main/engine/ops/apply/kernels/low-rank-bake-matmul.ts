/**
 * The low-rank bake for a tfjs backend that is faster than our WebAssembly kernel at products (tfjs-node-gpu:
 * TensorFlow with CUDA): per row block, ΔW_block = up_block·down on the MatMul seam, then one fused
 * decode-add-encode pass on the CPU (fused-add.ts). ΔW is never whole: a block is at most `blockBytes` of fp32.
 * Sums run over the patches' ranks concatenated in one product (not patch by patch), so results may differ
 * from the WebAssembly kernel in the last bit of the fp32 sum.
 */
import type { MatMul } from '../../../compute/matmul.js';
import { CancelledError } from '../../../errors.js';
import { fusedAddCast } from '../fused-add.js';
import { copyOrCast, packUp, readerOf, stackDown } from './block-helpers.js';
import { segments, type LowRankBakeInput, type OutputSink } from './low-rank-bake.js';
import { KERNEL_DTYPE_BYTES } from './simd-float-codecs.js';

const BLOCK_BYTES = 32 * 1024 * 1024;

export async function bakeLowRankMatMul(matmul: MatMul, input: LowRankBakeInput, sink: OutputSink, opts: { signal?: AbortSignal; blockBytes?: number } = {}): Promise<void> {
  const { inDtype, outDtype, rows, cols, patches } = input;
  const { signal, blockBytes = BLOCK_BYTES } = opts;
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  const outSize = KERNEL_DTYPE_BYTES[outDtype];
  const read = readerOf(input.base);
  for (const seg of segments(rows, patches)) {
    if (signal?.aborted) throw new CancelledError();
    if (seg.patches.length === 0) {
      copyOrCast(read, sink, seg.start * cols, seg.end * cols, inDtype, outDtype);
      continue;
    }
    const rank = seg.patches.reduce((s, p) => s + p.rank, 0);
    const down = stackDown(seg.patches, cols);
    const blockRows = Math.max(1, Math.floor(blockBytes / (cols * 4 + rank * 4)));
    const up = new Float32Array(Math.min(blockRows, seg.end - seg.start) * rank);
    for (let r0 = seg.start; r0 < seg.end; r0 += blockRows) {
      if (signal?.aborted) throw new CancelledError();
      const n = Math.min(blockRows, seg.end - r0);
      packUp(up, seg.patches, rank, r0, n);
      const delta = await matmul.matmul(up.subarray(0, n * rank), down, n, rank, cols);
      const base = new Uint8Array(n * cols * inSize);
      read(base, r0 * cols * inSize);
      sink(fusedAddCast(base, inDtype, delta, 0, outDtype), r0 * cols * outSize);
    }
  }
}

/** bakeLowRankMatMul into one buffer (`out` when it has the exact size). */
export async function bakeLowRankMatMulToBytes(matmul: MatMul, input: LowRankBakeInput, out?: Uint8Array, opts: { signal?: AbortSignal; blockBytes?: number } = {}): Promise<Uint8Array> {
  const size = input.rows * input.cols * KERNEL_DTYPE_BYTES[input.outDtype];
  const target = out?.byteLength === size ? out : new Uint8Array(size);
  await bakeLowRankMatMul(matmul, input, (bytes, offset) => target.set(bytes, offset), opts);
  return target;
}
