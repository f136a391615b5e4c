/**
 * The fused low-rank bake on WebGPU, beside the WebAssembly kernel (low-rank-bake.ts) and with its contract:
 * out = encode(decode(base) + Σ_p up_p·down_p) for the rows each patch covers, ΔW never formed. Rows are split
 * into the same segments; a segment's concatenated down [R, cols] stays on the GPU, and its rows go through in
 * blocks of at most BLOCK_BYTES (base in, up rows in, output back), each block's output handed to the sink
 * before the next is read, so GPU memory is bounded by one block plus down, whatever the tensor's size.
 * Rows no patch covers are copied or cast on the CPU exactly as tensor-io casts.
 */
import { CancelledError, EngineError } from '../../../errors.js';
import type { GpuContext } from '../../../compute/webgpu/gpu-device.js';
import { runGpuJob } from '../../../compute/webgpu/gpu-job.js';
import { WGSL_FLOAT_CODECS, wgslEncoder, wgslLoad } from './wgsl-float-codecs.js';
import { copyOrCast, packUp, readerOf, stackDown } from './block-helpers.js';
import { segments, type BaseReader, type LowRankBakeInput, type LowRankPatch, type OutputSink } from './low-rank-bake.js';
import { KERNEL_DTYPE_BYTES, type KernelDType } from './simd-float-codecs.js';

/** Base + output + up bytes of one block (the GPU's working set next to down). */
const BLOCK_BYTES = 32 * 1024 * 1024;
const WORKGROUP = 256;

const roundUp4 = (v: number): number => Math.ceil(v / 4) * 4;

/**
 * Why the GPU cannot take this input within the device's limits, or undefined when it can (checked before
 * anything is written, so the caller can still choose the WebAssembly kernel).
 */
export function gpuBakeMisfit(gpu: GpuContext, input: Pick<LowRankBakeInput, 'cols' | 'outDtype' | 'inDtype' | 'patches'>): { reason: string; detail: string } | undefined {
  const rank = input.patches.reduce((s, p) => s + p.rank, 0);
  const downBytes = rank * input.cols * 4;
  const rowBytes = input.cols * Math.max(4, KERNEL_DTYPE_BYTES[input.inDtype], KERNEL_DTYPE_BYTES[input.outDtype]);
  if (downBytes > gpu.maxBinding) return { reason: "factors past the adapter's largest storage binding", detail: `the factors (${downBytes} bytes) exceed the adapter's largest storage binding (${gpu.maxBinding})` };
  if (rowBytes + rank * 4 > Math.min(gpu.maxBinding, BLOCK_BYTES)) return { reason: 'a row larger than a GPU block', detail: `one row (${rowBytes} bytes) exceeds a GPU block` };
  return undefined;
}

export interface GpuBakeOptions {
  /** Stops between blocks (CancelledError). */
  signal?: AbortSignal;
  /** Bytes of base + output + up per block (default 32 MiB; tests use small blocks). */
  blockBytes?: number;
}

/** The output, in order, to `sink`. */
export async function bakeLowRankGpu(gpu: GpuContext, input: LowRankBakeInput, sink: OutputSink, opts: GpuBakeOptions = {}): Promise<void> {
  const { signal, blockBytes = BLOCK_BYTES } = opts;
  const { inDtype, outDtype, rows, cols, patches } = input;
  const misfit = gpuBakeMisfit(gpu, input);
  if (misfit) throw new EngineError('gpu-limits', `The WebGPU bake cannot take a ${rows}×${cols} weight: ${misfit.detail}.`, { hint: 'Use --backend wasm for this model.' });
  const read = readerOf(input.base);
  for (const seg of segments(rows, patches)) {
    if (signal?.aborted) throw new CancelledError();
    if (seg.patches.length === 0) copyOrCast(read, sink, seg.start * cols, seg.end * cols, inDtype, outDtype);
    else await bakeSegment(gpu, read, input, sink, seg.start, seg.end, seg.patches, signal, blockBytes);
  }
}

/** The output as one buffer (`out` when it has the exact size). */
export async function bakeLowRankGpuToBytes(gpu: GpuContext, input: LowRankBakeInput, out?: Uint8Array, opts: GpuBakeOptions = {}): Promise<Uint8Array> {
  const size = input.rows * input.cols * KERNEL_DTYPE_BYTES[input.outDtype];
  const target = out?.byteLength === size ? out : new Uint8Array(size);
  await bakeLowRankGpu(gpu, input, (bytes, offset) => target.set(bytes, offset), opts);
  return target;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function bakePipeline(device: GPUDevice, inDtype: KernelDType, outDtype: KernelDType): GPUComputePipeline {
  let byDevice = pipelines.get(device);
  if (!byDevice) pipelines.set(device, (byDevice = new Map()));
  const key = `${inDtype}>${outDtype}`;
  let pipeline = byDevice.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ code: bakeShader(inDtype, outDtype), label: `low-rank bake ${key}` });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: `low-rank bake ${key}` });
    byDevice.set(key, pipeline);
  }
  return pipeline;
}

/**
 * One invocation per output word (two 16-bit or one 32-bit output element). Per element, in fp32 and in the
 * order of the CPU kernels: s_p = Σ_k up·down over patch p's ranks in order, S = Σ_p s_p in patch order,
 * v = base + S, one rounding to the output dtype. (A GPU compiler may contract up·down + s into an FMA: the
 * result can then differ from the CPU's in the last bit of the fp32 sum; see the compute README.)
 */
