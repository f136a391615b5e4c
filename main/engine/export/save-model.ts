/**
 * Save Model: stream a ModelValue into a safetensors file (or shards). The header is written first (every
 * output shape is known from the plan); then, in storage order, the workers copy runs of untouched tensors
 * straight from the base into their place (save-units.ts) and compute patched ones (read base → fp32 →
 * patches → one rounding) and write them at their place, with reads, compute and writes overlapping and
 * written bytes sent on to the disk while the bake runs (WritebackPacer). This thread only records tensors
 * as written, in order, except for a base being hashed: it reads that one itself, in file order. Peak memory
 * is bounded by the in-flight window, not by the model size.
 */
import type { WorkerPool } from '../compute/worker-pool.js';
import { throwIfAborted } from '../errors.js';
import type { RunContext } from '../run-context.js';
import { tensorByteLength, type WritableFloatDType } from '../tensor-io/dtypes.js';
import type { Fp8Overflow } from '../tensor-io/float-convert.js';
import { APP_VERSION } from '../../../shared/app-info.js';
import { buildOutputMetadata, RECIPE_KEY, TOOL_VERSION_KEY, type ModelSpecInput } from '../tensor-io/metadata.js';
import { readTensorBytes, readTensorRange } from '../tensor-io/positional-read.js';
import { createWriteLock } from '../tensor-io/positional-write.js';
import { createSafetensorsWriter } from '../tensor-io/safetensors-writer.js';
import { createShardedWriter } from '../tensor-io/sharded-writer.js';
import type { StreamedFileHashes } from '../tensor-io/streamed-hashes.js';
import { WritebackPacer } from '../tensor-io/writeback.js';
import type { TensorWriter } from '../tensor-io/tensor-writer.js';
import { isVerbatimCopy, type TensorJob } from '../ops/apply/patch-spec.js';
import { planBake } from '../ops/apply/plan-bake.js';
import { takesLowRankKernel } from '../ops/apply/kernels/low-rank-job.js';
import type { ModelValue } from '../values/model-value.js';
import { BufferPool } from './buffer-pool.js';
import { orderedStream } from './ordered-stream.js';
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
  /**
   * Base files whose hashes are computed from the bytes this save reads (StreamedFileHashes.start before the
   * save): their tensors are read on this thread, hashed in file order and handed to the workers, so a cold
   * hash cache costs no second pass over the base. Each is finished (result resolved, cache filled) before
   * the recipe is awaited.
   */
  streamedHashes?: readonly StreamedFileHashes[];
  /** Bytes of tensor data allowed in flight between read and write (default 256 MiB). */
  windowBytes?: number;
  /** Untouched tensors above this size are copied in chunks of it, where this thread reads them (default 16 MiB). */
  copyChunkBytes?: number;
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
 * Memory a job holds while in flight: the bytes read (two chunks for a big copy; the base of a computed
 * tensor when this thread reads it for hashing); nothing more for the fused kernel (it streams the tensor
 * through a fixed buffer into the file); for other computed tensors the fp32 weight, one fp32 delta and the
 * output, while the worker computes them.
 */
function jobCost(job: TensorJob, readHere: boolean, copyChunk: number): number {
  if (isVerbatimCopy(job)) return Math.min(job.entry.byteLength, 2 * copyChunk);
  const read = readHere ? job.entry.byteLength : 0;
  if (takesLowRankKernel(job)) return read;
  return read + 2 * tensorByteLength(job.entry.shape, 'F32') + tensorByteLength(job.entry.shape, job.outDtype);
}

/** What produce gives the in-order consumer: bytes to write, a tensor a worker wrote in place (with the base bytes read here, if any), a big copy to stream, or a range a worker copied. */
type Produced = { type: 'bytes'; bytes: Uint8Array } | { type: 'placed'; baseBytes?: Uint8Array } | { type: 'chunked' } | { type: 'ranged' };

/** Untouched tensors above this size are copied in chunks of it, reading the next while one is written (a 1 GB embedding never sits in memory whole). */
const COPY_CHUNK_BYTES = 16 * 1024 * 1024;

