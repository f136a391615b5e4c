/**
 * The common bake case on the fused WebAssembly kernel: a float weight (F16, BF16, F32 in and out) with only
 * plain low-rank deltas, none transposed. Anything else (no WebAssembly SIMD, fp8 or F64, transposed
 * targets, LoHa/LoKr/dense/combined sources, shapes that only match as a flat view) returns undefined and
 * bake-tensor.ts takes its JS path, which also reports every misfit with its error.
 * LORA_STUDIO_BAKE_KERNEL=js forces the JS path (for comparisons). Under the webgpu backend the same jobs run
 * on the GPU (low-rank-bake-gpu.ts), under tfjs-node-gpu as row-block products (low-rank-bake-matmul.ts).
 */
import type { MatMul } from '../../../compute/matmul.js';
import { throwIfAborted } from '../../../errors.js';
import { elementCount, type DType } from '../../../tensor-io/dtypes.js';
import { withTensorReader, withTensorReaderSync } from '../../../tensor-io/positional-read.js';
import { currentBackend } from '../../../compute/backend.js';
import { activeGpu } from '../../../compute/webgpu/gpu-device.js';
import { recordCpuRoute, recordGpuRoute } from '../../../compute/route-log.js';
import { cachedModule } from '../../../adapters/adapter-cache.js';
import type { DeltaPatch, TensorJob } from '../patch-spec.js';
import { scaledFactors } from '../scaled-delta.js';
import { bakeLowRank, bakeLowRankTo, type BaseReader, type LowRankPatch, type OutputSink } from './low-rank-bake.js';
import { lowRankBakeKernels } from './low-rank-bake-wasm.js';
import { bakeLowRankGpu, bakeLowRankGpuToBytes, gpuBakeMisfit } from './low-rank-bake-gpu.js';
import { bakeLowRankMatMul, bakeLowRankMatMulToBytes } from './low-rank-bake-matmul.js';
import { KERNEL_DTYPE_BYTES, type KernelDType } from './simd-float-codecs.js';

const isKernelDType = (d: DType): d is KernelDType => d === 'F16' || d === 'BF16' || d === 'F32';

const kernelForced = (): boolean => process.env.LORA_STUDIO_BAKE_KERNEL === 'js';

/**
 * Whether the job will take the fused kernel, from the plan alone (patches marked lowRank by the planner):
 * its memory is then the output and a fixed kernel buffer, with no fp32 copy of the weight or ΔW.
 */
export function takesLowRankKernel(job: TensorJob): boolean {
  if (kernelForced() || !isKernelDType(job.entry.dtype) || !isKernelDType(job.outDtype) || (lowRankBakeKernels() === null && !activeGpu())) return false;
  return job.patches.every((p) => p.type === 'delta' && p.lowRank === true && !p.transpose && !p.dora);
}

/** Whether the source can give up/down factors (checked before reading anything). */
async function isLowRankSource(p: DeltaPatch): Promise<boolean> {
  if (p.lowRank !== undefined || p.source.type !== 'file') return p.lowRank ?? p.source.type === 'factors';
  const { module } = await cachedModule(p.source.path, p.source.module);
  return module.params.kind === 'lora';
}

