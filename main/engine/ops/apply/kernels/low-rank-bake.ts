/**
 * Bake of plain low-rank deltas into a float weight without materialising ΔW: the weight's rows are split
 * into segments with the same set of covering patches (slices), each segment into row blocks of a few
 * hundred KiB; a block's base rows are copied into WebAssembly memory, the kernel computes
 * encode(decode(base) + Σ_p up_p·down_p) (patches concatenated along the rank, in patch order), and the
 * block's output goes to a sink straight from kernel memory (a positional file write, or a copy into a
 * buffer). Rows no patch covers are copied (same dtype) or cast.
 */
import { EngineError } from '../../../errors.js';
import { KERNEL_DTYPE_BYTES, type KernelDType } from './simd-float-codecs.js';
import { PANEL_COLS, TILE_ROWS, kernelMemory, type LowRankBakeKernels } from './low-rank-bake-wasm.js';

export interface LowRankPatch {
  /** [rows, rank] row-major, every scalar (coefficient, scale, strength) already folded in. */
  readonly up: Float32Array;
  /** [rank, cols] row-major. */
  readonly down: Float32Array;
  readonly rank: number;
  /** The rows of the weight it adds to: [start, start + rows). */
  readonly start: number;
  readonly rows: number;
}

/** Fills `into` with bytes [offset, offset + into.byteLength) of the base tensor. */
export type BaseReader = (into: Uint8Array, offset: number) => void;

/** Receives the output in order, block by block: `bytes` (valid during the call only) belong at `offset`. */
export type OutputSink = (bytes: Uint8Array, offset: number) => void;

export interface LowRankBakeInput {
  /** The base tensor's bytes, or a reader of them (then each block is read straight into kernel memory). */
  readonly base: Uint8Array | BaseReader;
  readonly inDtype: KernelDType;
  readonly outDtype: KernelDType;
  readonly rows: number;
  readonly cols: number;
  readonly patches: readonly LowRankPatch[];
}

/** Bytes of base + output rows per block: small enough to stay in L2 next to the packed factors. */
export const BLOCK_BYTES = 256 * 1024;
/** Bytes of packed down per kernel call: the panels a block's tiles sweep stay in L2. */
const DOWN_BLOCK_BYTES = 256 * 1024;
const ALIGN = 64;

const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

function readerOf(base: Uint8Array | BaseReader): BaseReader {
  if (typeof base === 'function') return base;
  return (into, offset) => into.set(base.subarray(offset, offset + into.byteLength));
}

/** The output in `out` (exactly rows·cols output elements) or a new buffer. */
export function bakeLowRank(kernels: LowRankBakeKernels, input: LowRankBakeInput, out?: Uint8Array): Uint8Array {
  const size = input.rows * input.cols * KERNEL_DTYPE_BYTES[input.outDtype];
  const target = out ?? new Uint8Array(size);
  if (target.byteLength !== size) throw new RangeError(`bakeLowRank: the output holds ${target.byteLength} bytes, ${input.rows}×${input.cols} ${input.outDtype} needs ${size}`);
  bakeLowRankTo(kernels, input, (bytes, offset) => target.set(bytes, offset));
  return target;
}

/** The output, in order, to `sink`. */
export function bakeLowRankTo(kernels: LowRankBakeKernels, input: LowRankBakeInput, sink: OutputSink): void {
  const { inDtype, rows, cols, patches } = input;
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  if (typeof input.base !== 'function' && input.base.byteLength !== rows * cols * inSize) throw new RangeError(`bakeLowRank: ${input.base.byteLength} bytes is not ${rows}×${cols} ${inDtype}`);
  for (const p of patches) {
    if (p.start < 0 || p.start + p.rows > rows || p.up.length !== p.rows * p.rank || p.down.length !== p.rank * cols) {
      throw new EngineError('delta-shape-mismatch', `bakeLowRank: a patch of rank ${p.rank} on rows ${p.start}..${p.start + p.rows} does not fit a ${rows}×${cols} weight.`);
    }
  }
  const read = readerOf(input.base);
  for (const seg of segments(rows, patches)) {
    if (seg.patches.length === 0) copyOrCast(kernels, read, sink, seg.start * cols, seg.end * cols, inDtype, input.outDtype);
    else bakeSegment(kernels, read, input, sink, seg.start, seg.end, seg.patches);
  }
}

export interface Segment {
  start: number;
  end: number;
  patches: LowRankPatch[];
}

/** Row ranges with a constant set of covering patches (in patch order). */
export function segments(rows: number, patches: readonly LowRankPatch[]): Segment[] {
  const cuts = new Set<number>([0, rows]);
  for (const p of patches) {
    cuts.add(p.start);
    cuts.add(p.start + p.rows);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i]!;
    const end = sorted[i + 1]!;
    if (end > start) out.push({ start, end, patches: patches.filter((p) => p.start <= start && end <= p.start + p.rows) });
  }
  return out;
}

/** Elements [from, to) of the weight, unchanged: copied, or cast through the kernel, chunk by chunk. */
function copyOrCast(kernels: LowRankBakeKernels, read: BaseReader, sink: OutputSink, from: number, to: number, inDtype: KernelDType, outDtype: KernelDType): void {
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  const outSize = KERNEL_DTYPE_BYTES[outDtype];
  const same = inDtype === outDtype;
  const chunk = Math.floor(BLOCK_BYTES / (inSize + outSize) / PANEL_COLS) * PANEL_COLS;
  const inAt = kernels.dataStart;
  const outAt = same ? inAt : roundUp(inAt + chunk * inSize, ALIGN);
  const mem = new Uint8Array(kernelMemory(kernels, outAt + chunk * outSize));
  const cast = kernels.cast(inDtype, outDtype);
  for (let i = from; i < to; i += chunk) {
    const n = Math.min(chunk, to - i);
    read(mem.subarray(inAt, inAt + n * inSize), i * inSize);
    if (!same) cast(inAt, outAt, Math.ceil(n / PANEL_COLS));
    sink(mem.subarray(outAt, outAt + n * outSize), i * outSize);
  }
}

