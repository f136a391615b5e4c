/**
 * Peak memory of a run, estimated before it starts (DESIGN.md §9) from the headers of what it reads, following
 * how the engine holds memory today:
 *
 *   this process now (runtime, graph, open headers: measured; it may already count part of the workers' start)
 *   + what this thread adds while the run streams (a fixed allowance)
 *   + per worker: its runtime (V8 isolate, WebAssembly kernels and heaps, tfjs)
 *   + the largest working set of the run's phases (nodes run one at a time; the streaming ones use every worker):
 *       Save Model: a worker copies untouched tensors file to file through one small buffer
 *         (tensor-io/range-copy.ts); a tensor patched only by plain low-rank deltas streams through the fused
 *         kernel in row blocks, holding its factors in fp32 (ΔW is never whole); any other computed tensor (dense
 *         or DoRA deltas, merge methods, Merge Models, fp8 casts) is whole in fp32 on its worker, as many at once
 *         as the workers and the export window allow (export/save-model.ts windowBytesPerElement);
 *       LoRA export (Save LoRA, Resize Rank's evaluation): per worker one module (its factors, or for dense and
 *         task-merged sources ΔW per member in fp32 with the SVD's sketch), and the finished modules in flight
 *         to the writer on this thread;
 *       Extract LoRA: per worker both weights, their difference in fp32 and the SVD's sketch;
 *       Inspect / Probe: per worker one module's ΔW per LoRA compared, densely;
 *   + values held on this thread while later nodes run (the fp32 factors of Extract LoRA and Resize Rank).
 *
 * On the safe side, not wildly: each part is the largest tensor or module of its kind at once on every worker.
 * A run is refused when the estimate exceeds the memory available.
 */
import os from 'node:os';
import { EngineError } from '../errors.js';
import { modulesInFlight } from '../export/lora-format/write-lora-file.js';
import { DEFAULT_WINDOW_BYTES } from '../export/ordered-stream.js';
import { windowBytesPerElement } from '../export/save-model.js';
import { BLOCK_BYTES as BAKE_BLOCK_BYTES } from '../ops/apply/kernels/low-rank-bake.js';
import { parseByteSize } from '../tensor-io/byte-size.js';
import { CHUNK_BYTES as COPY_CHUNK_BYTES } from '../tensor-io/range-copy.js';
import type { MemoryCheck } from './executor.js';


/**
 * A worker's own memory before its task's data: measured as the peak RSS a worker adds to a streaming bake
 * (SD 1.5 bake with 1, 2 and 4 workers: about 55–60 MB each, kernels and heaps included), rounded up.
 */
export const WORKER_RUNTIME_BYTES = 64 * 2 ** 20;

/**
 * What this thread adds while a run streams (the plan, headers, the writer, promises and garbage between GCs):
 * measured as the peak RSS of a one-worker SD 1.5 bake less this process before it and the worker (5–15 MB), rounded up.
 */
export const RUN_THREAD_BYTES = 32 * 2 ** 20;

const F32 = 4;
const F64 = 8;
/**
 * Bytes per element of a dense product's operand or result left in the compute backend's heap (the WebAssembly
 * memory grows to the largest product, its dense operand or result and the allocator's slack, and never
 * shrinks): measured as the rest of a TIES merge's or combine's per-worker peak (about 24–29 B per element).
 */
const MATMUL_HEAP = 2 * F32;

/** A named amount, for the breakdown. */
export interface MemoryPart {
  readonly name: string;
  readonly bytes: number;
}

/** What one phase of the run (a streaming node) holds at its peak, across workers and this thread. */
export interface MemoryPhase {
  readonly name: string;
  readonly parts: readonly MemoryPart[];
}

export interface MemoryInputs {
  readonly workers: number;
  /** The run's phases; they do not overlap (one node at a time). */
  readonly phases: readonly MemoryPhase[];
  /** Values held on this thread across phases (computed factors). */
  readonly held?: readonly MemoryPart[];
}

/** A tensor baked by the fused low-rank kernel: [rows, cols] with the ranks of its patches summed. */
export interface KernelTensor {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
}

/**
 * The fused kernel's memory for one tensor (ops/apply/kernels/low-rank-job.ts → low-rank-bake.ts): the scaled
 * factors in fp32 (up [rows, r], down [r, cols]) and the file's bytes they were decoded from, down packed into
 * kernel memory, one block of base and output rows. Kernel memory grows to the largest tensor and stays.
 */
export function kernelTensorBytes(t: KernelTensor): number {
  const factors = (t.rows + t.cols) * t.rank * F32;
  return 2 * factors + t.cols * t.rank * F32 + 2 * BAKE_BLOCK_BYTES;
}

/** What makes a tensor whole in fp32 on its worker (ops/apply/bake-tensor.ts's JS path). */
export type WholeTensorWork =
  /** Deltas the kernel does not take (LoHa, LoKr, full, DoRA, transposed, or sources not known here). */
  | { readonly type: 'dense' }
  /** A merge method (TIES, DARE, …) over `members` LoRAs: one τ per member. */
  | { readonly type: 'merge-method'; readonly members: number }
  /** Merge Models: A's tensor with `others` models' tensors (B, or B and C), each baked to fp32. */
  | { readonly type: 'merge-models'; readonly others: number }
  /** A cast the kernel does not do (fp8 or F64 output): the input's bytes, decoded to fp32, the output's bytes. */
  | { readonly type: 'cast' };

