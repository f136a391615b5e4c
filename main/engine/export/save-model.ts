/**
 * Save Model: stream a ModelValue into a safetensors file (or shards). The header is written first (every
 * output shape is known from the plan); then, in storage order, the workers copy runs of untouched tensors
 * straight from the base into their place (save-units.ts) and compute patched ones (read base → fp32 →
 * patches → one rounding) and write them at their place, with reads, compute and writes overlapping and
 * written bytes sent on to the disk while the bake runs (WritebackPacer). This thread only records tensors
 * as written, in order. Peak memory is bounded by the in-flight window, not by the model size.
 */
import type { WorkerPool } from '../compute/worker-pool.js';
import { throwIfAborted } from '../errors.js';
import type { RunContext } from '../run-context.js';
import { dtypeBytes, elementCount, tensorByteLength, type WritableFloatDType } from '../tensor-io/dtypes.js';
import type { Fp8Overflow } from '../tensor-io/float-convert.js';
import { APP_VERSION } from '../../../shared/app-info.js';
import { buildOutputMetadata, RECIPE_KEY, TOOL_VERSION_KEY, type ModelSpecInput } from '../tensor-io/metadata.js';
import { createWriteLock } from '../tensor-io/positional-write.js';
import { createSafetensorsWriter } from '../tensor-io/safetensors-writer.js';
import { createShardedWriter } from '../tensor-io/sharded-writer.js';
import { WritebackPacer } from '../tensor-io/writeback.js';
import type { TensorWriter } from '../tensor-io/tensor-writer.js';
import { isVerbatimCopy, type TensorJob } from '../ops/apply/patch-spec.js';
import { planBake } from '../ops/apply/plan-bake.js';
import { takesLowRankKernel } from '../ops/apply/kernels/low-rank-job.js';
import type { ModelValue } from '../values/model-value.js';
import { DEFAULT_WINDOW_BYTES, orderedStream } from './ordered-stream.js';
import { planSaveUnits, type SaveUnit } from './save-units.js';

export interface SaveModelOptions {
  out: string;
  dtype: WritableFloatDType | 'same';
  fp8Overflow?: Fp8Overflow;
  /** Write F16/BF16 overflow as ±Inf instead of refusing it. */
  allowOverflow?: boolean;
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
  /** Runs of untouched tensors are copied by the workers in ranges of at most this size (default 32 MiB). */
  copyRangeBytes?: number;
  /** Bytes written between two early-writeback requests (default LORA_STUDIO_WRITEBACK_STEP_MB, else 64 MiB; 0: none, all at commit's fsync). */
  writebackStepBytes?: number;
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
 * Memory a unit holds while in flight: nothing here for a range (the worker copies it through its own small
 * buffer) or for the fused kernel (it streams the tensor through a fixed buffer into the file); for other
 * computed tensors the fp32 weight, one fp32 delta and the output, while the worker computes them.
 */
function unitCost(unit: SaveUnit): number {
  if (unit.type === 'range' || takesLowRankKernel(unit.job)) return 0;
  const { entry, outDtype } = unit.job;
  return elementCount(entry.shape) * windowBytesPerElement(dtypeBytes(outDtype));
}

/** What a computed tensor off the fused kernel counts against the window, per element (the memory estimate uses it too). */
export function windowBytesPerElement(outBytesPerElement: number): number {
  return 2 * dtypeBytes('F32') + outBytesPerElement;
}

/** Runs of untouched tensors are copied by the workers in pieces of at most this size. */
const COPY_RANGE_BYTES = 32 * 1024 * 1024;

/**
 * Units in flight at most (the bytes bound is what limits memory). Checkpoints interleave big patched
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
  const jobs = planBake(model, { dtype: opts.dtype, fp8Overflow: opts.fp8Overflow, ...(opts.allowOverflow ? { allowOverflow: true } : {}) });
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
  const writeLock = createWriteLock();
  const writeback = new WritebackPacer(opts.writebackStepBytes);
  // The workers copy runs of untouched tensors straight from the base into their place in the output, and
  // write each computed tensor at its place; this thread only records tensors as written, in order.
  const units = planSaveUnits(jobs, (name) => writer.placement(name), opts.copyRangeBytes ?? COPY_RANGE_BYTES);
  const produce = async (unit: SaveUnit): Promise<void> => {
    if (unit.type === 'range') {
      await opts.pool.run('save.copyRange', { ...unit.range, writeLock }, { signal: ctx.signal });
      return;
    }
    const { file, offset } = writer.placement(unit.job.entry.name);
    await opts.pool.run('bake.tensorToFile', { job: unit.job, file, offset, writeLock }, { signal: ctx.signal });
  };
  let done = 0;
  const finished = async (job: TensorJob): Promise<void> => {
    await writer.skip(job.entry.name);
    const bytes = tensorByteLength(job.entry.shape, job.outDtype);
    writeback.wrote(writer.placement(job.entry.name).file, bytes);
    written += bytes;
    if (isVerbatimCopy(job)) copied++;
    else patched++;
    done++;
    ctx.onProgress?.({ fraction: total === 0 ? 1 : written / total, message: `tensor ${done}/${jobs.length}` });
    if (opts.debugDelayMs) await new Promise((r) => setTimeout(r, opts.debugDelayMs));
  };
  try {
    await orderedStream(
      units,
      produce,
      unitCost,
      async (_, unit) => {
        for (const job of unit.type === 'range' ? unit.completes : [unit.job]) await finished(job);
      },
      { maxItems: MAX_ITEMS_IN_FLIGHT, maxBytes: opts.windowBytes ?? DEFAULT_WINDOW_BYTES, signal: ctx.signal },
    );
    throwIfAborted(ctx.signal);
    if (deferredRecipe) await writer.setReservedMetadata(RECIPE_KEY, JSON.stringify(await deferredRecipe));
    await writeback.close();
    await writer.commit();
  } catch (err) {
    await writeback.close();
    await writer.abort();
    throw err;
  }
  return { files: [...writer.outputFiles], tensors: jobs.length, patched, copied, bytes: written, seconds: (performance.now() - started) / 1000 };
}
