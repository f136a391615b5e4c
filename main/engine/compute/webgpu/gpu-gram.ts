/**
 * Gram matrices of fp32 factors on WebGPU with the accuracy of the CPU's fp64 accumulation (linalg/kernels/
 * gram.ts), in float-float arithmetic (wgsl-float-float.ts) since WGSL has no f64.
 *
 * The host scales every column (of X for XᵀX, every row of X for X·Xᵀ) by a power of two so its largest
 * magnitude lies in [1, 2): exact, and it keeps squares of values up to f32's largest in range. A column whose
 * nonzero magnitudes then reach below 2^-40 (more than 40 binades from its largest), NaN or Inf, or sizes past
 * the adapter's limits go back to the caller as a reason (the CPU computes those: backend-gram.ts).
 * The summed dimension is streamed in blocks (one upload ≤ `blockBytes`); each block is split into slices of
 * 256 rows, one per workgroup layer. A 16×16 workgroup computes one upper tile of G over its slice: every term
 * a·b as four exact partial products added to a float-float accumulator, folded every 16 rows into the slice's
 * total with the accurate float-float sum. The host reads each slice's hi and lo back, adds hi + lo (exact in
 * f64) into an f64 G, scales back, and mirrors the upper triangle. Error per element in the worst case: about
 * 2u² (u = 2^-24) of Σ|a·b| per addition, 64 additions per 16-row chunk, 3u² per fold, and n/256·2^-53 for
 * the host's sum of slices: ≤ 5e-13 of Σ|a·b| for any n below 10^6, far less in practice (measured in
 * test/unit/compute/webgpu/gpu-gram.test.ts), against up to n·2^-53 of Σ|a·b| for the CPU's sequential f64
 * sum. The stop signal is checked between blocks.
 * A self-check on first use per device compares a crafted Gram (cancellation, mixed magnitudes) with an f64
 * one: a compiler that rewrote the error terms away would fail it, and the caller falls back to the CPU.
 */
import { throwIfAborted } from '../../errors.js';
import type { GpuContext } from './gpu-device.js';
import { dispatchAndRead, runGpuJob } from './gpu-job.js';
import { WGSL_FLOAT_FLOAT } from './wgsl-float-float.js';

const TILE = 16;
/** Rows of the summed dimension per workgroup layer (each tile of 16 rows is one float-float chunk inside it). */
const SLICE_ROWS = 256;
/** Smallest scaled nonzero magnitude: 2^-40 keeps every partial product's lowest bit at or above 2^-126 (normal f32). */
const MIN_SCALED_EXPONENT = -40;
const DEFAULT_BLOCK_BYTES = 32 * 1024 * 1024;

/** Why the GPU kernel does not take an operand: a fixed phrase (counted together in the route log) and the full why. */
export interface GramRefusal {
  reason: string;
  detail: string;
}

export type GpuGramResult = { ok: true; gram: Float64Array } | ({ ok: false } & GramRefusal);

export interface GpuGramOptions {
  signal?: AbortSignal;
  /** Largest upload and largest partial-sums buffer per block (default 32 MiB, capped by the adapter's binding limit). */
  blockBytes?: number;
}

/** G = Xᵀ·X for X = n rows × r columns (row-major fp32). */
export function gpuGramOfColumns(gpu: GpuContext, x: Float32Array, n: number, r: number, opts: GpuGramOptions = {}): Promise<GpuGramResult> {
  checkSize(x, n, r);
  return gram(gpu, { n, r, at: (k, i) => x[k * r + i]! }, opts);
}

/** G = X·Xᵀ for X = r rows × n columns (row-major fp32). */
export function gpuGramOfRows(gpu: GpuContext, x: Float32Array, r: number, n: number, opts: GpuGramOptions = {}): Promise<GpuGramResult> {
  checkSize(x, r, n);
  return gram(gpu, { n, r, at: (k, i) => x[i * n + k]! }, opts);
}