function bakeSegment(kernels: LowRankBakeKernels, read: BaseReader, input: LowRankBakeInput, sink: OutputSink, start: number, end: number, patches: readonly LowRankPatch[]): void {
  const { inDtype, outDtype, cols } = input;
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  const outSize = KERNEL_DTYPE_BYTES[outDtype];
  const rank = patches.reduce((s, p) => s + p.rank, 0);
  const panels = Math.ceil(cols / PANEL_COLS);
  const padded = panels * PANEL_COLS !== cols;
  const inStride = panels * PANEL_COLS * inSize;
  const outStride = panels * PANEL_COLS * outSize;
  const blockRows = Math.min(roundUp(end - start, TILE_ROWS), Math.max(TILE_ROWS, Math.floor(BLOCK_BYTES / (inStride + outStride) / TILE_ROWS) * TILE_ROWS));
  const panelBytes = rank * PANEL_COLS * 4;
  const panelsPerCall = panelBytes === 0 ? panels : Math.max(1, Math.floor(DOWN_BLOCK_BYTES / panelBytes));

  const ranksAt = kernels.dataStart;
  const downAt = roundUp(ranksAt + patches.length * 4, ALIGN);
  const upAt = roundUp(downAt + panels * panelBytes, ALIGN);
  const inAt = roundUp(upAt + blockRows * rank * 4, ALIGN);
  const outAt = roundUp(inAt + blockRows * inStride, ALIGN);
  // Rows of a ragged width are read here first, then spread to the padded stride of the in block; the
  // output rows are gathered back here before they go to the sink.
  const stageAt = roundUp(outAt + blockRows * outStride, ALIGN);
  const buffer = kernelMemory(kernels, stageAt + (padded ? blockRows * cols * Math.max(inSize, outSize) : 0));
  const mem = new Uint8Array(buffer);
  new Int32Array(buffer, ranksAt, patches.length).set(patches.map((p) => p.rank));
  packDown(new Float32Array(buffer, downAt, panels * rank * PANEL_COLS), patches, rank, cols);
  const upPacked = new Float32Array(buffer, upAt, blockRows * rank);
  const bake = kernels.bake(inDtype, outDtype);
  const rowIn = cols * inSize;
  const rowOut = cols * outSize;

  for (let r0 = start; r0 < end; r0 += blockRows) {
    const n = Math.min(blockRows, end - r0);
    const tiles = Math.ceil(n / TILE_ROWS);
    packUp(upPacked, patches, rank, r0, n, tiles * TILE_ROWS);
    if (!padded) read(mem.subarray(inAt, inAt + n * rowIn), r0 * rowIn);
    else {
      read(mem.subarray(stageAt, stageAt + n * rowIn), r0 * rowIn);
      for (let i = 0; i < n; i++) mem.copyWithin(inAt + i * inStride, stageAt + i * rowIn, stageAt + (i + 1) * rowIn);
    }
    for (let p0 = 0; p0 < panels; p0 += panelsPerCall) {
      const np = Math.min(panelsPerCall, panels - p0);
      bake(inAt + p0 * PANEL_COLS * inSize, outAt + p0 * PANEL_COLS * outSize, upAt, downAt + p0 * panelBytes, tiles, np, ranksAt, patches.length, rank, inStride, outStride);
    }
    if (!padded) sink(mem.subarray(outAt, outAt + n * rowOut), r0 * rowOut);
    else {
      for (let i = 0; i < n; i++) mem.copyWithin(stageAt + i * rowOut, outAt + i * outStride, outAt + i * outStride + rowOut);
      sink(mem.subarray(stageAt, stageAt + n * rowOut), r0 * rowOut);
    }
  }
}

/** Panels of 8 columns: panel j holds down[k, 8j .. 8j+8) for k = 0..rank−1 (patches one after the other); zero past `cols`. */
function packDown(dst: Float32Array, patches: readonly LowRankPatch[], rank: number, cols: number): void {
  const stride = rank * PANEL_COLS;
  if (cols % PANEL_COLS !== 0) dst.fill(0, (dst.length / stride - 1) * stride);
  let k = 0;
  for (const p of patches) {
    const d = p.down;
    for (let kl = 0; kl < p.rank; kl++, k++) {
      const src = kl * cols;
      const at = k * PANEL_COLS;
      for (let c = 0; c < cols; c++) dst[(c >>> 3) * stride + at + (c & 7)] = d[src + c]!;
    }
  }
}

/** Tiles of 4 rows: tile t holds up[4t .. 4t+4, k] for k = 0..rank−1; rows past the block are zero. */
function packUp(dst: Float32Array, patches: readonly LowRankPatch[], rank: number, r0: number, n: number, paddedRows: number): void {
  for (let i = 0; i < paddedRows; i++) {
    const at = (i >>> 2) * rank * TILE_ROWS + (i & 3);
    let k = 0;
    for (const p of patches) {
      const row = (r0 + i - p.start) * p.rank;
      for (let kl = 0; kl < p.rank; kl++, k++) dst[at + k * TILE_ROWS] = i < n ? p.up[row + kl]! : 0;
    }
  }
}
