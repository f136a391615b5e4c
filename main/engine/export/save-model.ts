/**
 * Save Model: stream a ModelValue into a safetensors file (or shards). The header is written first (every
 * output shape is known from the plan); then, in storage order, untouched tensors are copied byte for byte
 * and patched ones are computed by the worker pool (read base → fp32 → patches → one rounding) and written
 * by the worker at their place in the output, with reads, compute and writes overlapping. Peak memory is
 * bounded by the in-flight window, not by the model size.
 */
import type { WorkerPool } from '../compute/worker-pool.js';
import { throwIfAborted } from '../errors.js';
import type { RunContext } from '../run-context.js';
import { tensorByteLength, type WritableFloatDType } from '../tensor-io/dtypes.js';
import type { Fp8Overflow } from '../tensor-io/float-convert.js';
import { APP_VERSION } from '../../../shared/app-info.js';
import { buildOutputMetadata, RECIPE_KEY, TOOL_VERSION_KEY, type ModelSpecInput } from '../tensor-io/metadata.js';
import { readTensorBytes } from '../tensor-io/positional-read.js';
import { createWriteLock } from '../tensor-io/positional-write.js';
import { createSafetensorsWriter } from '../tensor-io/safetensors-writer.js';
import { createShardedWriter } from '../tensor-io/sharded-writer.js';
import type { TensorWriter } from '../tensor-io/tensor-writer.js';
import { isVerbatimCopy, type TensorJob } from '../ops/apply/patch-spec.js';
import { planBake } from '../ops/apply/plan-bake.js';
import { takesLowRankKernel } from '../ops/apply/kernels/low-rank-job.js';
import type { ModelValue } from '../values/model-value.js';
import { BufferPool } from './buffer-pool.js';
import { orderedStream } from './ordered-stream.js';

export interface SaveModelOptions {
  out: string;
  dtype: WritableFloatDType | 'same';
  fp8Overflow?: Fp8Overflow;
  /** Split into HF-style shards of at most this many bytes. */
  maxShardSize?: number;
  pool: WorkerPool;
  /**
   * Our recipe (inputs with hashes, strengths, method, ...), stored as JSON in the metadata. A promise is
   * awaited only before commit (so input hashes can be computed while the tensors stream); its JSON must fit
   * in `recipeWidth` bytes (default 64 KiB), reserved in the header.
   */
  recipe?: unknown;
  recipeWidth?: number;
  modelspec?: ModelSpecInput;
  /** Bytes of tensor data allowed in flight between read and write (default 256 MiB). */
  windowBytes?: number;
  /** Pause after each tensor (ms): slow motion for testing progress and Stop; never set in normal use. */
  debugDelayMs?: number;
}

export interface SaveModelResult {
  files: string[];
  tensors: number;
  patched: number;
  copied: number;
  bytes: number;
  seconds: number;
}

/**
 * Memory a job holds while in flight: the bytes read; nothing for the fused kernel (it streams the tensor
 * through a fixed buffer into the file); for other computed tensors the fp32 weight, one fp32 delta and the
 * output, while the worker computes them.
 */
function jobCost(job: TensorJob): number {
  if (isVerbatimCopy(job)) return job.entry.byteLength;
  if (takesLowRankKernel(job)) return 0;
  return 2 * tensorByteLength(job.entry.shape, 'F32') + tensorByteLength(job.entry.shape, job.outDtype);
}

/** Read buffers kept for reuse beyond those in flight. */
const FREE_BUFFER_BYTES = 64 * 1024 * 1024;
/**
 * Tensors in flight at most (the bytes bound is what limits memory). Checkpoints interleave big patched
 * weights with tiny norms and biases: a count of a few per worker left the writer idle waiting for the next
 * tensor in order while workers had room (SDXL bake: 17 s → 13 s).
 */
const MAX_ITEMS_IN_FLIGHT = 32;

/** A base we wrote ourselves carries its own recipe: the output gets a new one (which lists that base with its hashes). */
function withoutOurRecipe(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const { [RECIPE_KEY]: _recipe, [TOOL_VERSION_KEY]: _version, ...rest } = metadata;
  return rest;
}

