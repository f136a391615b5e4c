/**
 * `lora-studio resize`: a LoRA to a lower rank with kohya resize_lora.py semantics (fixed rank, or sv_ratio /
 * sv_fro / sv_cumulative capped by --rank; alpha' = (alpha/r)·k), computed from the factors by exact SVD.
 * Progress and a summary on stderr (per module with --verbose, as kohya's --verbose), the written paths or
 * --json (with the report) on stdout.
 */
import type { Command } from 'commander';
import { CancelledError } from '../../engine/errors.js';
import { hashInput, recipe } from '../../engine/export/recipe.js';
import { saveLora } from '../../engine/export/save-lora.js';
import { loadLora } from '../../engine/ops/load.js';
import { checkResizeOptions, describeRankRule, resizeLora, rowValues, type ResizeOptions } from '../../engine/ops/resize/index.js';
import { abortOnSignals } from '../abort.js';
import { withPool } from '../engine-session.js';
import { UsageError } from '../errors.js';
import { parseLoraDtype, parseLoraFormat, parseRankRule, parseWholeNumber, type RankFlags } from '../lora-output-options.js';
import { createProgressBar } from '../progress.js';
import { terminalField } from '../terminal-text.js';
import { debugDelayMs } from './merge.js';

interface ResizeFlags extends RankFlags {
  allowNonfinite?: boolean;
  lora?: string;
  out: string;
  convRank?: string;
  format?: string;
  dtype: string;
  workers?: string;
  hash: boolean;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export function registerResize(program: Command): void {
  program
    .command('resize')
    .description("Resize a LoRA's rank by SVD (kohya resize_lora.py: fixed rank or sv_ratio / sv_fro / sv_cumulative; alpha/r kept).")
    .requiredOption('--lora <file|dir>', 'the LoRA file or PEFT directory to resize')
    .option('--rank <k>', 'the new rank; with --dynamic, the largest rank allowed')
    .option('--dynamic <method>', 'choose each rank from the spectrum: sv_ratio | sv_fro | sv_cumulative')
    .option('--param <p>', 'sv_ratio: the largest σ_max/σ kept (≥ 1); sv_fro, sv_cumulative: the fraction kept (0, 1]')
    .option('--conv-rank <k>', 'rank (or cap) for 3×3 conv modules (LoCon); default: as --rank')
    .requiredOption('--out <file|dir>', 'output: a .safetensors file (kohya) or a directory (peft)')
    .option('--format <format>', 'kohya | peft (default: kohya for SD-family and Flux LoRAs, peft for transformers models)')
    .option('--dtype <dtype>', "output dtype: same (the input's) | fp32 | fp16 | bf16", 'same')
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .option('--no-hash', 'do not hash the input for the recipe stored in the output')
    .option('--allow-nonfinite', 'accept LoRAs holding NaN / Inf values (refused by default: they write NaN/Inf weights)')
    .option('--json', 'print the result and the report as JSON on stdout')
    .option('--verbose', 'one line per module on stderr (kohya --verbose)')
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags: ResizeFlags) => runResize(flags));
}

const pct = (v: string | number | null | undefined): string => (typeof v === 'number' ? `${v.toFixed(1)}%` : 'n/a');

async function runResize(flags: ResizeFlags): Promise<void> {
  if (flags.lora === undefined) throw new UsageError('resize needs --lora.');
  const dtype = parseLoraDtype(flags.dtype);
  const rule = parseRankRule(flags);
  const convRank = parseWholeNumber('--conv-rank', flags.convRank);
  const options: ResizeOptions = { rank: rule, ...(convRank !== undefined ? { convRank } : {}) };
  try {
    checkResizeOptions(options);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const controller = abortOnSignals();
  const signal = controller.signal;
  const lora = await loadLora(flags.lora, signal, { allowNonFinite: flags.allowNonfinite === true });
  const format = parseLoraFormat(flags.format, lora.architecture.family);
  const { lora: resized, report } = resizeLora(lora, options);
  process.stderr.write(`resize: ${lora.label}, ${lora.modules.length} modules, ${report.resized} to resize (${describeRankRule(rule)}${convRank !== undefined ? `, 3×3 conv ${convRank}` : ''})\n`);

  const params = { rank: rule, ...(convRank !== undefined ? { convRank } : {}), format, dtype };
  const recipePromise = flags.hash
    ? hashInput('lora', flags.lora, lora.inputs, {}, signal).then((input) => recipe('resize', [input], params))
    : Promise.resolve(recipe('resize', [{ role: 'lora', path: flags.lora, files: [] }], params));
  const bar = createProgressBar('resize', process.stderr, flags.quiet);
  const result = await withPool(flags.workers, (pool) =>
    saveLora(resized, { out: flags.out, format, dtype, pool, recipe: recipePromise, debugDelayMs: debugDelayMs() }, { signal, onProgress: (p) => bar.update(p) }),
    flags.quiet,
  );
  if (signal.aborted) throw new CancelledError();
  const rows = report.rows(result.modules);
  bar.done(`${result.modules.length} modules written (${result.dtype}) in ${result.seconds.toFixed(1)} s`);
  if (flags.verbose) {
    for (const r of rows) {
      const v = rowValues(r);
      const what = r.note ?? `sum(S) retained: ${pct(v.sumRetained)}, fro retained: ${pct(v.froRetained)}, max(S) ratio: ${typeof v.maxRatio === 'number' ? v.maxRatio.toFixed(1) : 'n/a'}, dim: ${String(v.rank)}, alpha: ${String(v.alpha)}`;
      process.stderr.write(`${terminalField(String(v.module)).padEnd(75)} | ${what}\n`);
    }
  }
  const fros = result.modules.flatMap((m) => (m.compression ? [m.compression.frobeniusRetained] : []));
  if (fros.length > 0) {
    const mean = fros.reduce((a, b) => a + b, 0) / fros.length;
    const std = Math.sqrt(fros.reduce((a, b) => a + (b - mean) ** 2, 0) / fros.length);
    process.stderr.write(`Average Frobenius norm retention: ${(100 * mean).toFixed(2)}% | std: ${std.toFixed(3)}\n`);
  }
  if (flags.json) {
    const json = { ok: true, format: result.format, out: result.out, files: result.files, dtype: result.dtype, rule, spilled: result.spilled, modules: rows.map(rowValues), report: report.toReport(result.modules), seconds: result.seconds };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else for (const f of result.files) process.stdout.write(`${f}\n`);
}
