/**
 * Flags of the commands that write a LoRA (combine, resize, extract), as the params of the nodes they compile
 * to: --format and --dtype (Save LoRA), and the rank rule (--rank k, or --dynamic sv_ratio|sv_fro|sv_cumulative
 * --param p with --rank as the cap, as kohya's resize_lora.py --new_rank with --dynamic_method / --dynamic_param).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { saveLora } from '../../shared/nodes/catalogue/export.js';
import { resizeRank } from '../../shared/nodes/catalogue/lora.js';
import { paramHelp } from './flag-help.js';
import type { GraphBuilder } from './graph-builder.js';

export interface LoraOutputFlags {
  out: string;
  format?: string;
  dtype?: string;
}

export interface RankFlags {
  rank?: string;
  dynamic?: string;
  param?: string;
}

export function addLoraOutputOptions(command: Command, dtypeSame: string): Command {
  return command
    .requiredOption('--out <file|dir>', 'output: a .safetensors file (kohya) or a directory (peft)')
    .option('--format <format>', paramHelp(saveLora.params.format, 'output layout; auto: kohya for SD-family and Flux LoRAs, peft for transformers models').replace(/default kohya$/, 'default auto'))
    .option('--dtype <dtype>', paramHelp(saveLora.params.dtype, `output dtype: same (${dtypeSame})`));
}

/** Rank flags; `rankParam` / `ruleParam` name the node's params (Combine LoRAs calls its rule `dynamic`). */
export function addRankOptions(command: Command, rankField = resizeRank.params.rank, rankHelp = 'the new rank; with --dynamic, the largest rank allowed'): Command {
  return command
    .option('--rank <k>', paramHelp(rankField, rankHelp))
    .option('--dynamic <method>', 'choose each rank from the spectrum: sv_ratio | sv_fro | sv_cumulative (default: fixed --rank)')
    .option('--param <p>', paramHelp(resizeRank.params.dynamicParam, 'sv_ratio: the largest σ_max/σ kept (≥ 1); sv_fro, sv_cumulative: the fraction kept (0, 1]'));
}

export function setRankParams(b: GraphBuilder, node: string, flags: RankFlags, ruleParam: 'method' | 'dynamic'): void {
  b.setFromFlag(node, 'rank', '--rank', flags.rank);
  b.setFromFlag(node, ruleParam, '--dynamic', flags.dynamic);
  b.setFromFlag(node, 'dynamicParam', '--param', flags.param);
}

/** A Save LoRA node fed by `source`, with the output flags. */
export function addSaveLora(b: GraphBuilder, source: string, flags: LoraOutputFlags): string {
  const save = b.add(saveLora, 3, `--out ${flags.out}`);
  b.connect(source, save, 'lora');
  b.set(save, 'path', path.resolve(flags.out), '--out', flags.out);
  b.set(save, 'ifExists', 'overwrite', '--out', 'replaced if it exists');
  b.set(save, 'format', 'auto', '--format');
  b.setFromFlag(save, 'format', '--format', flags.format);
  b.setFromFlag(save, 'dtype', '--dtype', flags.dtype);
  return save;
}
