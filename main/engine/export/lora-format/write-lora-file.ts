/**
 * Streams planned LoRA modules into one safetensors file, a module at a time: each module's source is
 * evaluated to factors by the worker pool ('combine.module': file modules, concat, compress, extract …),
 * shaped and rounded here, and written in module order, with evaluation running ahead within a window.
 *
 * When every module's rank is planned, the header goes first and tensors stream straight into the output.
 * When some rank is only known after computing (a dynamic rank rule), computed tensors are appended to a
 * spill file beside the output, and the output is written (header, then the spilled bytes in order) once
 * everything is computed: memory stays one module either way, at the cost of writing the data twice.
 *
 * kohya hashes: sshs_model_hash is the sha256 of this file's data section (hashed while writing) and
 * sshs_legacy_hash the sha256 of its 64 KiB at 1 MiB; both slots are reserved in the header and filled last.
 */
import type { WorkerPool } from '../../compute/worker-pool.js';
import { EngineError, throwIfAborted } from '../../errors.js';
import type { RunContext } from '../../run-context.js';
import { isFloatDType } from '../../tensor-io/dtypes.js';
import { castTensorBytes } from '../../tensor-io/float-convert.js';
import type { PlannedTensor } from '../../tensor-io/header-builder.js';
import { RECIPE_KEY } from '../../tensor-io/metadata.js';
import { openCheckpoint } from '../../tensor-io/open-checkpoint.js';
import { createSafetensorsWriter, type SafetensorsWriter } from '../../tensor-io/safetensors-writer.js';
import { DEFAULT_WINDOW_BYTES, orderedStream } from '../ordered-stream.js';
import { alphaDtype, factorShapes, moduleTensors, type ModuleTensors, type OutputTensor } from './module-tensors.js';
import type { LoraDtype } from './output-dtype.js';
import type { PlannedModule, PlannedReplaceModule } from './output-modules.js';
import { SpillFile } from './spill-file.js';
import type { CompressionStats } from '../../module-source/scaled-factors.js';

export interface WrittenModule {
  readonly planned: PlannedModule;
  /** Factor modules: the rank and alpha written. */
  readonly rank?: number;
  readonly alpha?: number;
  readonly compression?: CompressionStats;
}

export interface LoraFileOptions {
  readonly out: string;
  readonly dtype: LoraDtype;
  readonly pool: WorkerPool;
  /** Files the output must not overwrite. */
  readonly inputs: readonly string[];
  /** The header's metadata, once every module's rank and alpha are known. */
  readonly metadata: (written: readonly WrittenModule[]) => Record<string, string>;
  /** A recipe still being computed (input hashes): its JSON fills a reserved slot before commit. */
  readonly deferredRecipe?: Promise<unknown>;
  readonly recipeWidth?: number;
  /** Reserve and fill sshs_model_hash / sshs_legacy_hash (kohya format). */
  readonly kohyaHashes: boolean;
  /** Bytes of computed modules allowed in flight (default 256 MiB). */
  readonly windowBytes?: number;
  /** Pause after each module (ms): slow motion for testing progress and Stop; never set in normal use. */
  readonly debugDelayMs?: number;
}

export interface LoraFileResult {
  readonly modules: readonly WrittenModule[];
  readonly tensors: number;
  readonly bytes: number;
  readonly spilled: boolean;
  readonly hashes?: { readonly sshsModelHash: string; readonly sshsLegacyHash: string };
}

interface Produced {
  readonly tensors: readonly OutputTensor[];
  readonly written: WrittenModule;
}

export async function writeLoraFile(planned: readonly PlannedModule[], opts: LoraFileOptions, ctx: RunContext = {}): Promise<LoraFileResult> {
  const known = planned.every((p) => p.type === 'replace' || p.rank !== undefined);
  return known ? await writeHeaderFirst(planned, opts, ctx) : await writeThroughSpill(planned, opts, ctx);
}

