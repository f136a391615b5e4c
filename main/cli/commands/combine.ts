/**
 * `lora-studio combine`: several LoRAs into one LoRA file (kohya) or PEFT directory, without a base model.
 * concat (default) is exact; svd compresses to --rank; ties / dare_* / magnitude_prune / task_arithmetic merge
 * task vectors (PEFT semantics) and compress; kohya / kohya_concat reproduce sd-scripts merge_lora.py.
 * Progress and the summary on stderr, the written paths (or --json) on stdout.
 */
import type { Command } from 'commander';
import { CancelledError, EngineError } from '../../engine/errors.js';
import { hashInput, recipe } from '../../engine/export/recipe.js';
import { saveLora, type SaveLoraResult } from '../../engine/export/save-lora.js';
import { COMBINE_METHODS, describeCombineOptions, planCombine, validateCombineOptions, type CombinePlan, type RawCombineOptions } from '../../engine/ops/combine/index.js';
import { MERGE_METHODS } from '../../engine/ops/merge-methods/types.js';
import { loadLora } from '../../engine/ops/load.js';
import type { LoraValue, RankRule } from '../../engine/values/lora-value.js';
import { abortOnSignals } from '../abort.js';
import { addBlockWeightOptions, blockWeightSpecs, describeBlockWeightSpec, readLbwPresets, weightLora, type BlockWeightFlags } from '../block-weights-option.js';
import { withPool } from '../engine-session.js';
import { UsageError } from '../errors.js';
import { collect, parseLoraSpec, parseNumberOption } from '../lora-spec.js';
import { parseLoraDtype, parseLoraFormat, parseRankRule, type RankFlags } from '../lora-output-options.js';
import { createProgressBar } from '../progress.js';
import { debugDelayMs } from './merge.js';

interface CombineFlags extends BlockWeightFlags, RankFlags {
  allowNonfinite?: boolean;
  lora: string[];
  out: string;
  format?: string;
  method: string;
  density?: string;
  seed?: string;
  majority?: string;
  clampQuantile?: string;
  dtype: string;
  workers?: string;
  hash: boolean;
  json?: boolean;
  quiet?: boolean;
}

const COMPRESSING: readonly string[] = ['svd', ...MERGE_METHODS];
const DENSITY: readonly string[] = ['ties', 'dare_linear', 'dare_ties', 'magnitude_prune'];
const SEEDED: readonly string[] = ['dare_linear', 'dare_ties'];
const MAJORITY: readonly string[] = ['ties', 'dare_ties'];

export function registerCombine(program: Command): void {
  const command = program
    .command('combine')
    .description('Combine LoRAs into one LoRA (exact rank concatenation by default; svd / task-vector merges compress to --rank).')
    .option('--lora <file|dir[:weight]>', 'a LoRA file or PEFT directory, optionally with :weight (default 1); repeat for each input', collect, [])
    .requiredOption('--out <file|dir>', 'output: a .safetensors file (kohya) or a directory (peft)')
    .option('--format <format>', 'kohya | peft (default: kohya for SD-family and Flux LoRAs, peft for transformers models)')
    .option('--method <method>', COMBINE_METHODS.join(' | '), 'concat')
    .option('--rank <k>', 'output rank for svd and the task-vector methods; with --dynamic, the largest rank allowed')
    .option('--dynamic <method>', 'svd / task-vector methods: choose each rank from the spectrum: sv_ratio | sv_fro | sv_cumulative (kohya resize_lora)')
    .option('--param <p>', 'sv_ratio: the largest σ_max/σ kept (≥ 1); sv_fro, sv_cumulative: the fraction kept (0, 1]')
    .option('--density <d>', 'fraction kept by ties / dare_* / magnitude_prune, in (0, 1]')
    .option('--seed <n>', 'random seed for dare_linear / dare_ties (default 0)')
    .option('--majority <m>', 'sign election of ties / dare_ties: total | frequency (default total)')
    .option('--clamp-quantile <q>', "clip the compressed factors at this quantile, as kohya's svd_merge_lora (e.g. 0.99)")
    .option('--dtype <dtype>', 'output dtype: same (the inputs\') | fp32 | fp16 | bf16', 'same')
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .option('--no-hash', 'do not hash the inputs for the recipe stored in the output')
    .option('--allow-nonfinite', 'accept LoRAs holding NaN / Inf values (refused by default: they write NaN/Inf weights)')
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress bar');
  addBlockWeightOptions(command).action(async (flags: CombineFlags) => runCombine(flags));
}

function checkFlagsForMethod(flags: CombineFlags): void {
  const only = (flag: keyof CombineFlags, name: string, methods: readonly string[]): void => {
    if (flags[flag] !== undefined && !methods.includes(flags.method)) throw new UsageError(`${name} only applies to --method ${methods.join('|')}.`);
  };
  only('rank', '--rank', COMPRESSING);
  only('dynamic', '--dynamic', COMPRESSING);
  only('param', '--param', COMPRESSING);
  only('clampQuantile', '--clamp-quantile', COMPRESSING);
  only('density', '--density', DENSITY);
  only('seed', '--seed', SEEDED);
  only('majority', '--majority', MAJORITY);
}

