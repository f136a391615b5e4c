/**
 * Save LoRA: stream a LoraValue into a kohya file or a PEFT directory, a module at a time (memory O(largest
 * module)). Each module's source (a file module, a concatenation, a compression, an extraction …) is evaluated
 * to factors by the worker pool and written in module order (lora-format/write-lora-file.ts: header first when
 * every rank is planned, through a spill file when dynamic rank rules decide ranks while computing).
 *
 * kohya: `<name>.lora_down.weight` [r, in(, kh, kw)], `<name>.lora_up.weight` [out, r(, 1, 1)], `<name>.alpha`,
 * kohya module names (naming kohyaModuleName), minimal `ss_*` metadata, `sshs_*` hashes of this file,
 * modelspec and our recipe. PEFT: `<dir>/adapter_model.safetensors` (`<path>.lora_A.weight` / `.lora_B.weight`,
 * embeddings `lora_embedding_A` / `lora_embedding_B`, modules_to_save tensors) and `adapter_config.json`.
 * alpha/r is each module's own scale (so a file module at strength 1 keeps its alpha and its factors bit for
 * bit at its dtype, and a resized one keeps alpha/r as kohya's resize_lora.py does); strengths (Scale LoRA,
 * block weights) are folded into `down`.
 */
import path from 'node:path';
import { APP_VERSION } from '../../../shared/app-info.js';
import type { WorkerPool } from '../compute/worker-pool.js';
import type { CompressionStats } from '../module-source/scaled-factors.js';
import type { RunContext } from '../run-context.js';
import { buildOutputMetadata, TOOL_VERSION_KEY, type ModelSpecInput } from '../tensor-io/metadata.js';
import type { LoraValue } from '../values/lora-value.js';
import { kohyaMetadata } from './lora-format/kohya-metadata.js';
import { writeDirectoryAtomically, writeTextFile } from './lora-format/atomic-directory.js';
import { inputsFloatDtype, type LoraDtype } from './lora-format/output-dtype.js';
import { peftConfigPath, planOutputModules, type LoraFormat, type PlannedModule } from './lora-format/output-modules.js';
import { peftAdapterConfig } from './lora-format/peft-config.js';
import { writeLoraFile, type LoraFileOptions, type LoraFileResult, type WrittenModule } from './lora-format/write-lora-file.js';
import { modelspecFor } from './modelspec.js';

export type { LoraFormat } from './lora-format/output-modules.js';
export type { LoraDtype } from './lora-format/output-dtype.js';

export interface SaveLoraOptions {
  /** kohya: the .safetensors file; PEFT: the directory to create (or replace, if it holds only an adapter). */
  readonly out: string;
  readonly format: LoraFormat;
  /** 'same': the inputs' float dtype (fp16 when they are mixed). */
  readonly dtype: LoraDtype | 'same';
  readonly pool: WorkerPool;
  /** Our recipe, stored as JSON in the metadata; a promise fills a reserved slot before commit. */
  readonly recipe?: unknown;
  readonly recipeWidth?: number;
  /** ModelSpec fields; default: from the LoRA's architecture, titled after the output. */
  readonly modelspec?: ModelSpecInput;
  readonly windowBytes?: number;
  readonly debugDelayMs?: number;
}

export interface SavedLoraModule {
  /** The name in the output (kohya or PEFT spelling). */
  readonly name: string;
  /** The module of the LoraValue it came from. */
  readonly source: string;
  readonly canonical?: string;
  readonly block?: string;
  /** Factor modules: the rank written and alpha = rank · the scale the file shows (PEFT with rsLoRA stores √r · scale in its config). */
  readonly rank?: number;
  readonly alpha?: number;
  /** For compressed modules (resize, extract, combine svd): what the SVD kept. */
  readonly compression?: CompressionStats;
  /** modules_to_save: copied tensors. */
  readonly replaced?: boolean;
}

export interface SaveLoraResult {
  readonly format: LoraFormat;
  readonly out: string;
  /** Files written (PEFT: the weights and the config inside the directory). */
  readonly files: readonly string[];
  readonly dtype: LoraDtype;
  readonly modules: readonly SavedLoraModule[];
  readonly tensors: number;
  readonly bytes: number;
  /** Whether computed tensors went through a spill file (ranks decided while computing). */
  readonly spilled: boolean;
  /** kohya: the sshs_model_hash / sshs_legacy_hash stored in the file. */
  readonly hashes?: LoraFileResult['hashes'];
  readonly seconds: number;
}