export function modelInputs(model: ModelValue): string[] {
  const files = new Set<string>(model.base.source.files);
  for (const step of model.steps) {
    if (step.type === 'select') continue;
    if (step.type === 'merge-models') {
      for (const other of step.c ? [step.b, step.c] : [step.b]) for (const f of modelInputs(other)) files.add(f);
      continue;
    }
    const members = step.type === 'apply' ? [step.applied] : step.members;
    for (const m of members) for (const f of m.lora.inputs) files.add(f);
  }
  return [...files];
}

export async function saveModel(model: ModelValue, opts: SaveModelOptions, ctx: RunContext = {}): Promise<SaveModelResult> {
  const started = performance.now();
  const jobs = planBake(model, { dtype: opts.dtype, fp8Overflow: opts.fp8Overflow });
  const plan = jobs.map((j) => ({ name: j.entry.name, dtype: j.outDtype, shape: j.entry.shape }));
  const deferredRecipe = opts.recipe instanceof Promise ? opts.recipe : undefined;
  if (deferredRecipe) deferredRecipe.catch(() => undefined);
  const metadata = buildOutputMetadata(
    {
      inherited: withoutOurRecipe(model.base.source.metadata),
      modelspec: opts.modelspec,
      recipe: deferredRecipe ? undefined : opts.recipe,
      extra: deferredRecipe ? { [TOOL_VERSION_KEY]: APP_VERSION } : undefined,
    },
    opts.out,
  );
  const reserve = deferredRecipe ? { [RECIPE_KEY]: opts.recipeWidth ?? 64 * 1024 } : undefined;
  const inputs = modelInputs(model);
  const writer: TensorWriter = opts.maxShardSize
    ? await createShardedWriter(opts.out, plan, metadata, { inputs, reserve, maxShardSize: opts.maxShardSize, signal: ctx.signal })
    : await createSafetensorsWriter(opts.out, plan, metadata, { inputs, reserve, signal: ctx.signal });
  const total = plan.reduce((s, p) => s + tensorByteLength(p.shape, p.dtype), 0);
  let written = 0;
  let patched = 0;
  let copied = 0;
  const buffers = new BufferPool(FREE_BUFFER_BYTES);
  const writeLock = createWriteLock();
  // Untouched tensors are read here into recycled buffers and written in order; computed ones are written by
  // the worker straight to their place in the output (no bytes come back), and only recorded here, in order.
  const produce = (job: TensorJob): Promise<Uint8Array | number> => {
    if (isVerbatimCopy(job)) return readTensorBytes(job.entry, buffers.take(job.entry.byteLength));
    const { file, offset } = writer.placement(job.entry.name);
    return opts.pool.run('bake.tensorToFile', { job, file, offset, writeLock }, { signal: ctx.signal });
  };
  try {
    await orderedStream(
      jobs,
      produce,
      (job) => jobCost(job),
      async (result, job, index) => {
        if (typeof result === 'number') {
          await writer.skip(job.entry.name);
          written += result;
        } else {
          await writer.write(job.entry.name, result);
          buffers.give(result);
          written += result.byteLength;
        }
        if (isVerbatimCopy(job)) copied++;
        else patched++;
        ctx.onProgress?.({ fraction: total === 0 ? 1 : written / total, message: `tensor ${index + 1}/${jobs.length}` });
        if (opts.debugDelayMs) await new Promise((r) => setTimeout(r, opts.debugDelayMs));
      },
      { maxItems: MAX_ITEMS_IN_FLIGHT, maxBytes: opts.windowBytes ?? 256 * 1024 * 1024, signal: ctx.signal },
    );
    throwIfAborted(ctx.signal);
    if (deferredRecipe) await writer.setReservedMetadata(RECIPE_KEY, JSON.stringify(await deferredRecipe));
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { files: [...writer.outputFiles], tensors: jobs.length, patched, copied, bytes: written, seconds: (performance.now() - started) / 1000 };
}
