/**
 * `lora-studio resize`: a LoRA to a lower rank with kohya resize_lora.py semantics (fixed rank, or sv_ratio /
 * sv_fro / sv_cumulative capped by --rank; alpha' = (alpha/r)·k). Compiled to a graph: Load LoRA → Resize Rank
 * → Save LoRA, run through the same runner as `lora-studio run` (`--print-graph` prints it instead).
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { Report } from '../../../shared/ipc/reports.js';
import { loadLora } from '../../../shared/nodes/catalogue/load.js';
import { resizeRank } from '../../../shared/nodes/catalogue/lora.js';
import { paramHelp } from '../flag-help.js';
import { GraphBuilder } from '../graph-builder.js';
import { addRunOptions, printResult, runCompiled, type RunFlags } from '../graph-command.js';
import { terminalField } from '../terminal-text.js';
import { addNonfiniteOption, setNonfinite, type NonfiniteFlags } from '../nonfinite-option.js';
import { addLoraOutputOptions, addRankOptions, addSaveLora, setRankParams, type LoraOutputFlags, type RankFlags } from '../lora-output-options.js';
import { compressionRows, printRetention } from '../compression-output.js';

interface ResizeFlags extends RankFlags, LoraOutputFlags, NonfiniteFlags, RunFlags {
  lora: string;
  convRank?: string;
  verbose?: boolean;
}

export function registerResize(program: Command): void {
  const command = program
    .command('resize')
    .description("Resize a LoRA's rank by SVD (kohya resize_lora.py: fixed rank or sv_ratio / sv_fro / sv_cumulative; alpha/r kept).")
    .requiredOption('--lora <file|dir>', 'the LoRA file or PEFT directory to resize');
  addRankOptions(command).option('--conv-rank <k>', paramHelp(resizeRank.params.convRank, 'rank (or cap) for 3×3 conv modules (LoCon); 0 = as --rank'));
  addRunOptions(addNonfiniteOption(addLoraOutputOptions(command, "the input's")), 'the input')
    .option('--verbose', 'one line per module on stderr (kohya --verbose)')
    .action(async (flags: ResizeFlags) => runResize(flags));
}

export function compileResize(flags: ResizeFlags): { builder: GraphBuilder; document: ReturnType<GraphBuilder['document']> } {
  const b = new GraphBuilder();
  const lora = b.add(loadLora, 0, `--lora ${flags.lora}`, path.basename(flags.lora));
  b.set(lora, 'path', path.resolve(flags.lora), '--lora', flags.lora);
  setNonfinite(b, lora, flags);
  const resize = b.add(resizeRank, 2, 'resize');
  b.connect(lora, resize, 'lora');
  setRankParams(b, resize, flags, 'method');
  b.setFromFlag(resize, 'convRank', '--conv-rank', flags.convRank);
  addSaveLora(b, resize, flags);
  return { builder: b, document: b.document('lora-studio resize', `Resize ${path.basename(flags.lora)}.`) };
}

const pct = (v: unknown): string => (typeof v === 'number' ? `${v.toFixed(1)}%` : 'n/a');

function printVerbose(reports: readonly Report[]): void {
  for (const r of compressionRows(reports)) {
    const what = typeof r.note === 'string' && r.note !== '' ? r.note : `sum(S) retained: ${pct(r.sumRetained)}, fro retained: ${pct(r.froRetained)}, max(S) ratio: ${typeof r.maxRatio === 'number' ? r.maxRatio.toFixed(1) : 'n/a'}, dim: ${String(r.rank)}, alpha: ${String(r.alpha)}`;
    process.stderr.write(`${terminalField(String(r.module).padEnd(75))} | ${terminalField(what)}\n`);
  }
}

async function runResize(flags: ResizeFlags): Promise<void> {
  const { builder, document } = compileResize(flags);
  const result = await runCompiled(builder, document, flags);
  if (!result) return;
  if (flags.verbose) printVerbose(result.reports);
  printRetention(result.reports, 'Average Frobenius norm retention');
  printResult(result, flags.json, { modules: compressionRows(result.reports), report: result.reports.find((r) => r.nodeType === resizeRank.type) });
}
