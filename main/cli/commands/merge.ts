/**
 * `lora-studio merge`: bake LoRAs into a base checkpoint by streaming, in order, with strengths; optionally a
 * task-vector merge (TIES, DARE, ...) of the LoRAs' deltas instead of their plain sum.
 */
import type { Command } from 'commander';
import { CancelledError } from '../../engine/errors.js';
import { hashInput, recipe, startStreamedHashes } from '../../engine/export/recipe.js';
import { modelspecFor } from '../../engine/export/modelspec.js';
import { saveModel } from '../../engine/export/save-model.js';
import { prepareApply } from '../../engine/ops/apply/apply-lora.js';
import { loadLora, modelFromBase, openBaseModel } from '../../engine/ops/load.js';
import { validateMergeOptions } from '../../engine/ops/merge-methods/options.js';
import { parseByteSize } from '../../engine/tensor-io/byte-size.js';
import type { AppliedLora, ModelStep, ModelValue } from '../../engine/values/model-value.js';
import { abortOnSignals } from '../abort.js';
import { addBlockWeightOptions, blockWeightSpecs, describeBlockWeightSpec, readLbwPresets, weightAppliedLora, type BlockWeightFlags } from '../block-weights-option.js';
import { parseDtypeOption, DTYPE_CHOICES } from '../dtype-option.js';
import { withPool } from '../engine-session.js';
import { UsageError } from '../errors.js';
import { collect, parseLoraSpec, parseNumberOption } from '../lora-spec.js';
import { formatMappingReport } from '../mapping-report.js';
import { createProgressBar } from '../progress.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

