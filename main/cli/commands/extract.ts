/**
 * `lora-studio extract`: a LoRA from the difference of a fine-tuned and a base checkpoint (kohya
 * extract_lora_from_models.py: ΔW = tuned − base per linear / conv weight, truncated SVD, alpha = rank;
 * modules that barely changed skipped). Progress and a summary on stderr, the written paths or --json
 * (with the report) on stdout.
 */
import type { Command } from 'commander';
import { CancelledError } from '../../engine/errors.js';
import { hashInput, recipe } from '../../engine/export/recipe.js';
import { saveLora } from '../../engine/export/save-lora.js';
import { checkExtractOptions, DEFAULT_EXTRACT_THRESHOLD, extractLora, type ExtractOptions } from '../../engine/ops/extract/index.js';
import { openBaseModel } from '../../engine/ops/load.js';
import { describeRankRule, rowValues } from '../../engine/ops/resize/index.js';
import { abortOnSignals } from '../abort.js';
import { withPool } from '../engine-session.js';
import { UsageError } from '../errors.js';
import { parseLoraDtype, parseLoraFormat, parseRankRule, type RankFlags } from '../lora-output-options.js';
import { parseNumberOption } from '../lora-spec.js';
import { createProgressBar } from '../progress.js';
import { debugDelayMs } from './merge.js';

interface ExtractFlags extends RankFlags {
  base: string;
  tuned: string;
  out: string;
  convRank?: string;
  threshold?: string;
  textEncoders: boolean;
  clampQuantile?: string;
  seed?: string;
  format?: string;
  dtype: string;
  workers?: string;
  hash: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('Extract a LoRA from the difference of a fine-tuned and a base checkpoint (kohya extract_lora_from_models.py).')
    .requiredOption('--base <checkpoint>', 'the original model: .safetensors file, *.safetensors.index.json, or a directory with one')
    .requiredOption('--tuned <checkpoint>', 'the fine-tuned model (same architecture)')
    .option('--rank <k>', 'the rank of every module; with --dynamic, the largest rank allowed')
    .option('--dynamic <method>', 'choose each rank from the spectrum: sv_ratio | sv_fro | sv_cumulative')
    .option('--param <p>', 'sv_ratio: the largest σ_max/σ kept (≥ 1); sv_fro, sv_cumulative: the fraction kept (0, 1]')
    .option('--conv-rank <k>', 'also extract 3×3 convolutions, at this rank (kohya --conv_dim); default: left out')
    .option('--threshold <t>', `skip modules whose largest |ΔW| is at most this (kohya --min_diff; default ${DEFAULT_EXTRACT_THRESHOLD})`)
    .option('--no-text-encoders', 'leave the text encoders out')
    .option('--clamp-quantile <q>', "clip the factors at this quantile as kohya does (its default 0.99); default: no clipping (exact)")
    .option('--seed <n>', 'seed of the randomized SVD used for full-size matrices (default 0; same seed, same factors)')
    .requiredOption('--out <file|dir>', 'output: a .safetensors file (kohya) or a directory (peft)')
    .option('--format <format>', 'kohya | peft (default: kohya for SD-family and Flux, peft for transformers models)')
    .option('--dtype <dtype>', "output dtype: same (the checkpoints') | fp32 | fp16 | bf16", 'same')
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .option('--no-hash', 'do not hash the checkpoints for the recipe stored in the output (saves reading them again)')
    .option('--json', 'print the result and the report as JSON on stdout')
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags: ExtractFlags) => runExtract(flags));
}

