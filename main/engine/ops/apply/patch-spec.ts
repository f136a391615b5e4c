/**
 * What a worker needs to produce one output tensor of a baked model: the base tensor's location, the output
 * dtype, and the patches in the order they apply. Structured-cloneable (it is in the payload of 'bake.tensorToFile').
 */
import type { TaskVectorMergeOptions } from '../../merge-methods/types.js';
import type { DType } from '../../tensor-io/dtypes.js';
import type { Fp8Overflow } from '../../tensor-io/float-convert.js';
import type { TensorEntry } from '../../tensor-io/safetensors-header.js';
import type { ModuleSource } from '../../values/lora-value.js';

export interface RowSlice {
  readonly start: number;
  readonly length: number;
}

/** W += coefficient · ΔW (or, for DoRA modules, W ← W + coefficient·(DoRA(W, ΔW) − W)). */
export interface DeltaPatch {
  readonly type: 'delta';
  /** Module name, for messages. */
  readonly module: string;
  readonly source: ModuleSource;
  readonly deltaShape: readonly number[];
  readonly coefficient: number;
  /** Only rows [start, start+length) of the base (fused q/k/v). */
  readonly slice?: RowSlice;
  /** Add ΔWᵀ (the base stores [in, out], or a PEFT embedding's (B·A)ᵀ). */
  readonly transpose: boolean;
  readonly dora: boolean;
  /** The source is a plain up·down product (a 'lora' module): set by the planner, lets the fused bake kernel take it. */
  readonly lowRank?: boolean;
}

/** `.diff_b` of a full patch, added to the base's bias. */
export interface BiasPatch {
  readonly type: 'bias';
  readonly module: string;
  readonly source: Extract<ModuleSource, { type: 'file' }>;
  readonly coefficient: number;
  readonly slice?: RowSlice;
}

/** PEFT modules_to_save: the adapter's tensor replaces the base's (rows `slice` only, if given). */
export interface ReplacePatch {
  readonly type: 'replace';
  readonly module: string;
  /** Adapter file path (loadAdapter input) and the tensor key inside it. */
  readonly path: string;
  readonly tensor: string;
}

/** Task-vector merge: each member's patches summed into τ_i, merged (TIES, DARE, …), then added. */
export interface MergePatch {
  readonly type: 'merge';
  readonly options: TaskVectorMergeOptions;
  readonly members: readonly { readonly index: number; readonly weight: number; readonly patches: readonly DeltaPatch[] }[];
}

/** One tensor of another model (Merge Models' B or C): its base tensor and the patches its own steps put on it. */
export interface OtherModelTensor {
  readonly entry: TensorEntry;
  readonly patches: readonly TensorPatch[];
}

/** Merge Models: weighted_sum W ← (1 − factor)·W + factor·B; add_difference W ← W + factor·(B − C). */
export interface ModelMergePatch {
  readonly type: 'model-merge';
  readonly mode: 'weighted_sum' | 'add_difference';
  readonly factor: number;
  readonly b: OtherModelTensor;
  readonly c?: OtherModelTensor;
}

export type TensorPatch = DeltaPatch | BiasPatch | ReplacePatch | MergePatch | ModelMergePatch;

export interface TensorJob {
  readonly entry: TensorEntry;
  readonly outDtype: DType;
  readonly patches: readonly TensorPatch[];
  readonly fp8Overflow?: Fp8Overflow;
  /** F16/BF16 values that overflow to ±Inf are written, not refused (Save Model's Allow overflow). */
  readonly allowOverflow?: boolean;
}

/** A job with nothing to compute: the base bytes go to the output unchanged. */
export function isVerbatimCopy(job: TensorJob): boolean {
  return job.patches.length === 0 && job.outDtype === job.entry.dtype;
}
