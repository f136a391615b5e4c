/**
 * `--block-weights <preset|v1,v2,…>`, `--te-strength <x>`, `--unet-strength <x>` per LoRA, shared by `merge`
 * and `combine`: each becomes a Block Weights node between that LoRA's Load LoRA and what consumes it. Each
 * flag may be repeated: the i-th value goes with the i-th `--lora`; a single value applies to every LoRA; `-`
 * means "none for this LoRA". `--lbw-presets <file>` adds presets in LBW's lbwpresets.txt format (written into
 * the graph as custom vectors). With a base (merge), the Block Weights node gets the model too, so each module's
 * block is the one of the base tensor it maps to; without (combine), the LoRA's own (docs/block-weights.md).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isBlockWeightPresetName } from '../../shared/blocks/block-weight-presets.js';
import { blockWeights } from '../../shared/nodes/catalogue/lora.js';
import { parsePresetText } from '../../shared/blocks/preset-text.js';
import { EngineError } from '../engine/errors.js';
import { UsageError } from './errors.js';
import type { GraphBuilder } from './graph-builder.js';
import { paramHelp } from './flag-help.js';
import { collect } from './lora-spec.js';

export interface BlockWeightFlags {
  blockWeights: string[];
  teStrength: string[];
  unetStrength: string[];
  lbwPresets?: string;
}

export function addBlockWeightOptions(command: Command): Command {
  return command
    .option('--block-weights <preset|v1,v2,…>', 'LoRA Block Weight preset or vector (17/26 SD 1.x/2.x, 12/20 SDXL, 61 Flux, one per layer for LLMs); repeat to match --lora order, "-" for none', collect, [])
    .option('--te-strength <x>', `${paramHelp(blockWeights.params.teStrength, 'multiplier for text-encoder modules (LBW te=)')}; repeat to match --lora order`, collect, [])
    .option('--unet-strength <x>', `${paramHelp(blockWeights.params.unetStrength, 'multiplier for every other module (LBW unet=)')}; repeat to match --lora order`, collect, [])
    .option('--lbw-presets <file>', 'more block-weight presets, one NAME:v1,v2,… per line (LBW lbwpresets.txt)');
}

function perLora(flag: string, values: readonly string[], loraCount: number): (string | undefined)[] {
  const given = values.map((v) => (v.trim() === '-' ? undefined : v));
  if (given.length === 0) return new Array<string | undefined>(loraCount).fill(undefined);
  if (given.length === 1) return new Array<string | undefined>(loraCount).fill(given[0]);
  if (given.length !== loraCount) {
    throw new UsageError(`${flag} is given ${values.length} times for ${loraCount} --lora: give it once (for every LoRA) or once per --lora, in the same order ("-" for none).`);
  }
  return given;
}

function readLbwPresets(file: string | undefined): Record<string, string> {
  if (file === undefined) return {};
  try {
    return parsePresetText(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new EngineError('lbw-presets-unreadable', `${file}: cannot read the block-weight presets (${(err as Error).message}).`, { file, cause: err });
  }
}

/**
 * Adds one Block Weights node per LoRA that has block weights; returns, per LoRA, the node whose output carries
 * it on (the Block Weights node, or the Load LoRA itself).
 */
export function addBlockWeightNodes(builder: GraphBuilder, loraNodes: readonly string[], flags: BlockWeightFlags, model?: string): string[] {
  const n = loraNodes.length;
  const weights = perLora('--block-weights', flags.blockWeights, n);
  const te = perLora('--te-strength', flags.teStrength, n);
  const unet = perLora('--unet-strength', flags.unetStrength, n);
  const presets = readLbwPresets(flags.lbwPresets);
  return loraNodes.map((loraNode, i) => {
    if (weights[i] === undefined && te[i] === undefined && unet[i] === undefined) return loraNode;
    const id = builder.add(blockWeights, 1, `--lora #${i + 1}'s block weights`);
    builder.connect(loraNode, id, 'lora');
    if (model !== undefined) builder.connect(model, id, 'model');
    const w = weights[i]?.trim();
    if (w !== undefined) {
      const user = presets[w];
      if (user !== undefined) {
        builder.set(id, 'preset', 'custom', '--block-weights', w);
        builder.setFromFlag(id, 'weights', `--block-weights ${w} (from --lbw-presets)`, user);
      } else if (!w.includes(',') && !Number.isFinite(Number(w))) {
        const name = w.toUpperCase();
        if (!isBlockWeightPresetName(name)) throw new UsageError(`--block-weights ${w}: not a preset (${[...Object.keys(presets)].join(', ')}${Object.keys(presets).length > 0 ? ', ' : ''}NONE, ALL, INS, IND, INALL, MIDD, OUTD, OUTS, OUTALL, ALL0.5, FLUXALL) nor a vector of numbers.`);
        builder.set(id, 'preset', name, '--block-weights', w);
      } else {
        builder.set(id, 'preset', 'custom', '--block-weights', w);
        builder.setFromFlag(id, 'weights', '--block-weights', w);
      }
    } else builder.set(id, 'preset', 'ALL', '--block-weights', '-');
    builder.setFromFlag(id, 'teStrength', '--te-strength', te[i]);
    builder.setFromFlag(id, 'unetStrength', '--unet-strength', unet[i]);
    return id;
  });
}