/** Runs of untouched tensors are copied by the workers in pieces of at most this size. */
const COPY_RANGE_BYTES = 32 * 1024 * 1024;

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
  const buffers = new BufferPool(FREE_BUFFER_BYTES);
  const writeLock = createWriteLock();
  const writeback = new WritebackPacer(opts.writebackStepBytes);
  const copyChunk = opts.copyChunkBytes ?? COPY_CHUNK_BYTES;
  const hashes = new Map((opts.streamedHashes ?? []).map((h) => [h.file, h]));
  const hashed = (job: TensorJob): StreamedFileHashes | undefined => hashes.get(job.entry.file);
  // Untouched tensors are copied by the workers, runs of them at a time, straight from the base into their
  // place in the output; computed ones are written by the worker that computes them. Only recorded here, in
  // order. A base file being hashed is read here instead (hashed in file order): its untouched tensors are
  // written from here (big ones in chunks), and its computed ones' bytes go to the worker (transferred there
  // and back).
  const units = planSaveUnits(jobs, (name) => writer.placement(name), (job) => hashed(job) !== undefined, opts.copyRangeBytes ?? COPY_RANGE_BYTES);
  const produce = async (unit: SaveUnit): Promise<Produced> => {
    if (unit.type === 'range') {
      await opts.pool.run('save.copyRange', { ...unit.range, writeLock }, { signal: ctx.signal });
      return { type: 'ranged' };
    }
    const { job } = unit;
    if (isVerbatimCopy(job)) {
      if (job.entry.byteLength > copyChunk) return { type: 'chunked' };
      return { type: 'bytes', bytes: await readTensorBytes(job.entry, buffers.take(job.entry.byteLength)) };
    }
    const baseBytes = hashed(job) ? await readTensorBytes(job.entry, buffers.take(job.entry.byteLength)) : undefined;
    const { file, offset } = writer.placement(job.entry.name);
    const payload = { job: baseBytes ? { ...job, baseBytes } : job, file, offset, writeLock };
    const back = await opts.pool.run('bake.tensorToFile', payload, { signal: ctx.signal, transfer: baseBytes ? [baseBytes.buffer as ArrayBuffer] : [] });
    return { type: 'placed', baseBytes: back.baseBytes };
  };
  const copyInChunks = async (job: TensorJob): Promise<void> => {
    const { entry } = job;
    const read = (offset: number): Promise<Uint8Array> => readTensorRange(entry, offset, buffers.take(Math.min(copyChunk, entry.byteLength - offset)));
    let next: Promise<Uint8Array> | undefined = read(0);
    for (let offset = 0; next; ) {
      const chunk: Uint8Array = await next;
      const end = offset + chunk.byteLength;
      next = end < entry.byteLength ? read(end) : undefined;
      next?.catch(() => undefined);
      // The write goes to the disk (libuv's threads) while this thread hashes the chunk.
      const writing = writer.writeChunk(entry.name, chunk);
      writing.catch(() => undefined);
      await hashed(job)?.update(entry.dataOffset + offset, chunk);
      await writing;
      buffers.give(chunk);
      offset = end;
    }
  };
  let done = 0;
  const finished = async (job: TensorJob): Promise<void> => {
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
      (unit) => (unit.type === 'range' ? 0 : jobCost(unit.job, hashes.has(unit.job.entry.file), copyChunk)),
      async (result, unit) => {
        if (unit.type === 'range') {
          for (const job of unit.completes) {
            await writer.skip(job.entry.name);
            await finished(job);
          }
          return;
        }
        const { job } = unit;
        if (result.type === 'chunked') await copyInChunks(job);
        else if (result.type !== 'ranged') {
          const writing = result.type === 'placed' ? writer.skip(job.entry.name) : writer.write(job.entry.name, result.bytes);
          writing.catch(() => undefined);
          const input = result.type === 'bytes' ? result.bytes : result.baseBytes;
          if (input) await hashed(job)?.update(job.entry.dataOffset, input);
          await writing;
          if (input) buffers.give(input);
        }
        await finished(job);
      },
      { maxItems: MAX_ITEMS_IN_FLIGHT, maxBytes: opts.windowBytes ?? 256 * 1024 * 1024, signal: ctx.signal },
    );
    throwIfAborted(ctx.signal);
    for (const h of hashes.values()) await h.finish();
    if (deferredRecipe) await writer.setReservedMetadata(RECIPE_KEY, JSON.stringify(await deferredRecipe));
    await writeback.close();
    await writer.commit();
  } catch (err) {
    for (const h of hashes.values()) h.fail(err);
    await writeback.close();
    await writer.abort();
    throw err;
  }
  return { files: [...writer.outputFiles], tensors: jobs.length, patched, copied, bytes: written, seconds: (performance.now() - started) / 1000 };
}
