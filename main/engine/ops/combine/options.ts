/**
 * Combine LoRAs: the methods and their options, validated once before any tensor is read.
 * Conventions per method are in docs/combine.md.
 */
import { EngineError } from '../../errors.js';
import type { RankRule } from '../../values/lora-value.js';
import { validateMergeOptions } from '../../merge-methods/options.js';
import { COMBINE_METHODS } from '../../../../shared/merge-methods.js';
import type { MergeMethodName, TaskVectorMergeOptions } from '../../merge-methods/types.js';
import { checkClampQuantile } from '../../module-source/clamp-quantile.js';
import { checkRankRule } from '../../module-source/rank-rule.js';

/** The methods of Combine LoRAs (shared/merge-methods.ts), plus kohya_concat: the node's kohya with "kohya --concat". */
export const COMBINE_PLAN_METHODS = [...COMBINE_METHODS.map((m) => m.value), 'kohya_concat' as const];
export type CombinePlanMethod = (typeof COMBINE_PLAN_METHODS)[number];

/** What a shell or a node collects; fields a method does not use are ignored. */
export interface RawCombineOptions {
  readonly method?: string;
  /** A fixed rank, or a rank rule (dynamic ranks: the output's ranks are then known only after computing). */
  readonly rank?: number | RankRule;
  readonly density?: number;
  readonly seed?: number;
  readonly majority?: string;
  readonly clampQuantile?: number;
}

export type CombineOptions =
  /** Exact rank concatenation. */
  | { readonly method: 'concat' }
  /** Best rank-k approximation of the weighted sum. */
  | { readonly method: 'svd'; readonly rank: RankRule; readonly clampQuantile?: number }
  /** Task-vector merge of dense deltas (PEFT semantics), then compressed. */
  | { readonly method: MergeMethodName; readonly merge: TaskVectorMergeOptions; readonly rank: RankRule; readonly clampQuantile?: number }
  /** sd-scripts merge_lora.py parity (not exact): summed factors, or --concat. */
  | { readonly method: 'kohya' | 'kohya_concat' };

export function parseCombineMethod(name: string): CombinePlanMethod {
  const found = COMBINE_PLAN_METHODS.find((m) => m === name);
  if (found === undefined) {
    throw new EngineError('combine-unknown-method', `Unknown combine method "${name}". Valid methods: ${COMBINE_PLAN_METHODS.join(', ')}.`, {
      hint: 'concat is exact (rank = sum of ranks); svd compresses to --rank; ties, dare_* , magnitude_prune and task_arithmetic merge task vectors, then compress.',
    });
  }
  return found;
}

export function validateCombineOptions(raw: RawCombineOptions): CombineOptions {
  const method = parseCombineMethod(raw.method ?? 'concat');
  switch (method) {
    case 'concat':
    case 'kohya':
    case 'kohya_concat':
      return { method };
    case 'svd':
      return { method, rank: rankRule(method, raw.rank), ...clamp(raw.clampQuantile) };
    default: {
      const merge = validateMergeOptions({ method, density: raw.density, seed: raw.seed, majority: raw.majority });
      return { method, merge, rank: rankRule(method, raw.rank), ...clamp(raw.clampQuantile) };
    }
  }
}

function rankRule(method: CombinePlanMethod, rank: number | RankRule | undefined): RankRule {
  if (rank === undefined) {
    throw new EngineError('combine-rank-required', `The ${method} method compresses its result and needs a rank.`, {
      hint: 'Pass --rank, e.g. --rank 32 (concat needs none: its rank is the sum of the input ranks).',
    });
  }
  return checkRankRule(typeof rank === 'number' ? { type: 'fixed', rank } : rank);
}

function clamp(q: number | undefined): { clampQuantile?: number } {
  const checked = checkClampQuantile(q);
  return checked === undefined ? {} : { clampQuantile: checked };
}

/** The parameters worth recording in a recipe. */
export function describeCombineOptions(o: CombineOptions): Record<string, unknown> {
  switch (o.method) {
    case 'concat':
    case 'kohya':
    case 'kohya_concat':
      return { method: o.method };
    case 'svd':
      return { method: o.method, rank: o.rank, clampQuantile: o.clampQuantile };
    default:
      return { ...o.merge, rank: o.rank, clampQuantile: o.clampQuantile };
  }
}
