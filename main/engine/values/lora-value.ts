/**
 * The `lora` value that flows on graph edges (DESIGN.md §3): a set of modules, each able to produce its
 * delta or factors on demand. Nothing big is held here: file-backed modules are read when a sink pulls them.
 */
import type { AdapterModuleKind, LowRankFactors, PeftAdapterConfig } from '../adapters/types.js';
import type { ArchitectureGuess } from '../naming/types.js';
import type { ExtractSource } from '../ops/extract/extract-source.js';
import type { TaskVectorMergeOptions } from '../ops/merge-methods/types.js';

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
  | { type: 'kohya-merge'; out: number; inFlat: number; members: readonly KohyaMergeMember[]; concat: boolean }
  /** Extract LoRA: the truncated SVD of ΔW = tuned − base of one weight, read from both checkpoints when pulled. */
  | ExtractSource;

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

export interface LoraModuleValue {
  /** The module's name as its source spells it: what naming/ resolves against a base. */
  readonly name: string;
  /** Dialect-independent name (naming canonicalModule) for LoRA-only alignment; undefined if unknown. */
  readonly canonical?: string;
  /** Block label ("IN04", "TE1", "L03" ...) when known without a base; used by block weights and reports. */
  readonly block?: string;
  readonly kind: AdapterModuleKind;
  /** ΔW shape in module orientation ([out, in] or [out, in, kh, kw]). */
  readonly deltaShape: readonly number[];
  readonly rank: number | undefined;
  /** alpha / r (or its variants) of the source; informational: the source applies it. */
  readonly scale: number;
  /** ΔW is applied transposed onto its base weight (PEFT embeddings: the delta is (B·A)ᵀ). */
  readonly embedding: boolean;
  /** DoRA module: not a plain additive delta (bakes with the base weight; refuses linear combination). */
  readonly dora: boolean;
  /** Product of the strengths applied by Scale / Block Weights on top of the source's own scale. */
  readonly strength: number;
  readonly source: ModuleSource;
  /** kind 'replace' (PEFT modules_to_save): the source file's tensor for each base parameter ("weight", "bias"). */
  readonly replaceTensors?: Readonly<Record<string, string>>;
}

export interface LoraValue {
  readonly kind: 'lora';
  /** For messages and reports: the file name, or the node that made it. */
  readonly label: string;
  /** What the modules' names and shapes say the LoRA was made for. */
  readonly architecture: ArchitectureGuess;
  readonly modules: readonly LoraModuleValue[];
  /** Files this value reads (for output-is-input checks and the recipe). */
  readonly inputs: readonly string[];
  /** Tensors of the source that are not part of any module, with why (mapping reports show them). */
  readonly unusedKeys: readonly { key: string; reason: string }[];
  /**
   * The PEFT config of the source file (adapter_config.json or diffusers metadata), when there is one: Save LoRA
   * keeps its fan_in_fan_out, use_rslora, modules_to_save, base model and task type.
   */
  readonly peftConfig?: PeftAdapterConfig;
}

/** Same LoRA with every module's strength multiplied (Scale LoRA; per-module factors for Block Weights). */
export function scaleLora(lora: LoraValue, factor: number | ((m: LoraModuleValue) => number), label?: string): LoraValue {
  const f = typeof factor === 'number' ? () => factor : factor;
  return {
    ...lora,
    label: label ?? lora.label,
    modules: lora.modules.map((m) => ({ ...m, strength: m.strength * f(m) })),
  };
}
