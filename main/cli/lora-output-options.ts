/**
 * Flags shared by the commands that write a LoRA (resize, extract): --format, --dtype, and the rank rule
 * (--rank k, or --dynamic sv_ratio|sv_fro|sv_cumulative --param p with --rank as the cap, as kohya's
 * resize_lora.py --new_rank with --dynamic_method / --dynamic_param).
 */
import { isHfFamily } from '../engine/naming/components.js';
import type { LoraDtype, LoraFormat } from '../engine/export/save-lora.js';
import { DYNAMIC_RANK_METHODS } from '../engine/ops/module-source/rank-rule.js';
import type { ArchitectureFamily } from '../engine/naming/types.js';
import { writableDTypeFromName } from '../engine/tensor-io/dtypes.js';
import type { DynamicRankMethod, RankRule } from '../engine/values/lora-value.js';
import { UsageError } from './errors.js';
import { parseNumberOption } from './lora-spec.js';

export function parseLoraDtype(raw: string): LoraDtype | 'same' {
  if (raw === 'same') return 'same';
  const d = writableDTypeFromName(raw);
  if (d !== 'F32' && d !== 'F16' && d !== 'BF16') throw new UsageError(`--dtype ${raw}: a LoRA is written as same | fp32 | fp16 | bf16.`);
  return d;
}

/** kohya for SD-family and Flux, PEFT for transformers models, unless asked. */
export function parseLoraFormat(raw: string | undefined, family: ArchitectureFamily): LoraFormat {
  if (raw === undefined) return isHfFamily(family) ? 'peft' : 'kohya';
  if (raw !== 'kohya' && raw !== 'peft') throw new UsageError(`--format ${raw}: expected kohya or peft.`);
  return raw;
}

export function parseWholeNumber(flag: string, raw: string | undefined): number | undefined {
  return parseNumberOption(flag, raw, (n) => (Number.isSafeInteger(n) && n >= 1 ? undefined : 'not a whole number ≥ 1.'));
}

export interface RankFlags {
  rank?: string;
  dynamic?: string;
  param?: string;
}

export function parseRankRule(flags: RankFlags): RankRule {
  const rank = parseWholeNumber('--rank', flags.rank);
  if (flags.dynamic === undefined) {
    if (flags.param !== undefined) throw new UsageError('--param goes with --dynamic sv_ratio|sv_fro|sv_cumulative.');
    if (rank === undefined) throw new UsageError('give --rank k, or --dynamic sv_ratio|sv_fro|sv_cumulative --param p (with --rank as the largest rank allowed).');
    return { type: 'fixed', rank };
  }
  if (!(DYNAMIC_RANK_METHODS as readonly string[]).includes(flags.dynamic)) throw new UsageError(`--dynamic ${flags.dynamic}: expected ${DYNAMIC_RANK_METHODS.join(', ')}.`);
  const param = parseNumberOption('--param', flags.param);
  if (param === undefined) throw new UsageError(`--dynamic ${flags.dynamic} needs --param (sv_ratio: the largest σ_max/σ kept, ≥ 1; sv_fro and sv_cumulative: the fraction kept, in (0, 1]).`);
  return { type: 'dynamic', method: flags.dynamic as DynamicRankMethod, param, ...(rank !== undefined ? { maxRank: rank } : {}) };
}
