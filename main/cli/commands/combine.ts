/**
 * `lora-studio combine`: several LoRAs into one LoRA file (kohya) or PEFT directory, without a base model.
 * Compiled to a graph: Load LoRA ×n → (Block Weights) → Combine LoRAs (weights on the connections) → Save LoRA,
 * run through the same runner as `lora-studio run` (`--print-graph` prints it instead).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { COMBINE_METHODS } from '../../../shared/merge-methods.js';
import { combineLoras } from '../../../shared/nodes/catalogue/combine.js';
import { loadLora } from '../../../shared/nodes/catalogue/load.js';
import { addBlockWeightOptions, addBlockWeightNodes, type BlockWeightFlags } from '../block-weights-option.js';
import { UsageError } from '../errors.js';
import { paramHelp } from '../flag-help.js';
import { GraphBuilder } from '../graph-builder.js';
import { addRunOptions, printResult, runCompiled, type RunFlags } from '../graph-command.js';
import { addNonfiniteOption, setNonfinite, type NonfiniteFlags } from '../nonfinite-option.js';
import { addLoraOutputOptions, addRankOptions, addSaveLora, setRankParams, type LoraOutputFlags, type RankFlags } from '../lora-output-options.js';
import { collect, parseLoraSpec } from '../lora-spec.js';

interface CombineFlags extends BlockWeightFlags, RankFlags, LoraOutputFlags, NonfiniteFlags, RunFlags {
  lora: string[];
  method?: string;
  density?: string;
  seed?: string;
  majority?: string;
  clampQuantile?: string;
}

const P = combineLoras.params;
/** The node's kohya with "kohya --concat", as one CLI method. */
const KOHYA_CONCAT = 'kohya_concat';

export function registerCombine(program: Command): void {
  const command = program
    .command('combine')
    .description('Combine LoRAs into one LoRA (exact rank concatenation by default; svd / task-vector merges compress to --rank).')
    .option('--lora <file|dir[:weight]>', 'a LoRA file or PEFT directory, optionally with :weight (default 1); repeat for each input', collect, [])
    .option('--method <method>', paramHelp(P.method, 'how the LoRAs are combined').replace(' | kohya)', ` | kohya | ${KOHYA_CONCAT})`));
  addRankOptions(command, P.rank, 'output rank of svd and the task-vector methods; with --dynamic, the largest rank allowed')
    .option('--density <d>', paramHelp(P.density, `fraction kept by ${P.density.showIf!.oneOf.join(' / ')}, in (0, 1]`))
    .option('--seed <n>', paramHelp(P.seed, `random seed of ${P.seed.showIf!.oneOf.join(' / ')}`))
    .option('--majority <m>', paramHelp(P.majority, `sign election of ${P.majority.showIf!.oneOf.join(' / ')}`))
    .option('--clamp-quantile <q>', paramHelp(P.clampQuantile, "clip the compressed factors at this quantile, as kohya's svd_merge_lora (e.g. 0.99); 1 = no clipping"));
  addRunOptions(addNonfiniteOption(addBlockWeightOptions(addLoraOutputOptions(command, "the inputs'")))).action(async (flags: CombineFlags) => runCombine(flags));
}

export function compileCombine(flags: CombineFlags): { builder: GraphBuilder; document: ReturnType<GraphBuilder['document']> } {
  if (flags.lora.length === 0) throw new UsageError('combine needs at least one --lora.');
  const method = flags.method ?? P.method.default;
  const known = [...COMBINE_METHODS.map((m) => m.value as string), KOHYA_CONCAT];
  if (!known.includes(method)) throw new UsageError(`Unknown combine method "${method}". Valid methods: ${known.join(', ')}.`);
  const specs = flags.lora.map((s) => parseLoraSpec(s));
  const b = new GraphBuilder();
  const loras = specs.map((s, i) => {
    const id = b.add(loadLora, 0, `--lora ${s.path}`, path.basename(s.path));
    b.set(id, 'path', path.resolve(s.path), `--lora #${i + 1}`, s.path);
    setNonfinite(b, id, flags);
    return id;
  });
  const weighted = addBlockWeightNodes(b, loras, flags);
  const combine = b.add(combineLoras, 2, `--method ${method}`);
  for (const [i, lora] of weighted.entries()) b.connect(lora, combine, 'loras', { weight: specs[i]!.strength });
  if (method === KOHYA_CONCAT) {
    b.set(combine, 'method', 'kohya', '--method', method);
    b.set(combine, 'kohyaConcat', true, '--method', method);
  } else b.set(combine, 'method', method, '--method');
  setRankParams(b, combine, flags, 'dynamic');
  b.setFromFlag(combine, 'density', '--density', flags.density);
  b.setFromFlag(combine, 'seed', '--seed', flags.seed);
  b.setFromFlag(combine, 'majority', '--majority', flags.majority);
  b.setFromFlag(combine, 'clampQuantile', '--clamp-quantile', flags.clampQuantile);
  addSaveLora(b, combine, flags);
  if (specs.length < 2) process.stderr.write(`note: combine with a single LoRA (${method}).\n`);
  return { builder: b, document: b.document('lora-studio combine', `Combine ${specs.length} LoRAs (${method}).`) };
}

async function runCombine(flags: CombineFlags): Promise<void> {
  const { builder, document } = compileCombine(flags);
  const result = await runCompiled(builder, document, flags);
  if (result) printResult(result, flags.json, { method: flags.method ?? P.method.default });
}