async function produce(p: PlannedModule, opts: LoraFileOptions, signal: AbortSignal | undefined): Promise<Produced> {
  if (p.type === 'replace') return { tensors: await replaceTensors(p, opts.dtype), written: { planned: p } };
  const evaluated = await opts.pool.run('combine.module', { source: p.module.source, module: p.module.name }, { signal });
  const t: ModuleTensors = moduleTensors(p, evaluated, opts.dtype);
  return { tensors: t.tensors, written: { planned: p, rank: t.rank, alpha: t.alpha, ...(t.compression ? { compression: t.compression } : {}) } };
}

async function replaceTensors(p: PlannedReplaceModule, dtype: LoraDtype): Promise<OutputTensor[]> {
  const file = await openCheckpoint(p.path);
  try {
    const out: OutputTensor[] = [];
    for (const t of p.tensors) {
      const entry = file.get(t.source);
      if (!entry) throw new SafetensorsMissing(p.path, t.source);
      const bytes = await file.readBytes(t.source);
      const float = isFloatDType(entry.dtype);
      out.push({ name: t.outName, dtype: float ? dtype : entry.dtype, shape: entry.shape, bytes: float && entry.dtype !== dtype ? castTensorBytes(bytes, entry.dtype, dtype) : bytes });
    }
    return out;
  } finally {
    await file.close();
  }
}

class SafetensorsMissing extends EngineError {
  constructor(file: string, tensor: string) {
    super('lora-source-changed', `${file}: tensor "${tensor}" (modules_to_save) is gone; was the file changed while running?`, { file, tensor });
  }
}

/** What a module costs in flight: its fp32 factors and their encoded copy. */
function cost(p: PlannedModule): number {
  if (p.type === 'replace') return 1 << 20;
  const rank = p.rank ?? Math.min(p.out, p.inFlat, 256);
  return (p.out + p.inFlat) * rank * 8;
}

function plannedTensors(planned: readonly PlannedModule[], dtype: LoraDtype, replaceShapes: Map<string, PlannedTensor[]>): PlannedTensor[] {
  const plan: PlannedTensor[] = [];
  for (const p of planned) {
    if (p.type === 'replace') {
      plan.push(...replaceShapes.get(p.outName)!);
      continue;
    }
    const rank = p.rank!;
    const shapes = factorShapes(p, rank);
    plan.push({ name: p.names.down, dtype, shape: shapes.down }, { name: p.names.up, dtype, shape: shapes.up });
    if (p.names.alpha !== undefined) plan.push({ name: p.names.alpha, dtype: alphaDtype(rank * p.displayScale, dtype), shape: [] });
  }
  return plan;
}

/** Shapes and dtypes of modules_to_save tensors, read from their files' headers. */
async function replacePlans(planned: readonly PlannedModule[], dtype: LoraDtype): Promise<Map<string, PlannedTensor[]>> {
  const plans = new Map<string, PlannedTensor[]>();
  for (const p of planned) {
    if (p.type !== 'replace') continue;
    const file = await openCheckpoint(p.path);
    try {
      plans.set(
        p.outName,
        p.tensors.map((t) => {
          const e = file.get(t.source);
          if (!e) throw new SafetensorsMissing(p.path, t.source);
          return { name: t.outName, dtype: isFloatDType(e.dtype) ? dtype : e.dtype, shape: e.shape };
        }),
      );
    } finally {
      await file.close();
    }
  }
  return plans;
}

function knownWritten(planned: readonly PlannedModule[]): WrittenModule[] {
  return planned.map((p) => (p.type === 'replace' ? { planned: p } : { planned: p, rank: p.rank!, alpha: p.rank! * p.displayScale }));
}

async function openWriter(plan: readonly PlannedTensor[], metadata: Record<string, string>, opts: LoraFileOptions, signal: AbortSignal | undefined): Promise<SafetensorsWriter> {
  const reserve: Record<string, number> = {};
  if (opts.deferredRecipe) reserve[RECIPE_KEY] = opts.recipeWidth ?? 64 * 1024;
  if (opts.kohyaHashes) {
    reserve.sshs_model_hash = 64;
    reserve.sshs_legacy_hash = 8;
  }
  return createSafetensorsWriter(opts.out, plan, metadata, { inputs: opts.inputs, reserve, hashData: opts.kohyaHashes, signal });
}