function checkSize(x: Float32Array, rows: number, cols: number): void {
  if (x.length !== rows * cols) throw new RangeError(`gram: ${x.length} values do not fill ${rows}×${cols}`);
}

/** The operand as n terms of r columns: G_ij = Σ_k at(k, i)·at(k, j). */
interface GramOperand {
  n: number;
  r: number;
  at(k: number, i: number): number;
}

async function gram(gpu: GpuContext, x: GramOperand, opts: GpuGramOptions): Promise<GpuGramResult> {
  const { n, r } = x;
  if (r === 0 || n === 0) return { ok: true, gram: new Float64Array(r * r) };
  const misfit = sizeMisfit(gpu, r, opts.blockBytes);
  if (misfit) return { ok: false, ...misfit };
  const scales = columnScales(x);
  if ('reason' in scales) return { ok: false, ...scales };
  const failed = await selfCheck(gpu);
  if (failed) return { ok: false, reason: 'the device failed the float-float self-check', detail: failed };
  const g = await accumulate(gpu, gramPipeline(gpu.device), x, scales.exponents, opts);
  return { ok: true, gram: g };
}

function budget(gpu: GpuContext, blockBytes: number | undefined): number {
  return Math.min(blockBytes ?? DEFAULT_BLOCK_BYTES, gpu.maxBinding);
}

/** Why an r×r Gram cannot run on this device at all, or undefined. */
function sizeMisfit(gpu: GpuContext, r: number, blockBytes: number | undefined): GramRefusal | undefined {
  const bytes = budget(gpu, blockBytes);
  const reason = 'larger than a GPU block';
  if (r * r * 8 > bytes) return { reason, detail: `the ${r}×${r} float-float Gram (${r * r * 8} bytes) is larger than a block (${bytes} bytes)` };
  if (SLICE_ROWS * r * 4 > bytes) return { reason, detail: `a slice of ${SLICE_ROWS}×${r} values is larger than a block (${bytes} bytes)` };
  if (Math.ceil(r / TILE) > gpu.maxWorkgroupsPerDimension) return { reason: "past the adapter's workgroups per dimension", detail: `${Math.ceil(r / TILE)} tiles exceed the adapter's ${gpu.maxWorkgroupsPerDimension} workgroups per dimension` };
  return undefined;
}

/** Per column, the exponent e with max|x|·2^-e in [1, 2) (0 for a zero column), or why it cannot be scaled. */
function columnScales(x: GramOperand): { exponents: Int32Array } | GramRefusal {
  const { n, r } = x;
  const largest = new Float64Array(r);
  const smallest = new Float64Array(r).fill(Infinity);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < r; i++) {
      const v = Math.abs(x.at(k, i));
      if (!Number.isFinite(v)) return { reason: 'NaN or Inf in a factor', detail: `column ${i} holds NaN or Inf` };
      if (v > largest[i]!) largest[i] = v;
      if (v !== 0 && v < smallest[i]!) smallest[i] = v;
    }
  }
  const exponents = new Int32Array(r);
  for (let i = 0; i < r; i++) {
    if (largest[i] === 0) continue;
    const e = binade(largest[i]!);
    exponents[i] = e;
    if (binade(smallest[i]!) - e < MIN_SCALED_EXPONENT) {
      return {
        reason: `a column spans more than 2^${-MIN_SCALED_EXPONENT}`,
        detail: `column ${i} spans more than 2^${-MIN_SCALED_EXPONENT} between its largest and smallest nonzero magnitudes (${largest[i]!.toExponential(2)}, ${smallest[i]!.toExponential(2)}), past float-float's range`,
      };
    }
  }
  return { exponents };
}

/** e with v·2^-e in [1, 2), for finite v > 0. */
function binade(v: number): number {
  let e = Math.floor(Math.log2(v));
  while (v * 2 ** -e >= 2) e++;
  while (v * 2 ** -e < 1) e--;
  return e;
}