function integer(name: string, raw: string | undefined): number | undefined {
  return parseNumberOption(name, raw, (n) => (Number.isSafeInteger(n) ? undefined : 'not a whole number.'));
}

/** The rank rule of a compressing method; its absence is left to the engine, which says which methods need one. */
function rankRule(flags: CombineFlags): RankRule | undefined {
  if (!COMPRESSING.includes(flags.method) || (flags.rank === undefined && flags.dynamic === undefined)) return undefined;
  return parseRankRule(flags);
}

/** Bad flag values (unknown method, density, rank) are usage errors, found before any file is read. */
function checkOptions(raw: RawCombineOptions): void {
  try {
    validateCombineOptions(raw);
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.hint ? `${err.message} (${err.hint})` : err.message);
    throw err;
  }
}

function summary(plan: CombinePlan, inputs: number): string {
  const { lora, options } = plan;
  const ranks = lora.modules.map((m) => m.rank).filter((r): r is number => r !== undefined);
  const rankText = ranks.length === 0 ? 'ranks from the spectrum' : Math.min(...ranks) === Math.max(...ranks) ? `rank ${ranks[0]}` : `ranks ${Math.min(...ranks)}–${Math.max(...ranks)}`;
  return `combine (${options.method}): ${inputs} LoRAs → ${lora.modules.length} modules (${plan.shared} in every input), ${rankText}, ${lora.architecture.family}`;
}

async function runCombine(flags: CombineFlags): Promise<void> {
  if (flags.lora.length === 0) throw new UsageError('combine needs at least one --lora.');
  checkFlagsForMethod(flags);
  const dtype = parseLoraDtype(flags.dtype);
  const specs = flags.lora.map((s) => parseLoraSpec(s));
  const blockWeights = blockWeightSpecs(flags, specs.length);
  const lbwPresets = readLbwPresets(flags.lbwPresets);
  const raw = {
    method: flags.method,
    rank: rankRule(flags),
    density: parseNumberOption('--density', flags.density),
    seed: integer('--seed', flags.seed) ?? (SEEDED.includes(flags.method) ? 0 : undefined),
    majority: flags.majority,
    clampQuantile: parseNumberOption('--clamp-quantile', flags.clampQuantile),
  };
  checkOptions(raw);
  const controller = abortOnSignals();
  const signal = controller.signal;

  const loaded: LoraValue[] = [];
  for (const spec of specs) loaded.push(await loadLora(spec.path, signal, { allowNonFinite: flags.allowNonfinite === true }));
  const family = loaded.find((l) => l.architecture.family !== 'unknown')?.architecture.family ?? 'unknown';
  const weighted = loaded.map((lora, i) => weightLora(lora, blockWeights[i], family, lbwPresets));
  if (specs.length < 2) process.stderr.write(`note: combine with a single LoRA (${flags.method}).\n`);
  const plan = planCombine(
    weighted.map((lora, i) => ({ lora, weight: specs[i]!.strength })),
    raw,
  );
  const format = parseLoraFormat(flags.format, plan.lora.architecture.family);
  process.stderr.write(`${summary(plan, specs.length)}\n`);

  const params = { ...describeCombineOptions(plan.options), format, dtype, weights: specs.map((s) => s.strength) };
  const inputRecord = (i: number): Record<string, unknown> => ({ weight: specs[i]!.strength, ...describeBlockWeightSpec(blockWeights[i]) });
  const recipePromise = flags.hash
    ? Promise.all(loaded.map((l, i) => hashInput('lora', specs[i]!.path, l.inputs, inputRecord(i), signal))).then((inputs) => recipe('combine', inputs, params))
    : Promise.resolve(recipe('combine', specs.map((s, i) => ({ role: 'lora', path: s.path, files: [], ...inputRecord(i) })), params));

  const bar = createProgressBar('combine', process.stderr, flags.quiet);
  const result: SaveLoraResult = await withPool(flags.workers, (pool) =>
    saveLora(plan.lora, { out: flags.out, format, dtype, pool, recipe: recipePromise, debugDelayMs: debugDelayMs() }, { signal, onProgress: (p) => bar.update(p) }),
    flags.quiet,
  );
  if (signal.aborted) throw new CancelledError();
  bar.done(`${result.modules.length} modules written (${result.dtype}) in ${result.seconds.toFixed(1)} s`);
  const retained = result.modules.flatMap((m) => (m.compression ? [m.compression.frobeniusRetained] : []));
  if (retained.length > 0) {
    const mean = retained.reduce((a, b) => a + b, 0) / retained.length;
    process.stderr.write(`kept ${(100 * mean).toFixed(2)}% of the Frobenius norm on average (lowest ${(100 * Math.min(...retained)).toFixed(2)}%)\n`);
  }
  if (flags.json) {
    const modules = result.modules.map((m) => ({ name: m.name, source: m.source, rank: m.rank, alpha: m.alpha, ...(m.compression ? { frobeniusRetained: m.compression.frobeniusRetained } : {}) }));
    process.stdout.write(`${JSON.stringify({ ok: true, format: result.format, out: result.out, files: result.files, dtype: result.dtype, method: plan.options.method, shared: plan.shared, modules, seconds: result.seconds }, null, 2)}\n`);
  } else for (const f of result.files) process.stdout.write(`${f}\n`);
}