interface MergeFlags extends BlockWeightFlags {
  base: string;
  lora: string[];
  out: string;
  dtype: string;
  allowUnmatched?: boolean;
  acceptArchitectureMismatch?: boolean;
  maxShardSize?: string;
  method: string;
  density?: string;
  seed?: string;
  majority?: string;
  workers?: string;
  hash: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerMerge(program: Command): void {
  const command = program
    .command('merge')
    .description('Bake LoRAs into a base checkpoint (W\' = W + Σ strength·scale·ΔW, streamed, rounded once).')
    .requiredOption('--base <checkpoint>', 'base model: .safetensors file, *.safetensors.index.json, or a directory with one')
    .option('--lora <file|dir[:strength]>', 'a LoRA file or PEFT directory, optionally with :strength (default 1); repeat for several, applied in order', collect, [])
    .requiredOption('--out <file>', 'output .safetensors file (with --max-shard-size: the name shards derive from)')
    .option('--dtype <dtype>', `output dtype of float tensors: ${DTYPE_CHOICES}`, 'same')
    .option('--allow-unmatched', 'apply the modules that match and report the others instead of failing')
    .option('--accept-architecture-mismatch', 'apply a LoRA made for another architecture where shapes happen to fit (rarely what you want)')
    .option('--max-shard-size <size>', 'split the output into shards of at most this size (e.g. 5GB) with an index')
    .option('--method <method>', 'sum (apply in order) | task_arithmetic | ties | dare_linear | dare_ties | magnitude_prune', 'sum')
    .option('--density <d>', 'fraction kept by ties / dare / magnitude_prune, in (0, 1]')
    .option('--seed <n>', 'random seed for dare_* (default 0)')
    .option('--majority <m>', 'ties sign election: total | frequency (default total)')
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .option('--no-hash', 'do not hash the inputs for the recipe stored in the output (the base is hashed from the bytes the bake reads)')
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress bar');
  addBlockWeightOptions(command).action(async (flags: MergeFlags) => runMerge(flags));
}

function parseStepOptions(flags: MergeFlags): ReturnType<typeof validateMergeOptions> | undefined {
  if (flags.method === 'sum') {
    for (const f of ['density', 'seed', 'majority'] as const) if (flags[f] !== undefined) throw new UsageError(`--${f} only applies to --method ties|dare_linear|dare_ties|magnitude_prune.`);
    return undefined;
  }
  try {
    return validateMergeOptions({
      method: flags.method,
      density: parseNumberOption('--density', flags.density),
      seed: parseNumberOption('--seed', flags.seed),
      majority: flags.majority,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** LORA_STUDIO_DEBUG_DELAY_MS slows exports down (tests of progress and Ctrl-C use it). */
export function debugDelayMs(): number | undefined {
  const v = Number(process.env.LORA_STUDIO_DEBUG_DELAY_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

async function runMerge(flags: MergeFlags): Promise<void> {
  if (flags.lora.length === 0) throw new UsageError('merge needs at least one --lora.');
  const dtype = parseDtypeOption(flags.dtype);
  const maxShardSize = flags.maxShardSize === undefined ? undefined : parseByteSize(flags.maxShardSize);
  const mergeOptions = parseStepOptions(flags);
  if (mergeOptions && flags.lora.length < 2) process.stderr.write(`note: --method ${flags.method} with a single LoRA.\n`);
  const specs = flags.lora.map((s) => parseLoraSpec(s));
  const blockWeights = blockWeightSpecs(flags, specs.length);
  const lbwPresets = readLbwPresets(flags.lbwPresets);
  const controller = abortOnSignals();
  const signal = controller.signal;

  const base = await openBaseModel(flags.base);
  try {
    process.stderr.write(`base: ${flags.base} (${base.keyMap.architecture.family}, ${base.keyMap.architecture.layout} layout, ${base.source.entries.length} tensors)\n`);
    const applied: AppliedLora[] = [];
    for (const [i, spec] of specs.entries()) {
      const lora = await loadLora(spec.path, signal);
      const a = prepareApply(base, lora, spec.strength, { allowUnmatched: flags.allowUnmatched, acceptArchitectureMismatch: flags.acceptArchitectureMismatch });
      process.stderr.write(`${formatMappingReport(lora, a.mapping)}\n`);
      applied.push(weightAppliedLora(a, blockWeights[i], base.keyMap.architecture.family, lbwPresets));
    }
    const steps: ModelStep[] = mergeOptions ? [{ type: 'merge', members: applied, options: mergeOptions }] : applied.map((a) => ({ type: 'apply', applied: a }));
    const model: ModelValue = { ...modelFromBase(base), steps };
    const params = { ...(mergeOptions ?? { method: flags.method }), dtype, strengths: specs.map((s) => s.strength) };
    // The base's hashes are computed from the bytes the bake reads anyway (a cold cache costs no second pass).
    const streamedHashes = flags.hash ? await startStreamedHashes(base.source.files) : [];
    const recipePromise = flags.hash
      ? Promise.all([
          hashInput('base', flags.base, base.source.files, {}, signal, streamedHashes),
          ...applied.map((a, i) => hashInput('lora', specs[i]!.path, a.lora.inputs, { strength: a.strength, ...describeBlockWeightSpec(blockWeights[i]) }, signal)),
        ]).then((inputs) => recipe('merge', inputs, params))
      : Promise.resolve(recipe('merge', [{ role: 'base', path: flags.base, files: [] }, ...specs.map((s, i) => ({ role: 'lora', path: s.path, files: [], strength: s.strength, ...describeBlockWeightSpec(blockWeights[i]) }))], params));

    await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
    const bar = createProgressBar('merge', process.stderr, flags.quiet);
    const result = await withPool(flags.workers, (pool) =>
      saveModel(
        model,
        {
          out: flags.out,
          dtype,
          maxShardSize,
          pool,
          recipe: recipePromise,
          streamedHashes,
          debugDelayMs: debugDelayMs(),
          modelspec: modelspecFor(base.keyMap.architecture, path.basename(flags.out).replace(/\.safetensors$/, ''), false),
        },
        { signal, onProgress: (p) => bar.update(p) },
      ),
      flags.quiet,
    );
    if (signal.aborted) throw new CancelledError();
    bar.done(`${result.patched} tensors patched, ${result.copied} copied`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result, mapping: applied.map((a) => ({ lora: a.lora.label, matched: a.mapping.matched.length, unmatched: a.mapping.unmatched })) }, null, 2)}\n`);
    else for (const f of result.files) process.stdout.write(`${f}\n`);
  } finally {
    await base.source.close();
  }
}
