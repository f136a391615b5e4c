/**
 * `lora-studio extract`: a LoRA from the difference of a fine-tuned and a base checkpoint (kohya
 * extract_lora_from_models.py). Compiled to a graph: Load Model ×2 → Extract LoRA → Save LoRA, run through the
 * same runner as `lora-studio run` (`--print-graph` prints it instead).
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { Report } from '../../../shared/ipc/reports.js';
import { loadModel } from '../../../shared/nodes/catalogue/load.js';
import { extractLora } from '../../../shared/nodes/catalogue/lora.js';
import { compressionRows, printRetention } from '../compression-output.js';
import { paramHelp } from '../flag-help.js';
import { GraphBuilder } from '../graph-builder.js';
import { addRunOptions, printResult, runCompiled, type RunFlags } from '../graph-command.js';
import { addLoraOutputOptions, addRankOptions, addSaveLora, setRankParams, type LoraOutputFlags, type RankFlags } from '../lora-output-options.js';

interface ExtractFlags extends RankFlags, LoraOutputFlags, RunFlags {
  base: string;
  tuned: string;
  convRank?: string;
  threshold?: string;
  textEncoders: boolean;
  clampQuantile?: string;
  seed?: string;
}

const P = extractLora.params;

export function registerExtract(program: Command): void {
  const command = program
    .command('extract')
    .description('Extract a LoRA from the difference of a fine-tuned and a base checkpoint (kohya extract_lora_from_models.py).')
    .requiredOption('--base <checkpoint>', 'the original model: .safetensors file, *.safetensors.index.json, or a directory with one')
    .requiredOption('--tuned <checkpoint>', 'the fine-tuned model (same architecture)');
  addRankOptions(command, P.rank, 'the rank of every module; with --dynamic, the largest rank allowed')
    .option('--conv-rank <k>', paramHelp(P.convRank, 'also extract 3×3 convolutions, at this rank (kohya --conv_dim); 0 leaves them out'))
    .option('--threshold <t>', paramHelp(P.threshold, 'skip modules whose largest |ΔW| is at most this (kohya --min_diff)'))
    .option('--no-text-encoders', `leave the text encoders out (default: ${P.textEncoders.default ? 'included' : 'left out'})`)
    .option('--clamp-quantile <q>', paramHelp(P.clampQuantile, 'clip the factors at this quantile as kohya does (its default 0.99); 1 = no clipping (exact)'))
    .option('--seed <n>', paramHelp(P.seed, 'seed of the randomized SVD used for full-size matrices (same seed, same factors)'));
  addRunOptions(addLoraOutputOptions(command, "the checkpoints'"), 'the checkpoints (saves reading them again)').action(async (flags: ExtractFlags) => runExtract(flags));
}

export function compileExtract(flags: ExtractFlags): { builder: GraphBuilder; document: ReturnType<GraphBuilder['document']> } {
  const b = new GraphBuilder();
  const base = b.add(loadModel, 0, `--base ${flags.base}`, path.basename(flags.base));
  b.set(base, 'path', path.resolve(flags.base), '--base', flags.base);
  const tuned = b.add(loadModel, 0, `--tuned ${flags.tuned}`, path.basename(flags.tuned));
  b.set(tuned, 'path', path.resolve(flags.tuned), '--tuned', flags.tuned);
  const extract = b.add(extractLora, 2, 'extract');
  b.connect(base, extract, 'base');
  b.connect(tuned, extract, 'tuned');
  setRankParams(b, extract, flags, 'method');
  b.setFromFlag(extract, 'convRank', '--conv-rank', flags.convRank);
  b.setFromFlag(extract, 'threshold', '--threshold', flags.threshold);
  if (!flags.textEncoders) b.set(extract, 'textEncoders', false, '--no-text-encoders');
  b.setFromFlag(extract, 'clampQuantile', '--clamp-quantile', flags.clampQuantile);
  b.setFromFlag(extract, 'seed', '--seed', flags.seed);
  addSaveLora(b, extract, flags);
  return { builder: b, document: b.document('lora-studio extract', `Extract a LoRA from ${path.basename(flags.tuned)} − ${path.basename(flags.base)}.`) };
}

/** The modules left out because they barely changed (the report's second table). */
function skipped(reports: readonly Report[]): unknown[] {
  return reports.flatMap((r) => r.sections.flatMap((s) => (s.kind === 'table' && s.title !== 'Modules' ? s.rows : [])));
}

async function runExtract(flags: ExtractFlags): Promise<void> {
  const { builder, document } = compileExtract(flags);
  const result = await runCompiled(builder, document, flags);
  if (!result) return;
  printRetention(result.reports, 'kept ‖ΔW‖ on average');
  const modules = compressionRows(result.reports);
  const left = skipped(result.reports);
  printResult(result, flags.json, { compared: modules.length + left.length, skipped: left, modules, report: result.reports.find((r) => r.nodeType === extractLora.type) });
}
