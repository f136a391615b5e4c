/**
 * Task-vector merges on dense per-module deltas, with PEFT's semantics (peft/utils/merge_utils.py).
 * See docs/merge-methods.md for the conventions and where mergekit differs.
 */

export const MERGE_METHODS = ['task_arithmetic', 'magnitude_prune', 'ties', 'dare_linear', 'dare_ties'] as const;
export type MergeMethodName = (typeof MERGE_METHODS)[number];

export const MAJORITY_SIGN_METHODS = ['total', 'frequency'] as const;
/** PEFT's `majority_sign_method`: 'total' = sign of Σ τ_i, 'frequency' = sign of Σ sign(τ_i). */
export type MajoritySign = (typeof MAJORITY_SIGN_METHODS)[number];

export type TaskVectorMergeOptions =
  | { readonly method: 'task_arithmetic' }
  | { readonly method: 'magnitude_prune'; readonly density: number }
  | { readonly method: 'ties'; readonly density: number; readonly majority: MajoritySign }
  | { readonly method: 'dare_linear'; readonly density: number; readonly seed: number }
  | { readonly method: 'dare_ties'; readonly density: number; readonly seed: number; readonly majority: MajoritySign };

/** One input of a merge for one module: τ_i = s_i·ΔW_i (already scaled), and its weight w_i. */
export interface TaskVector {
  readonly values: Float32Array;
  readonly weight: number;
  /**
   * Which input this is (0-based, as the user listed them). It picks the random stream of DARE, so that a
   * module present in only some inputs draws the same mask for input 2 whether or not input 1 has it.
   * Defaults to the position in the list.
   */
  readonly index?: number;
}