async function accumulate(gpu: GpuContext, pipeline: GPUComputePipeline, x: GramOperand, exponents: Int32Array, opts: GpuGramOptions): Promise<Float64Array> {
  const { n, r } = x;
  const bytes = budget(gpu, opts.blockBytes);
  const maxSlices = Math.min(Math.floor(bytes / (r * r * 8)), Math.floor(bytes / (SLICE_ROWS * r * 4)), gpu.maxWorkgroupsPerDimension);
  const blockRows = maxSlices * SLICE_ROWS;
  const scale = Float64Array.from(exponents, (e) => 2 ** -e);
  const upper = new Float64Array(r * r);
  for (let k0 = 0; k0 < n; k0 += blockRows) {
    throwIfAborted(opts.signal);
    const rows = Math.min(blockRows, n - k0);
    const block = new Float32Array(rows * r);
    for (let k = 0; k < rows; k++) for (let i = 0; i < r; i++) block[k * r + i] = x.at(k0 + k, i) * scale[i]!;
    const slices = Math.ceil(rows / SLICE_ROWS);
    const partial = await runBlock(gpu, pipeline, block, rows, r, slices);
    for (let s = 0; s < slices; s++) {
      const base = s * r * r * 2;
      for (let i = 0; i < r; i++) {
        for (let j = i; j < r; j++) {
          const at = base + (i * r + j) * 2;
          upper[i * r + j]! += partial[at]! + partial[at + 1]!;
        }
      }
    }
  }
  throwIfAborted(opts.signal);
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = i; j < r; j++) {
      const v = upper[i * r + j]! * 2 ** (exponents[i]! + exponents[j]!);
      out[i * r + j] = v;
      out[j * r + i] = v;
    }
  }
  return out;
}

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function gramPipeline(device: GPUDevice): GPUComputePipeline {
  let pipeline = pipelines.get(device);
  if (!pipeline) pipelines.set(device, (pipeline = compileGram(device, gramShader())));
  return pipeline;
}

function compileGram(device: GPUDevice, code: string): GPUComputePipeline {
  const module = device.createShaderModule({ code, label: 'gram float-float' });
  return device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: 'gram float-float' });
}

/** One block: X is `rows`×r (row-major, scaled); out[s][i][j] = (hi, lo) of Σ over slice s of X[k,i]·X[k,j], upper tiles. */
export function gramShader(): string {
  return /* wgsl */ `
${WGSL_FLOAT_FLOAT}
struct Params { r: u32, rows: u32, zero: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec2f>;
var<workgroup> tileA: array<array<vec2f, ${TILE}>, ${TILE}>;
var<workgroup> tileB: array<array<vec2f, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  ff_zero = p.zero;
  // Tiles below the diagonal are the mirror of those above: skipped (uniform per workgroup).
  if (wg.y > wg.x) { return; }
  let i = wg.y * ${TILE}u + l.y;
  let j = wg.x * ${TILE}u + l.x;
  let k0 = wg.z * ${SLICE_ROWS}u;
  let k1 = min(k0 + ${SLICE_ROWS}u, p.rows);
  var total = vec2f(0.0, 0.0);
  for (var t = k0; t < k1; t += ${TILE}u) {
    let kk = t + l.y;
    let ca = wg.y * ${TILE}u + l.x;
    let cb = wg.x * ${TILE}u + l.x;
    var av = 0.0;
    var bv = 0.0;
    if (kk < k1 && ca < p.r) { av = x[kk * p.r + ca]; }
    if (kk < k1 && cb < p.r) { bv = x[kk * p.r + cb]; }
    tileA[l.y][l.x] = ff_split(av);
    tileB[l.y][l.x] = ff_split(bv);
    workgroupBarrier();
    // One chunk per tile of 16 rows, folded into the slice's total with the accurate sum.
    var chunk = vec2f(0.0, 0.0);
    let last = min(${TILE}u, k1 - t);
    for (var q = 0u; q < last; q++) {
      chunk = ff_add_product(chunk, tileA[q][l.y], tileB[q][l.x]);
    }
    total = ff_add(total, chunk);
    workgroupBarrier();
  }
  if (i < p.r && j < p.r) { out[(wg.z * p.r + i) * p.r + j] = total; }
}
`;
}