export interface WholeTensor {
  readonly elements: number;
  readonly work: WholeTensorWork;
  /** Bytes per element of the input and the output dtypes. */
  readonly inBytes: number;
  readonly outBytes: number;
}

/**
 * Bytes per element that a worker holds for a whole tensor: the base's bytes, the weight in fp32, then
 * dense: one ΔW and two scratches of its size (a LoHa product, DoRA's region and its update) and the heap of
 * the product that formed ΔW;
 * merge-method: τ per member, the delta being added, the merged result and the product's heap;
 * merge-models: per other model its bytes, them cast to fp32 and their decoded copy (merge-tensor.ts);
 * and the output.
 */
export function wholeBytesPerElement(t: WholeTensor): number {
  const w = t.work;
  switch (w.type) {
    case 'cast':
      return t.inBytes + F32 + t.outBytes;
    case 'dense':
      return t.inBytes + F32 * 4 + MATMUL_HEAP + t.outBytes;
    case 'merge-method':
      return t.inBytes + F32 * (w.members + 3) + MATMUL_HEAP + t.outBytes;
    case 'merge-models':
      return t.inBytes + F32 + w.others * (t.inBytes + 2 * F32) + t.outBytes;
  }
}

const windowCostPerElement = (t: WholeTensor): number => windowBytesPerElement(t.outBytes);

/**
 * Whole tensors in flight at once, in bytes: at most one per worker, and the window admits several only while
 * their counted cost fits (one larger than the window goes alone). Memory per element exceeds the counted cost
 * by bytesPerElement / cost, so several smaller tensors hold at most that many times the window. Plus one more:
 * a finished tensor's buffers are released when V8 collects them, not when the window moves on (Merge Models in
 * test/integration/memory-estimate-cli.test.ts peaks at 1.4–1.7× its largest tensor, which goes alone).
 */
export function wholeTensorsInFlight(t: WholeTensor, workers: number, windowBytes: number): number {
  const perElement = wholeBytesPerElement(t);
  const one = t.elements * perElement;
  return Math.min(workers * one, Math.max(one, (windowBytes * perElement) / windowCostPerElement(t))) + one;
}

export function bakePhase(i: { workers: number; windowBytes?: number; kernel?: KernelTensor; whole?: WholeTensor }): MemoryPhase {
  const parts: MemoryPart[] = [{ name: `copy buffers ${i.workers} × ${fmt(COPY_CHUNK_BYTES)}`, bytes: i.workers * COPY_CHUNK_BYTES }];
  if (i.kernel && i.kernel.rank > 0) {
    const one = kernelTensorBytes(i.kernel);
    parts.push({ name: `fused bake ${i.workers} × ${fmt(one)}`, bytes: i.workers * one });
  }
  if (i.whole && i.whole.elements > 0) {
    parts.push({ name: `whole fp32 tensors (${i.whole.work.type})`, bytes: wholeTensorsInFlight(i.whole, i.workers, i.windowBytes ?? DEFAULT_WINDOW_BYTES) });
  }
  return { name: 'Save Model', parts };
}

/** A LoRA module as the export evaluates it: ΔW [out, inFlat], the rank it is computed at, its members. */
export interface ExportModule {
  readonly out: number;
  readonly inFlat: number;
  /** Ranks summed over the members (what a concatenation or a low-rank SVD works on). */
  readonly rank: number;
  /** The rank written (a compression's k; the rank itself otherwise). */
  readonly outRank: number;
  /** Members whose ΔW is formed densely (task merges, LoHa / LoKr / full sources); 0: factors only. */
  readonly denseMembers: number;
}

/** The randomized SVD's sketch width over k (module-source dense-svd: oversample max(16, k)). */
const sketchWidth = (k: number): number => k + Math.max(16, k);

/**
 * One module on a worker ('combine.module'): the factors read and scaled (fp32, twice) and, for a compression,
 * the low-rank SVD's fp64 work on them; with dense members (module-source/task-merge.ts), τ per member, the
 * member's ΔW being added, the merged result, the product's heap (ΔW resident on the backend for the
 * randomized SVD), and the sketch's three panels.
 */
export function exportModuleBytes(m: ExportModule): number {
  const side = m.out + m.inFlat;
  const factors = side * m.rank * (2 * F32 + F64);
  if (m.denseMembers === 0) return factors;
  const dense = m.out * m.inFlat * (F32 * (m.denseMembers + 3) + MATMUL_HEAP);
  return factors + dense + side * sketchWidth(m.outRank) * F32 * 3;
}

