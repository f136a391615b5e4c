/**
 * `lora-studio merge`: bake LoRAs into a base checkpoint. Compiled to a graph: Load Model → Load LoRA ×n →
 * (Block Weights) → Apply LoRA chain (--method sum) or Bake LoRAs (a merge method) → Save Model, run through
 * the same runner as `lora-studio run` (`--print-graph` prints it instead).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { BAKE_METHODS } from '../../../shared/merge-methods.js';
import { saveModel } from '../../../shared/nodes/catalogue/export.js';
import { loadLora, loadModel } from '../../../shared/nodes/catalogue/load.js';
import { applyLora, bakeLoras } from '../../../shared/nodes/catalogue/model.js';
import { addBlockWeightOptions, addBlockWeightNodes, type BlockWeightFlags } from '../block-weights-option.js';
import { UsageError } from '../errors.js';
import { paramHelp } from '../flag-help.js';
import { GraphBuilder } from '../graph-builder.js';
import { addRunOptions, printResult, runCompiled, type RunFlags } from '../graph-command.js';
import { collect, parseLoraSpec } from '../lora-spec.js';
import { mappingLines, mappingJson } from '../mapping-report.js';
import { addNonfiniteOption, setNonfinite, type NonfiniteFlags } from '../nonfinite-option.js';

interface MergeFlags extends BlockWeightFlags, NonfiniteFlags, RunFlags {
  base: string;
  lora: string[];
  out: string;
  dtype?: string;
  allowUnmatched?: boolean;
  acceptArchitectureMismatch?: boolean;
  maxShardSize?: string;
  method?: string;
  density?: string;
  seed?: string;
  majority?: string;
}

const P = bakeLoras.params;

export function registerMerge(program: Command): void {
  const command = program
    .command('merge')
    .description('Bake LoRAs into a base checkpoint (W\' = W + Σ strength·scale·ΔW, streamed, rounded once).')
    .requiredOption('--base <checkpoint>', 'base model: .safetensors file, *.safetensors.index.json, or a directory with one')
    .option('--lora <file|dir[:strength]>', 'a LoRA file or PEFT directory, optionally with :strength (default 1); repeat for several, applied in order', collect, [])
    .requiredOption('--out <file>', 'output .safetensors file (with --max-shard-size: the name shards derive from)')
    .option('--dtype <dtype>', paramHelp(saveModel.params.dtype, 'output dtype of float tensors'))
    .option('--allow-unmatched', 'apply the modules that match and report the others instead of failing')
    .option('--accept-architecture-mismatch', 'apply a LoRA made for another architecture where shapes happen to fit (rarely what you want)')
    .option('--max-shard-size <size>', paramHelp(saveModel.params.maxShardSize, 'split the output into shards of at most this size (e.g. 5GB, 500MB; 0 for one file) with an index'))
    .option('--method <method>', paramHelp(P.method, 'sum applies the LoRAs in order; the others merge their deltas (docs/merge-methods.md)'))
    .option('--density <d>', paramHelp(P.density, `fraction kept by ${P.density.showIf!.oneOf.join(' / ')}, in (0, 1]`))
    .option('--seed <n>', paramHelp(P.seed, `random seed of ${P.seed.showIf!.oneOf.join(' / ')}`))
    .option('--majority <m>', paramHelp(P.majority, `sign election of ${P.majority.showIf!.oneOf.join(' / ')}`));
  addRunOptions(addNonfiniteOption(addBlockWeightOptions(command)), 'the inputs (the base is hashed from the bytes the bake reads)').action(async (flags: MergeFlags) => runMerge(flags));
}

export function compileMerge(flags: MergeFlags): { builder: GraphBuilder; document: ReturnType<GraphBuilder['document']> } {
  if (flags.lora.length === 0) throw new UsageError('merge needs at least one --lora.');
  const method = flags.method ?? P.method.default;
  if (!BAKE_METHODS.some((m) => m.value === method)) throw new UsageError(`--method ${method}: expected ${BAKE_METHODS.map((m) => m.value).join(' | ')}.`);
  const specs = flags.lora.map((s) => parseLoraSpec(s));
  const b = new GraphBuilder();
  const base = b.add(loadModel, 0, `--base ${flags.base}`, path.basename(flags.base));
  b.set(base, 'path', path.resolve(flags.base), '--base', flags.base);
  const loras = specs.map((s, i) => {
    const id = b.add(loadLora, 0, `--lora ${s.path}`, path.basename(s.path));
    b.set(id, 'path', path.resolve(s.path), `--lora #${i + 1}`, s.path);
    setNonfinite(b, id, flags);
    return id;
  });
  const weighted = addBlockWeightNodes(b, loras, flags, base);
  let model = base;
  if (method === 'sum') {
    for (const [i, lora] of weighted.entries()) {
      const apply = b.add(applyLora, 2, `--lora ${specs[i]!.path}`);
      b.connect(model, apply, 'model');
      b.connect(lora, apply, 'lora');
      b.set(apply, 'strength', specs[i]!.strength, `--lora ${flags.lora[i]}`);
      b.set(apply, 'teStrength', specs[i]!.strength, `--lora ${flags.lora[i]}`);
      if (flags.allowUnmatched) b.set(apply, 'allowUnmatched', true, '--allow-unmatched');
      if (flags.acceptArchitectureMismatch) b.set(apply, 'acceptArchitectureMismatch', true, '--accept-architecture-mismatch');
      b.offer(applyLora, 'allowUnmatched', '--allow-unmatched');
      model = apply;
    }
    for (const f of ['density', 'seed', 'majority'] as const) if (flags[f] !== undefined) throw new UsageError(`--${f} only applies to --method ${P[f].showIf!.oneOf.join('|')}.`);
  } else {
    const bake = b.add(bakeLoras, 2, `--method ${method}`);
    b.connect(base, bake, 'model');
    for (const [i, lora] of weighted.entries()) b.connect(lora, bake, 'loras', { strength: specs[i]!.strength });
    b.set(bake, 'method', method, '--method');
    b.setFromFlag(bake, 'density', '--density', flags.density);
    b.setFromFlag(bake, 'seed', '--seed', flags.seed);
    b.setFromFlag(bake, 'majority', '--majority', flags.majority);
    if (flags.allowUnmatched) b.set(bake, 'allowUnmatched', true, '--allow-unmatched');
    if (flags.acceptArchitectureMismatch) b.set(bake, 'acceptArchitectureMismatch', true, '--accept-architecture-mismatch');
    b.offer(bakeLoras, 'allowUnmatched', '--allow-unmatched');
    if (specs.length < 2) process.stderr.write(`note: --method ${method} with a single LoRA.\n`);
    model = bake;
  }
  const save = b.add(saveModel, 3, `--out ${flags.out}`);
  b.connect(model, save, 'model');
  b.set(save, 'path', path.resolve(flags.out), '--out', flags.out);
  b.set(save, 'ifExists', 'overwrite', '--out', 'replaced if it exists');
  b.setFromFlag(save, 'dtype', '--dtype', flags.dtype);
  b.setFromFlag(save, 'maxShardSize', '--max-shard-size', flags.maxShardSize);
  // Non-finite values on purpose: in the LoRAs (Load LoRA) and from the sum overflowing fp16/bf16 (Save Model).
  if (flags.allowNonfinite) b.set(save, 'allowOverflow', true, '--allow-nonfinite');
  return { builder: b, document: b.document('lora-studio merge', `Bake ${specs.length} LoRA(s) into ${path.basename(flags.base)} (${method}).`) };
}

async function runMerge(flags: MergeFlags): Promise<void> {
  const { builder, document } = compileMerge(flags);
  const result = await runCompiled(builder, document, flags);
  if (!result) return;
  for (const line of mappingLines(result.reports)) process.stderr.write(`${line}\n`);
  printResult(result, flags.json, { mapping: mappingJson(result.reports) });
}