async function finish(writer: SafetensorsWriter, opts: LoraFileOptions, signal: AbortSignal | undefined): Promise<LoraFileResult['hashes']> {
  throwIfAborted(signal);
  if (opts.deferredRecipe) await writer.setReservedMetadata(RECIPE_KEY, JSON.stringify(await opts.deferredRecipe));
  let hashes: LoraFileResult['hashes'];
  if (opts.kohyaHashes) {
    const sshsModelHash = writer.dataSha256();
    await writer.setReservedMetadata('sshs_model_hash', sshsModelHash);
    const sshsLegacyHash = await writer.legacyHash();
    await writer.setReservedMetadata('sshs_legacy_hash', sshsLegacyHash);
    hashes = { sshsModelHash, sshsLegacyHash };
  }
  await writer.commit();
  return hashes;
}

/** Modules in flight between the workers and the writer at most, for a pool of `workers`. */
export const modulesInFlight = (workers: number): number => Math.max(4, workers * 2 + 2);

function streamOptions(opts: LoraFileOptions, signal: AbortSignal | undefined): { maxItems: number; maxBytes: number; signal?: AbortSignal } {
  return { maxItems: modulesInFlight(opts.pool.size), maxBytes: opts.windowBytes ?? DEFAULT_WINDOW_BYTES, ...(signal ? { signal } : {}) };
}

async function writeHeaderFirst(planned: readonly PlannedModule[], opts: LoraFileOptions, ctx: RunContext): Promise<LoraFileResult> {
  const signal = ctx.signal;
  const plan = plannedTensors(planned, opts.dtype, await replacePlans(planned, opts.dtype));
  const writer = await openWriter(plan, opts.metadata(knownWritten(planned)), opts, signal);
  const written: WrittenModule[] = [];
  let bytes = 0;
  try {
    await orderedStream(
      planned,
      (p) => produce(p, opts, signal),
      cost,
      async (r, _p, i) => {
        for (const t of r.tensors) {
          await writer.write(t.name, t.bytes);
          bytes += t.bytes.byteLength;
        }
        written.push(r.written);
        ctx.onProgress?.({ fraction: (i + 1) / planned.length, message: `module ${i + 1}/${planned.length}` });
        if (opts.debugDelayMs) await new Promise((res) => setTimeout(res, opts.debugDelayMs));
      },
      streamOptions(opts, signal),
    );
    const hashes = await finish(writer, opts, signal);
    return { modules: written, tensors: plan.length, bytes, spilled: false, ...(hashes ? { hashes } : {}) };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

async function writeThroughSpill(planned: readonly PlannedModule[], opts: LoraFileOptions, ctx: RunContext): Promise<LoraFileResult> {
  const signal = ctx.signal;
  const spill = await SpillFile.create(opts.out);
  let writer: SafetensorsWriter | undefined;
  try {
    const written: WrittenModule[] = [];
    // Computing is most of the work: it takes the first 90 % of the progress, copying the rest.
    await orderedStream(
      planned,
      (p) => produce(p, opts, signal),
      cost,
      async (r, _p, i) => {
        for (const t of r.tensors) await spill.append(t);
        written.push(r.written);
        ctx.onProgress?.({ fraction: (0.9 * (i + 1)) / planned.length, message: `module ${i + 1}/${planned.length}` });
        if (opts.debugDelayMs) await new Promise((res) => setTimeout(res, opts.debugDelayMs));
      },
      streamOptions(opts, signal),
    );
    const plan = spill.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
    writer = await openWriter(plan, opts.metadata(written), opts, signal);
    let bytes = 0;
    for (const [i, t] of spill.tensors.entries()) {
      throwIfAborted(signal);
      const data = await spill.read(t);
      await writer.write(t.name, data);
      bytes += data.byteLength;
      ctx.onProgress?.({ fraction: 0.9 + (0.1 * (i + 1)) / spill.tensors.length, message: `writing ${i + 1}/${spill.tensors.length}` });
    }
    const hashes = await finish(writer, opts, signal);
    return { modules: written, tensors: plan.length, bytes, spilled: true, ...(hashes ? { hashes } : {}) };
  } catch (err) {
    await writer?.abort();
    throw err;
  } finally {
    await spill.remove();
  }
}

