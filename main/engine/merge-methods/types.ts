/**
 * Task-vector merges on dense per-module deltas, with PEFT's semantics (peft/utils/merge_utils.py).
 * See docs/merge-methods.md for the conventions and where mergekit differs.
 */

import type { MajoritySign } from '../../../shared/merge-methods.js';

export { MERGE_METHODS, MAJORITY_SIGN_METHODS, type MergeMethodName, type MajoritySign } from '../../../shared/merge-methods.js';

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