function savedModule(w: WrittenModule): SavedLoraModule {
  const m = w.planned.module;
  return {
    name: w.planned.outName,
    source: m.name,
    ...(m.canonical !== undefined ? { canonical: m.canonical } : {}),
    ...(m.block !== undefined ? { block: m.block } : {}),
    ...(w.rank !== undefined ? { rank: w.rank, alpha: w.alpha } : {}),
    ...(w.compression ? { compression: w.compression } : {}),
    ...(w.planned.type === 'replace' ? { replaced: true } : {}),
  };
}

function isConv3x3(p: PlannedModule): boolean {
  return p.type === 'factors' && p.deltaShape.length === 4 && p.deltaShape.slice(2).some((k) => k > 1);
}

function baseMetadata(lora: LoraValue, opts: SaveLoraOptions, deferred: boolean, extra: Record<string, string>): Record<string, string> {
  const title = path.basename(opts.out).replace(/\.safetensors$/, '');
  const modelspec = opts.modelspec ?? modelspecFor(lora.architecture, title, true);
  return buildOutputMetadata(
    {
      modelspec,
      recipe: deferred ? undefined : opts.recipe,
      extra: deferred ? { ...extra, [TOOL_VERSION_KEY]: APP_VERSION } : extra,
    },
    opts.out,
  );
}

export async function saveLora(lora: LoraValue, opts: SaveLoraOptions, ctx: RunContext = {}): Promise<SaveLoraResult> {
  const started = performance.now();
  const planned = planOutputModules(lora, opts.format);
  const dtype = opts.dtype === 'same' ? await inputsFloatDtype(lora.inputs) : opts.dtype;
  const deferred = opts.recipe instanceof Promise ? (opts.recipe as Promise<unknown>) : undefined;
  deferred?.catch(() => undefined);
  const common = {
    dtype,
    pool: opts.pool,
    inputs: lora.inputs,
    ...(deferred ? { deferredRecipe: deferred } : {}),
    ...(opts.recipeWidth !== undefined ? { recipeWidth: opts.recipeWidth } : {}),
    ...(opts.windowBytes !== undefined ? { windowBytes: opts.windowBytes } : {}),
    ...(opts.debugDelayMs !== undefined ? { debugDelayMs: opts.debugDelayMs } : {}),
  };
  const finishResult = (r: LoraFileResult, files: readonly string[]): SaveLoraResult => ({
    format: opts.format,
    out: opts.out,
    files,
    dtype,
    modules: r.modules.map(savedModule),
    tensors: r.tensors,
    bytes: r.bytes,
    spilled: r.spilled,
    ...(r.hashes ? { hashes: r.hashes } : {}),
    seconds: (performance.now() - started) / 1000,
  });

  if (opts.format === 'kohya') {
    const fileOpts: LoraFileOptions = {
      ...common,
      out: opts.out,
      kohyaHashes: true,
      metadata: (written) =>
        baseMetadata(
          lora,
          opts,
          deferred !== undefined,
          kohyaMetadata(
            lora.architecture.family,
            written.flatMap((w) => (w.rank !== undefined ? [{ rank: w.rank, alpha: w.alpha!, conv3x3: isConv3x3(w.planned) }] : [])),
          ),
        ),
    };
    return finishResult(await writeLoraFile(planned, fileOpts, ctx), [opts.out]);
  }

  return writeDirectoryAtomically(opts.out, lora.inputs, async (dir) => {
    const weights = path.join(dir, 'adapter_model.safetensors');
    const r = await writeLoraFile(planned, { ...common, out: weights, kohyaHashes: false, metadata: () => baseMetadata(lora, opts, deferred !== undefined, { format: 'pt' }) }, ctx);
    const config = peftAdapterConfig(
      r.modules.flatMap((w) => (w.planned.type === 'factors' && w.rank !== undefined ? [{ path: peftConfigPath(w.planned.outName), rank: w.rank, scale: w.alpha! / w.rank }] : [])),
      r.modules.filter((w) => w.planned.type === 'replace').map((w) => peftConfigPath(w.planned.outName)),
      lora.architecture.family,
      lora.peftConfig,
    );
    await writeTextFile(path.join(dir, 'adapter_config.json'), `${JSON.stringify(config, null, 2)}\n`);
    return finishResult(r, [path.join(opts.out, 'adapter_model.safetensors'), path.join(opts.out, 'adapter_config.json')]);
  });
}