/** A job the kernel takes, its factors read: bake it into bytes or into a sink. */
export interface LowRankJob {
  /** The output in `out` (when of the output's size) or a new buffer. */
  toBytes(out?: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** The output, in order, block by block, to `sink`. */
  toSink(sink: OutputSink): void | Promise<void>;
}

/**
 * The job ready for the kernel (factors read, scalars folded into up), or undefined when the job is not
 * for it. The base tensor is read block by block straight into kernel memory when it runs.
 */
export async function lowRankJob(job: TensorJob, patches: readonly DeltaPatch[], matmul: MatMul, signal?: AbortSignal): Promise<LowRankJob | undefined> {
  const { entry, outDtype } = job;
  const inDtype = entry.dtype;
  const gpu = activeGpu();
  // Under webgpu, a patched weight the GPU bake does not take is counted in the route log with why.
  const notOnGpu = (reason: string, detail?: string): undefined => {
    if (gpu && patches.length > 0) recordCpuRoute('bake', reason, detail);
    return undefined;
  };
  if (kernelForced()) return notOnGpu('LORA_STUDIO_BAKE_KERNEL=js');
  if (!isKernelDType(inDtype) || !isKernelDType(outDtype)) return notOnGpu(`${inDtype} to ${outDtype} (the GPU bake takes F16, BF16, F32)`);
  const rows = entry.shape.length === 0 ? 1 : entry.shape[0]!;
  const count = elementCount(entry.shape);
  if (rows === 0 || count === 0) return undefined;
  const cols = count / rows;
  for (const p of patches) {
    if (p.transpose) return notOnGpu('a transposed target');
    if (p.dora) return notOnGpu('DoRA');
    if (!(await isLowRankSource(p))) return notOnGpu('not low-rank factors (LoHa, LoKr, dense)');
  }
  const kernels = lowRankBakeKernels();
  if (!kernels && !gpu && currentBackend()?.name !== 'node-gpu') return undefined;
  const lowRank: LowRankPatch[] = [];
  for (const p of patches) {
    throwIfAborted(signal);
    const f = await scaledFactors(p.source, p.coefficient, matmul);
    const start = p.slice?.start ?? 0;
    const length = p.slice?.length ?? rows;
    if (!f || f.inFlat !== cols || f.out !== length || start < 0 || start + length > rows) return notOnGpu("factors that do not match the weight's rows and columns");
    lowRank.push({ up: f.up, down: f.down, rank: f.rank, start, rows: length });
  }
  throwIfAborted(signal);
  const input = { inDtype, outDtype, rows, cols, patches: lowRank };
  // The webgpu backend takes the patched weights it fits (casts alone stay on the CPU: they are copies).
  if (gpu && lowRank.length > 0) {
    const misfit = gpuBakeMisfit(gpu, input);
    if (!misfit) {
      recordGpuRoute('bake');
      return {
        toBytes: (out) => withTensorReader(entry, (base) => bakeLowRankGpuToBytes(gpu, { ...input, base }, out, { signal })),
        toSink: (sink) => withTensorReader(entry, (base) => bakeLowRankGpu(gpu, { ...input, base }, sink, { signal })),
      };
    }
    notOnGpu(misfit.reason, misfit.detail);
  }
  // tfjs-node-gpu: the products on CUDA through the MatMul seam, row block by row block.
  if (currentBackend()?.name === 'node-gpu' && lowRank.length > 0) {
    return {
      toBytes: (out) => withTensorReader(entry, (base) => bakeLowRankMatMulToBytes(matmul, { ...input, base }, out, { signal })),
      toSink: (sink) => withTensorReader(entry, (base) => bakeLowRankMatMul(matmul, { ...input, base }, sink, { signal })),
    };
  }
  if (!kernels) return undefined;
  const size = count * KERNEL_DTYPE_BYTES[outDtype];
  const withBase = <T>(use: (base: BaseReader) => T): T => withTensorReaderSync(entry, use);
  return {
    toBytes: (out) => withBase((base) => bakeLowRank(kernels, { base, inDtype, outDtype, rows, cols, patches: lowRank }, out?.byteLength === size ? out : undefined)),
    toSink: (sink) => withBase((base) => bakeLowRankTo(kernels, { base, inDtype, outDtype, rows, cols, patches: lowRank }, sink)),
  };
}

/** lowRankJob's output as bytes (into `out` when of the right size), or undefined when the job is not for the kernel. */
export async function bakeLowRankJob(job: TensorJob, patches: readonly DeltaPatch[], matmul: MatMul, signal?: AbortSignal, out?: Uint8Array): Promise<Uint8Array | undefined> {
  return (await lowRankJob(job, patches, matmul, signal))?.toBytes(out);
}
