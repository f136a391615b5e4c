/**
 * The MatMul seam on WebGPU (our WGSL kernel: 16×16 tiles through workgroup memory, fp32, k summed in order
 * per output element), and a resident operator for the randomized SVD's repeated products. Operands that do
 * not fit the adapter's largest storage binding, or a grid past its dispatch limit, go to `fallback` (the tfjs
 * backend beside it), so a product never fails for size.
 */
import { CancelledError } from '../../errors.js';
import type { LinearOperator } from '../../linalg/randomized-svd.js';
import type { MatMul } from '../matmul.js';
import { checkMatMulShapes } from '../tfjs-matmul.js';
import type { DisposableOperator } from '../tfjs-operator.js';
import type { GpuContext } from './gpu-device.js';
import { dispatchAndRead, runGpuJob } from './gpu-job.js';
import { recordCpuRoute, recordGpuRoute } from '../route-log.js';

const TILE = 16;

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function matmulPipeline(device: GPUDevice, transposeA: boolean, transposeB: boolean): GPUComputePipeline {
  let byDevice = pipelines.get(device);
  if (!byDevice) pipelines.set(device, (byDevice = new Map()));
  const key = `${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}`;
  let pipeline = byDevice.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ code: matmulShader(transposeA, transposeB), label: `matmul ${key}` });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: `matmul ${key}` });
    byDevice.set(key, pipeline);
  }
  return pipeline;
}

/** C[m×n] = A·B with A stored [m,k] (or [k,m] when transposed) and B stored [k,n] (or [n,k]). */
function matmulShader(transposeA: boolean, transposeB: boolean): string {
  const aAt = transposeA ? 'a[kk * p.m + r]' : 'a[r * p.k + kk]';
  const bAt = transposeB ? 'b[c * p.k + kk]' : 'b[kk * p.n + c]';
  return /* wgsl */ `
struct Params { m: u32, k: u32, n: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
var<workgroup> tileA: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> tileB: array<array<f32, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let row = wg.y * ${TILE}u + l.y;
  let col = wg.x * ${TILE}u + l.x;
  var acc = 0.0;
  for (var t = 0u; t < p.k; t += ${TILE}u) {
    var av = 0.0;
    var bv = 0.0;
    { let r = row; let kk = t + l.x; if (r < p.m && kk < p.k) { av = ${aAt}; } }
    { let c = col; let kk = t + l.y; if (kk < p.k && c < p.n) { bv = ${bAt}; } }
    tileA[l.y][l.x] = av;
    tileB[l.y][l.x] = bv;
    workgroupBarrier();
    let last = min(${TILE}u, p.k - t);
    for (var i = 0u; i < last; i++) {
      acc = acc + tileA[l.y][i] * tileB[i][l.x];
    }
    workgroupBarrier();
  }
  if (row < p.m && col < p.n) { out[row * p.n + col] = acc; }
}
`;
}

const PAST_BINDING = "an operand past the adapter's largest storage binding";

/** Why m×k, k×n and m×n fp32 operands or their grid do not fit the device, or undefined when they do. */
function misfit(gpu: GpuContext, m: number, k: number, n: number): { reason: string; detail: string } | undefined {
  const biggest = Math.max(m * k, k * n, m * n) * 4;
  const grid = Math.max(Math.ceil(m / TILE), Math.ceil(n / TILE));
  if (biggest > gpu.maxBinding) return { reason: PAST_BINDING, detail: `a ${m}×${k}·${k}×${n} product has an operand of ${biggest} bytes (largest binding ${gpu.maxBinding})` };
  if (grid > gpu.maxWorkgroupsPerDimension) return { reason: "past the adapter's workgroups per dimension", detail: `a ${m}×${k}·${k}×${n} product needs ${grid} tiles per dimension (limit ${gpu.maxWorkgroupsPerDimension})` };
  return undefined;
}

/** Whether the product runs on the GPU, counted in the route log either way. */
function routedToGpu(gpu: GpuContext, m: number, k: number, n: number): boolean {
  const why = misfit(gpu, m, k, n);
  if (why) recordCpuRoute('matmul', why.reason, why.detail);
  else recordGpuRoute('matmul');
  return why === undefined;
}

