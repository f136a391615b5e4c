/**
 * The lazy module-source tree that `lora` values carry (values/lora-value.ts): where a module's numbers come from,
 * evaluated one module at a time by moduleFactors / moduleDelta (evaluate.ts).
 */
import type { LowRankFactors } from '../adapters/types.js';
import type { TaskVectorMergeOptions } from '../merge-methods/types.js';
import type { TensorEntry } from '../tensor-io/safetensors-header.js';

/** Where a module's numbers come from. Every variant is structured-cloneable (it crosses to worker threads). */
export type ModuleSource =
  /** A module of a LoRA file or PEFT directory: re-opened by path (in a worker) and computed there. */
  | { type: 'file'; path: string; module: string }
  /** Low-rank factors held in memory (New LoRA, compressed results): ΔW = scale·up·down. */
  | { type: 'factors'; factors: LowRankFactors; scale: number }
  /** A dense ΔW held in memory (module orientation, flattened [out, inFlat], scale included). */
  | { type: 'dense'; delta: Float32Array }
  /**
   * Exact rank concatenation (Combine LoRAs, method concat): ΔW = Σ_i coefficient_i · ΔW_i as factors
   * down* = vstack(coefficient_i·s_i·down_i), up* = hstack(up_i), scale 1 (alpha* = r*).
   */
  | { type: 'concat'; out: number; inFlat: number; members: readonly CombineMember[] }
  /** Best rank-`rank` approximation of Σ_i coefficient_i · ΔW_i (method svd), optionally clamped as kohya. */
  | { type: 'compress'; out: number; inFlat: number; members: readonly CombineMember[]; rank: RankRule; clampQuantile?: number }
  /**
   * Task-vector merge (TIES, DARE, ...; PEFT semantics) of τ_i = coefficient_i · ΔW_i with weights w_i,
   * then compressed to `rank`.
   */
  | {
      type: 'task-merge';
      out: number;
      inFlat: number;
      members: readonly TaskMergeMember[];
      options: TaskVectorMergeOptions;
      rank: RankRule;
      clampQuantile?: number;
    }
  /** kohya sd-scripts merge_lora.py parity (NOT exact: see docs/merge-methods.md); ΔW = (alpha/rank)·up·down. */
  | { type: 'kohya-merge'; out: number; inFlat: number; members: readonly KohyaMergeMember[]; concat: boolean };

/**
 * One input of a combined module: ΔW_i is the member source's delta (its own scale applied); `coefficient`
 * multiplies it (the input's weight times the module's strength). `rows` places a part of a fused module
 * (Flux diffusers to_q inside qkv) at its rows of the combined module; absent: all rows.
 */
export interface CombineMember {
  readonly source: ModuleSource;
  readonly coefficient: number;
  readonly rows?: { readonly start: number; readonly length: number };
}

/** A task vector τ_i = coefficient·ΔW_i, merged with weight w_i; `index` (the input's position) picks its DARE stream. */
export interface TaskMergeMember extends CombineMember {
  readonly weight: number;
  readonly index: number;
}

/** An input of a kohya merge: its factors source (scale = alpha/rank), and sd-scripts' `--ratios` value. */
export interface KohyaMergeMember {
  readonly source: ModuleSource;
  readonly ratio: number;
  readonly index: number;
}

/**
 * How many singular values a compression keeps, kohya resize_lora.py's options: a fixed rank, or a dynamic
 * rule on the spectrum (`sv_ratio`: σ_i > σ_0/param; `sv_fro`: retained Frobenius fraction ≥ param;
 * `sv_cumulative`: Σσ fraction ≥ param), capped at `maxRank` (kohya's --new_rank).
 */
export type RankRule =
  | { readonly type: 'fixed'; readonly rank: number }
  | { readonly type: 'dynamic'; readonly method: DynamicRankMethod; readonly param: number; readonly maxRank?: number };

export type DynamicRankMethod = 'sv_ratio' | 'sv_fro' | 'sv_cumulative';

/** One weight of a checkpoint; `slice`: rows [start, start+length) of a fused weight (in_proj q/k/v). */
export interface TensorRef {
  readonly entry: TensorEntry;
  readonly slice?: { readonly start: number; readonly length: number };
}

/** What Extract LoRA computes for one weight (module-source/extract-source.ts, in a worker): the truncated SVD of ΔW = tuned − base. */
export interface ExtractSource {
  readonly base: TensorRef;
  readonly tuned: TensorRef;
  /** The checkpoint stores the weight [in, out] (GPT-2 Conv1D, text_projection): ΔW is transposed into module orientation. */
  readonly transpose: boolean;
  /** ΔW in module orientation: out × in·kh·kw. */
  readonly out: number;
  readonly inFlat: number;
  readonly rank: RankRule;
  /** kohya's clamp of the factors at this quantile (extract_lora_from_models.py --clamp_quantile). */
  readonly clampQuantile?: number;
  /** Seed of the randomized SVD (full-size matrices); the same seed gives the same factors. */
  readonly seed?: number;
}