async function runExtract(flags: ExtractFlags): Promise<void> {
  const dtype = parseLoraDtype(flags.dtype);
  const rank = parseRankRule(flags);
  const convRank = parseNumberOption('--conv-rank', flags.convRank, (n) => (Number.isSafeInteger(n) && n >= 0 ? undefined : 'not a whole number ≥ 0.'));
  const options: ExtractOptions = {
    rank,
    ...(convRank ? { convRank } : {}),
    ...(flags.threshold !== undefined ? { threshold: parseNumberOption('--threshold', flags.threshold)! } : {}),
    textEncoders: flags.textEncoders,
    ...(flags.clampQuantile !== undefined ? { clampQuantile: parseNumberOption('--clamp-quantile', flags.clampQuantile)! } : {}),
    seed: parseNumberOption('--seed', flags.seed ?? '0', (n) => (Number.isSafeInteger(n) && n >= 0 && n < 2 ** 32 ? undefined : 'not a whole number from 0 to 2³²−1.'))!,
  };
  try {
    checkExtractOptions(options);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const controller = abortOnSignals();
  const signal = controller.signal;
  const base = await openBaseModel(flags.base);
  try {
    const tuned = await openBaseModel(flags.tuned);
    try {
      const a = base.keyMap.architecture;
      process.stderr.write(`base: ${flags.base} (${a.family}, ${a.layout} layout); tuned: ${flags.tuned} (${tuned.keyMap.architecture.family}, ${tuned.keyMap.architecture.layout} layout)\n`);
      const format = parseLoraFormat(flags.format, a.family);
      const params = { rank, ...(convRank ? { convRank } : {}), threshold: options.threshold ?? DEFAULT_EXTRACT_THRESHOLD, textEncoders: flags.textEncoders, clampQuantile: options.clampQuantile ?? null, seed: options.seed, format, dtype };
      const recipePromise = flags.hash
        ? Promise.all([hashInput('base', flags.base, base.source.files, {}, signal), hashInput('tuned', flags.tuned, tuned.source.files, {}, signal)]).then((inputs) => recipe('extract', inputs, params))
        : Promise.resolve(recipe('extract', [{ role: 'base', path: flags.base, files: [] }, { role: 'tuned', path: flags.tuned, files: [] }], params));
      recipePromise.catch(() => undefined);
      const result = await withPool(flags.workers, async (pool) => {
        const scanBar = createProgressBar('compare', process.stderr, flags.quiet);
        const { lora, report } = await extractLora(base, tuned, options, { pool, signal, onProgress: (p) => scanBar.update(p) });
        scanBar.done(`${report.modules.length} weights compared, ${lora.modules.length} to extract (${describeRankRule(rank)}), ${report.skipped.length} skipped (max |ΔW| ≤ ${options.threshold ?? DEFAULT_EXTRACT_THRESHOLD})`);
        const bar = createProgressBar('extract', process.stderr, flags.quiet);
        const saved = await saveLora(lora, { out: flags.out, format, dtype, pool, recipe: recipePromise, debugDelayMs: debugDelayMs() }, { signal, onProgress: (p) => bar.update(p) });
        bar.done(`${saved.modules.length} modules written (${saved.dtype}) in ${saved.seconds.toFixed(1)} s`);
        return { saved, report };
      }, flags.quiet);
      if (signal.aborted) throw new CancelledError();
      const { saved, report } = result;
      const fros = saved.modules.flatMap((m) => (m.compression ? [m.compression.frobeniusRetained] : []));
      if (fros.length > 0) process.stderr.write(`kept ${(100 * (fros.reduce((x, y) => x + y, 0) / fros.length)).toFixed(2)}% of ‖ΔW‖ on average (lowest ${(100 * Math.min(...fros)).toFixed(2)}%)\n`);
      if (flags.json) {
        const rows = report.rows(saved.modules).map(rowValues);
        const json = { ok: true, format: saved.format, out: saved.out, files: saved.files, dtype: saved.dtype, rule: rank, compared: report.modules.length, skipped: report.skipped.map((m) => ({ module: m.name, block: m.block, maxAbs: m.maxAbs, norm: m.norm })), modules: rows, report: report.toReport(saved.modules), seconds: saved.seconds };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else for (const f of saved.files) process.stdout.write(`${f}\n`);
    } finally {
      await tuned.source.close();
    }
  } finally {
    await base.source.close();
  }
}