/** A is a host array or a GPU buffer already holding it (the resident operator). */
async function runMatMul(gpu: GpuContext, a: Float32Array | GPUBuffer, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): Promise<Float32Array> {
  const { device, usage } = gpu;
  return runGpuJob(gpu, `WebGPU matmul ${m}×${k}·${k}×${n}`, async (buffer) => {
    const upload = (data: Float32Array): GPUBuffer => {
      const buf = buffer(data.byteLength, usage.STORAGE | usage.COPY_DST);
      if (data.length > 0) device.queue.writeBuffer(buf, 0, data);
      return buf;
    };
    const params = buffer(16, usage.UNIFORM | usage.COPY_DST);
    device.queue.writeBuffer(params, 0, new Uint32Array([m, k, n, 0]));
    const aBuf = a instanceof Float32Array ? upload(a) : a;
    const bBuf = upload(b);
    const outBuf = buffer(m * n * 4, usage.STORAGE | usage.COPY_SRC);
    const pipeline = matmulPipeline(device, transposeA, transposeB);
    return new Float32Array(await dispatchAndRead(gpu, buffer, pipeline, [params, aBuf, bBuf, outBuf], [Math.ceil(n / TILE), Math.ceil(m / TILE), 1], outBuf, m * n * 4));
  });
}

/** MatMul on the GPU; sizes past the device's limits go to `fallback`. */
export function gpuMatMul(gpu: GpuContext, fallback: MatMul): MatMul {
  return {
    async matmul(a, b, m, k, n, opts = {}) {
      checkMatMulShapes(a, b, m, k, n);
      if (m * n === 0) return new Float32Array(0);
      if (k === 0) return new Float32Array(m * n);
      if (!routedToGpu(gpu, m, k, n)) return fallback.matmul(a, b, m, k, n, opts);
      return runMatMul(gpu, a, b, m, k, n, opts.transposeA ?? false, opts.transposeB ?? false);
    },
  };
}

/**
 * A dense rows×cols matrix uploaded once for repeated products A·X and Aᵀ·Y (randomized SVD: 2q + 2 of them).
 * Falls back to `fallback` (built lazily) when the matrix does not fit one binding.
 */
export function gpuOperator(gpu: GpuContext, a: Float32Array, rows: number, cols: number, makeFallback: () => DisposableOperator, signal?: AbortSignal): DisposableOperator {
  if (a.length !== rows * cols) throw new RangeError(`gpuOperator: ${a.length} values do not fill ${rows}×${cols}`);
  if (a.byteLength > gpu.maxBinding) return countedOnCpu(makeFallback(), `the ${rows}×${cols} matrix (${a.byteLength} bytes) is past the largest binding (${gpu.maxBinding})`);
  let resident: GPUBuffer | undefined;
  let fallbackOp: DisposableOperator | undefined;
  const fallback = (): DisposableOperator => (fallbackOp ??= makeFallback());
  const matrix = (): GPUBuffer => {
    if (signal?.aborted) throw new CancelledError();
    if (!resident) {
      resident = gpu.device.createBuffer({ size: Math.max(16, a.byteLength), usage: gpu.usage.STORAGE | gpu.usage.COPY_DST });
      gpu.device.queue.writeBuffer(resident, 0, a);
    }
    return resident;
  };
  const op: LinearOperator & { dispose(): void } = {
    rows,
    cols,
    async multiply(x, n) {
      if (!routedToGpu(gpu, rows, cols, n)) return fallback().multiply(x, n);
      return runMatMul(gpu, matrix(), x, rows, cols, n, false, false);
    },
    async multiplyTranspose(y, n) {
      if (!routedToGpu(gpu, cols, rows, n)) return fallback().multiplyTranspose(y, n);
      return runMatMul(gpu, matrix(), y, cols, rows, n, true, false);
    },
    dispose() {
      resident?.destroy();
      resident = undefined;
      fallbackOp?.dispose();
      fallbackOp = undefined;
    },
  };
  return op;
}

/** The CPU operator for a matrix the GPU cannot hold, each of its products counted in the route log. */
function countedOnCpu(op: DisposableOperator, detail: string): DisposableOperator {
  return {
    rows: op.rows,
    cols: op.cols,
    multiply(x, n) {
      recordCpuRoute('matmul', PAST_BINDING, detail);
      return op.multiply(x, n);
    },
    multiplyTranspose(y, n) {
      recordCpuRoute('matmul', PAST_BINDING, detail);
      return op.multiplyTranspose(y, n);
    },
    dispose: () => op.dispose(),
  };
}