/** Dispatches one block and reads back its slices' (hi, lo) pairs as f32 (slices × r × r × 2). */
async function runBlock(gpu: GpuContext, pipeline: GPUComputePipeline, block: Float32Array, rows: number, r: number, slices: number): Promise<Float32Array> {
  const { device, usage } = gpu;
  return runGpuJob(gpu, `WebGPU Gram ${r}×${r} over ${rows} rows`, async (buffer) => {
    const outBytes = slices * r * r * 8;
    const params = buffer(16, usage.UNIFORM | usage.COPY_DST);
    device.queue.writeBuffer(params, 0, new Uint32Array([r, rows, 0, 0]));
    const xBuf = buffer(block.byteLength, usage.STORAGE | usage.COPY_DST);
    device.queue.writeBuffer(xBuf, 0, block);
    const outBuf = buffer(outBytes, usage.STORAGE | usage.COPY_SRC);
    const tiles = Math.ceil(r / TILE);
    return new Float32Array(await dispatchAndRead(gpu, buffer, pipeline, [params, xBuf, outBuf], [tiles, tiles, slices], outBuf, outBytes));
  });
}

const checks = new WeakMap<GPUDevice, Promise<string | undefined>>();

/**
 * Undefined when this device's float-float Gram matches an f64 one on a crafted operand (300 rows, odd;
 * mixed magnitudes, exact cancellation), else why not. Within 1e-12 of Σ|a·b| (the contract; the kernel's
 * worst case is 5e-13, it measures ~1e-14): a compiler that dropped the error terms gives ~1e-9.
 */
function selfCheck(gpu: GpuContext): Promise<string | undefined> {
  let check = checks.get(gpu.device);
  if (!check) {
    const failed = (err: unknown): string => `float-float self-check could not run on ${gpu.adapter.label}: ${err instanceof Error ? err.message : String(err)}`;
    checks.set(gpu.device, (check = floatFloatSelfCheck(gpu).catch(failed)));
  }
  return check;
}

/** The self-check of the Gram kernel, or of another WGSL source of it (tests: a variant without `ff_keep`). */
export async function floatFloatSelfCheck(gpu: GpuContext, code?: string): Promise<string | undefined> {
  const pipeline = code === undefined ? gramPipeline(gpu.device) : compileGram(gpu.device, code);
  const n = 300;
  const r = 4;
  const x = new Float32Array(n * r);
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let k = 0; k < n; k++) {
    const a = next();
    x[k * r] = a;
    x[k * r + 1] = next() * 2 ** Math.floor(next() * 30);
    // Pairs with opposite signs: Σ x0·x2 cancels to the rounding of the f32 values alone.
    x[k * r + 2] = (k & 1 ? -1 : 1) * Math.fround(a + next() * 1e-6);
    x[k * r + 3] = 1 + next() * 2 ** -20;
  }
  const operand: GramOperand = { n, r, at: (k, i) => x[k * r + i]! };
  const scales = columnScales(operand);
  if ('reason' in scales) return `float-float self-check input out of range: ${scales.detail}`;
  const got = await accumulate(gpu, pipeline, operand, scales.exponents, {});
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      // f32 products are exact in f64; the sum is compensated (Neumaier) so its own error is ~1e-16.
      let want = 0;
      let carry = 0;
      let size = 0;
      for (let k = 0; k < n; k++) {
        const p = x[k * r + i]! * x[k * r + j]!;
        const t = want + p;
        carry += Math.abs(want) >= Math.abs(p) ? want - t + p : p - t + want;
        want = t;
        size += Math.abs(p);
      }
      const err = Math.abs(got[i * r + j]! - (want + carry));
      if (!(err <= 1e-12 * size)) {
        return `float-float self-check failed on ${gpu.adapter.label}: G[${i}][${j}] off by ${(err / size).toExponential(2)} of Σ|a·b| (the shader compiler does not keep the error terms)`;
      }
    }
  }
  return undefined;
}