function bakeShader(inDtype: KernelDType, outDtype: KernelDType): string {
  const pair = KERNEL_DTYPE_BYTES[outDtype] === 2;
  const enc = wgslEncoder(outDtype);
  return /* wgsl */ `
${WGSL_FLOAT_CODECS}
struct Params { elems: u32, cols: u32, rank: u32, patches: u32, words: u32, stride: u32 }
@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> ends: array<u32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read> down: array<f32>;
@group(0) @binding(4) var<storage, read> base: array<u32>;
@group(0) @binding(5) var<storage, read_write> outw: array<u32>;

fn baked(e: u32) -> f32 {
  let row = e / prm.cols;
  let col = e - row * prm.cols;
  var total = 0.0;
  var k = 0u;
  for (var p = 0u; p < prm.patches; p++) {
    let end = ends[p];
    var s = 0.0;
    for (; k < end; k++) {
      s = s + up[row * prm.rank + k] * down[k * prm.cols + col];
    }
    total = total + s;
  }
  return ${wgslLoad(inDtype, 'base', 'e')} + total;
}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let w = g.y * prm.stride + g.x;
  if (w >= prm.words) { return; }
${
  pair
    ? `  let e = 2u * w;
  var bits = ${enc}(baked(e));
  if (e + 1u < prm.elems) { bits = bits | (${enc}(baked(e + 1u)) << 16u); }
  outw[w] = bits;`
    : `  outw[w] = ${enc}(baked(w));`
}
}
`;
}

async function bakeSegment(gpu: GpuContext, read: BaseReader, input: LowRankBakeInput, sink: OutputSink, start: number, end: number, patches: readonly LowRankPatch[], signal: AbortSignal | undefined, blockBytes: number): Promise<void> {
  const { device, usage } = gpu;
  const { inDtype, outDtype, cols } = input;
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  const outSize = KERNEL_DTYPE_BYTES[outDtype];
  const rank = patches.reduce((s, p) => s + p.rank, 0);
  const rowBytes = cols * (inSize + outSize) + rank * 4;
  const maxRowsPerBuffer = Math.floor(gpu.maxBinding / (cols * Math.max(4, inSize, outSize)));
  const blockRows = Math.max(1, Math.min(end - start, Math.floor(blockBytes / rowBytes), maxRowsPerBuffer));
  const inBytes = roundUp4(blockRows * cols * inSize);
  const outBytes = roundUp4(blockRows * cols * outSize);

  // The blocks already sent are garbage if the job fails: the throw abandons the caller's write (no partial output).
  await runGpuJob(gpu, 'WebGPU bake', async (buffer) => {
    const params = buffer(32, usage.UNIFORM | usage.COPY_DST, 'bake params');
    const endsBuf = buffer(patches.length * 4, usage.STORAGE | usage.COPY_DST, 'bake rank ends');
    const downBuf = buffer(rank * cols * 4, usage.STORAGE | usage.COPY_DST, 'bake down');
    const upBuf = buffer(blockRows * rank * 4, usage.STORAGE | usage.COPY_DST, 'bake up');
    const baseBuf = buffer(inBytes, usage.STORAGE | usage.COPY_DST, 'bake base');
    const outBuf = buffer(outBytes, usage.STORAGE | usage.COPY_SRC, 'bake out');
    const readBuf = buffer(outBytes, usage.MAP_READ | usage.COPY_DST, 'bake readback');

    const ends = new Uint32Array(patches.length);
    patches.reduce((k, p, i) => (ends[i] = k + p.rank), 0);
    device.queue.writeBuffer(endsBuf, 0, ends);
    device.queue.writeBuffer(downBuf, 0, stackDown(patches, cols));

    const pipeline = bakePipeline(device, inDtype, outDtype);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [params, endsBuf, upBuf, downBuf, baseBuf, outBuf].map((b, binding) => ({ binding, resource: { buffer: b } })),
    });
    const baseStage = new Uint8Array(inBytes);
    const upStage = new Float32Array(blockRows * rank);

    for (let r0 = start; r0 < end; r0 += blockRows) {
      if (signal?.aborted) throw new CancelledError();
      const n = Math.min(blockRows, end - r0);
      const elems = n * cols;
      const inLen = elems * inSize;
      read(baseStage.subarray(0, inLen), r0 * cols * inSize);
      device.queue.writeBuffer(baseBuf, 0, baseStage, 0, roundUp4(inLen));
      packUp(upStage, patches, rank, r0, n);
      device.queue.writeBuffer(upBuf, 0, upStage, 0, n * rank);
      const words = outSize === 2 ? Math.ceil(elems / 2) : elems;
      const groups = Math.ceil(words / WORKGROUP);
      const gx = Math.min(groups, gpu.maxWorkgroupsPerDimension);
      const gy = Math.ceil(groups / gx);
      device.queue.writeBuffer(params, 0, new Uint32Array([elems, cols, rank, patches.length, words, gx * WORKGROUP, 0, 0]));
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(gx, gy);
      pass.end();
      const outLen = elems * outSize;
      encoder.copyBufferToBuffer(outBuf, 0, readBuf, 0, roundUp4(outLen));
      device.queue.submit([encoder.finish()]);
      await readBuf.mapAsync(gpu.mapRead, 0, roundUp4(outLen));
      try {
        sink(new Uint8Array(readBuf.getMappedRange(0, roundUp4(outLen)), 0, outLen), r0 * cols * outSize);
      } finally {
        readBuf.unmap();
      }
    }
  });
}
