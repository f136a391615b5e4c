/**
 * `--block-weights <preset|v1,v2,…>`, `--te-strength <x>`, `--unet-strength <x>` per LoRA, shared by `merge`
 * and `combine`. Each may be repeated: the i-th value goes with the i-th `--lora`; a single value applies to
 * every LoRA; `-` means "none for this LoRA". `--lbw-presets <file>` adds presets in LBW's lbwpresets.txt
 * format. Vectors are checked against the model family once it is known (weightLora / weightAppliedLora).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EngineError } from '../engine/errors.js';
import { createBlockMultiplier, parsePresetText, weightLoraByBlocks } from '../engine/ops/block-weights/index.js';
import type { ArchitectureFamily } from '../engine/naming/types.js';
import type { LoraValue } from '../engine/values/lora-value.js';
import type { AppliedLora } from '../engine/values/model-value.js';
import { UsageError } from './errors.js';
import { collect } from './lora-spec.js';

export interface BlockWeightFlags {
  blockWeights: string[];
  teStrength: string[];
  unetStrength: string[];
  lbwPresets?: string;
}

/** What one LoRA gets; undefined fields leave that part at 1. */
export interface BlockWeightSpec {
  weights?: string;
  te?: number;
  unet?: number;
}

export function addBlockWeightOptions(command: Command): Command {
  return command
    .option('--block-weights <preset|v1,v2,…>', 'LoRA Block Weight preset or vector (17/26 SD 1.x/2.x, 12/20 SDXL, 61 Flux, one per layer for LLMs); repeat to match --lora order, "-" for none', collect, [])
    .option('--te-strength <x>', 'multiplier for text-encoder modules (LBW te=); repeat to match --lora order', collect, [])
    .option('--unet-strength <x>', 'multiplier for every other module (LBW unet=); repeat to match --lora order', collect, [])
    .option('--lbw-presets <file>', 'more block-weight presets, one NAME:v1,v2,… per line (LBW lbwpresets.txt)');
}

function perLora<T>(flag: string, values: readonly T[], loraCount: number): (T | undefined)[] {
  if (values.length === 0) return new Array<T | undefined>(loraCount).fill(undefined);
  if (values.length === 1) return new Array<T | undefined>(loraCount).fill(values[0]);
  if (values.length !== loraCount) {
    throw new UsageError(`${flag} is given ${values.length} times for ${loraCount} --lora: give it once (for every LoRA) or once per --lora, in the same order ("-" for none).`);
  }
  return [...values];
}

function strength(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '-') return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} ${raw}: not a number.`);
  return n;
}

/** One spec per --lora (undefined: no block weighting for it). Usage errors for counts and numbers. */
export function blockWeightSpecs(flags: BlockWeightFlags, loraCount: number): (BlockWeightSpec | undefined)[] {
  const weights = perLora('--block-weights', flags.blockWeights, loraCount);
  const te = perLora('--te-strength', flags.teStrength, loraCount);
  const unet = perLora('--unet-strength', flags.unetStrength, loraCount);
  return weights.map((w, i) => {
    const spec: BlockWeightSpec = {
      ...(w !== undefined && w.trim() !== '-' ? { weights: w } : {}),
      ...(strength('--te-strength', te[i]) !== undefined ? { te: strength('--te-strength', te[i]) } : {}),
      ...(strength('--unet-strength', unet[i]) !== undefined ? { unet: strength('--unet-strength', unet[i]) } : {}),
    };
    return Object.keys(spec).length === 0 ? undefined : spec;
  });
}

export function readLbwPresets(file: string | undefined): Record<string, string> {
  if (file === undefined) return {};
  try {
    return parsePresetText(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new EngineError('lbw-presets-unreadable', `${file}: cannot read the block-weight presets (${(err as Error).message}).`, { file, cause: err });
  }
}

/** The LoRA with its modules weighted by block (module blocks from canonical names: LoRA-only work such as combine). */
export function weightLora(lora: LoraValue, spec: BlockWeightSpec | undefined, family: ArchitectureFamily, presets: Readonly<Record<string, string>> = {}, blockOf?: Parameters<typeof weightLoraByBlocks>[1]['blockOf']): LoraValue {
  if (spec === undefined) return lora;
  const multiplier = createBlockMultiplier({ family, weights: spec.weights, te: spec.te, unet: spec.unet, presets });
  return weightLoraByBlocks(lora, { multiplier, ...(blockOf ? { blockOf } : {}) }, lora.label);
}

/** The applied LoRA with block weights; the mapping's target.block decides each module's block (the base is authoritative). */
export function weightAppliedLora(applied: AppliedLora, spec: BlockWeightSpec | undefined, family: ArchitectureFamily, presets: Readonly<Record<string, string>> = {}): AppliedLora {
  if (spec === undefined) return applied;
  const blockByModule = new Map(applied.mapping.matched.map((m) => [m.module, m.target.block]));
  // Unmatched modules (--allow-unmatched) are not baked; give them a neutral label so they do not fail.
  const lora = weightLora(applied.lora, spec, family, presets, (m) => blockByModule.get(m.name) ?? m.block ?? 'OTHER');
  return { ...applied, lora };
}

/** For the recipe: what each LoRA got. */
export function describeBlockWeightSpec(spec: BlockWeightSpec | undefined): Record<string, unknown> {
  return spec === undefined ? {} : { blockWeights: spec.weights ?? null, teStrength: spec.te ?? 1, unetStrength: spec.unet ?? 1 };
}