export function loraExportPhase(i: { workers: number; windowBytes?: number; module: ExportModule }): MemoryPhase {
  const one = exportModuleBytes(i.module);
  // A dense module's buffers outlive it until V8 collects them (as whole tensors in a bake): one more counted.
  const modules = i.module.denseMembers > 0 ? i.workers + 1 : i.workers;
  // write-lora-file.ts: modules in flight to the writer, each its factors in fp32 and encoded (its cost()).
  const result = (i.module.out + i.module.inFlat) * i.module.outRank * 8;
  const inFlight = Math.min(modulesInFlight(i.workers) * result, Math.max(result, i.windowBytes ?? DEFAULT_WINDOW_BYTES));
  return {
    name: 'LoRA export',
    parts: [
      { name: `modules ${modules} × ${fmt(one)}`, bytes: modules * one },
      { name: 'modules to the writer', bytes: inFlight },
    ],
  };
}

/**
 * Inspect and Probe form ΔW densely on the workers, a module at a time (sign conflicts: one per LoRA compared;
 * module statistics of LoHa / LoKr / full modules; a probed layer's weight and delta): ΔW per member, one more
 * fp32 copy (the probed weight's region) and the product's heap, with one module more awaiting collection
 * (measured: an Inspect of two SD 1.5 LoRAs holds about 12 B per element of its largest module per worker).
 */
export function inspectPhase(i: { workers: number; module: ExportModule }): MemoryPhase {
  const one = i.module.out * i.module.inFlat * (F32 * (Math.max(1, i.module.denseMembers) + 1) + MATMUL_HEAP);
  return { name: 'Inspect / Probe', parts: [{ name: `dense modules ${i.workers + 1} × ${fmt(one)}`, bytes: (i.workers + 1) * one }] };
}

/** Extract LoRA's largest weight pair: [out, inFlat] at `inBytes` per element in each checkpoint, truncated to k. */
export interface ExtractTensor {
  readonly out: number;
  readonly inFlat: number;
  readonly inBytes: number;
  readonly rank: number;
}

/**
 * One weight pair on a worker ('extract.module', module-source/tensor-delta.ts): both tensors' bytes, both
 * decoded to fp32 (ΔW in place), a transposed copy where the module is transposed, ΔW copied into kernel memory
 * for the products, and the sketch (oversample 10) in three panels.
 */
export function extractTensorBytes(t: ExtractTensor): number {
  const n = t.out * t.inFlat;
  return n * (2 * t.inBytes + 4 * F32) + (t.out + t.inFlat) * (t.rank + 10) * F32 * 3;
}

export function extractPhase(i: { workers: number; tensor: ExtractTensor }): MemoryPhase {
  const one = extractTensorBytes(i.tensor);
  return { name: 'Extract LoRA', parts: [{ name: `weight pairs ${i.workers} × ${fmt(one)}`, bytes: i.workers * one }] };
}

export function fmt(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${Math.ceil(b / 2 ** 20)} MiB`;
  return `${Math.ceil(b / 2 ** 10)} KiB`;
}

const sum = (parts: readonly MemoryPart[]): number => parts.reduce((s, p) => s + p.bytes, 0);

export function estimatePeakMemory(i: MemoryInputs, processBytes = process.memoryUsage().rss): { bytes: number; breakdown: string } {
  const runtime = i.workers * WORKER_RUNTIME_BYTES;
  let peak: MemoryPhase | undefined;
  for (const phase of i.phases) if (!peak || sum(phase.parts) > sum(peak.parts)) peak = phase;
  const held = i.held ?? [];
  const bytes = processBytes + RUN_THREAD_BYTES + runtime + (peak ? sum(peak.parts) : 0) + sum(held);
  const terms = [`this process ${fmt(processBytes)}`, `running ${fmt(RUN_THREAD_BYTES)}`, `${i.workers} worker${i.workers === 1 ? '' : 's'} × ${fmt(WORKER_RUNTIME_BYTES)}`];
  if (peak) terms.push(`${peak.name}: ${peak.parts.map((p) => `${p.name} = ${fmt(p.bytes)}`).join(', ')}`);
  for (const h of held) terms.push(`${h.name} ${fmt(h.bytes)}`);
  return { bytes, breakdown: terms.join(' + ') };
}

/** Memory the run may use: env LORA_STUDIO_MEMORY_LIMIT when set ("8GB"), else what the OS reports free. */
export function availableMemory(env: NodeJS.ProcessEnv = process.env): number {
  const limit = env.LORA_STUDIO_MEMORY_LIMIT;
  if (limit !== undefined && limit !== '') {
    try {
      const bytes = parseByteSize(limit);
      if (bytes > 0) return bytes;
    } catch (err) {
      throw new EngineError('bad-memory-limit', `LORA_STUDIO_MEMORY_LIMIT="${limit}" is not a size.`, { hint: 'Write it like 8GB or 512MiB.', cause: err });
    }
    throw new EngineError('bad-memory-limit', `LORA_STUDIO_MEMORY_LIMIT="${limit}" is not a positive size.`, { hint: 'Write it like 8GB or 512MiB.' });
  }
  return os.freemem();
}

export function memoryCheck(i: MemoryInputs, availableBytes: number): MemoryCheck {
  const { bytes, breakdown } = estimatePeakMemory(i);
  return { estimatedPeakBytes: bytes, availableBytes, breakdown };
}
