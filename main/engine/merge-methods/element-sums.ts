import type { ElementPruner } from './pruners.js';
import type { MajoritySign } from './types.js';

/*
 * Both kernels walk the elements once, reading every input's element j before writing out[j] (so `out` may be
 * one of the inputs), and accumulate in float64 with one rounding to float32 per element; PEFT rounds to the
 * tensor's dtype after every operation, so results can differ from PEFT's in the last bit.
 */

/** Σ_i w_i·prune_i(τ_i): task_arithmetic, magnitude_prune, dare_linear. */
export function weightedSum(pruners: readonly ElementPruner[], weights: Float64Array, out: Float32Array): void {
  const m = pruners.length;
  const n = out.length;
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < m; i++) acc += weights[i] * pruners[i].at(j);
    out[j] = acc;
  }
}

/**
 * PEFT's ties / dare_ties after pruning: the sign is elected on the *unweighted* pruned values
 * (calculate_majority_sign_mask: 'total' = Σ τ_i, 'frequency' = Σ sign(τ_i); a tie, ≥ 0, elects +), then
 * disjoint_merge: Σ over inputs whose sign equals the elected one of w_i·τ_i, divided by how many there are
 * (at least 1, so an element where nothing agrees is 0). A pruned (zero) value has sign 0 and never agrees.
 */
export function signElectedMerge(
  pruners: readonly ElementPruner[],
  weights: Float64Array,
  majority: MajoritySign,
  out: Float32Array,
): void {
  const m = pruners.length;
  const n = out.length;
  const kept = new Float64Array(m);
  const byTotal = majority === 'total';
  for (let j = 0; j < n; j++) {
    let vote = 0;
    for (let i = 0; i < m; i++) {
      const v = pruners[i].at(j);
      kept[i] = v;
      vote += byTotal ? v : v > 0 ? 1 : v < 0 ? -1 : 0;
    }
    const positive = vote >= 0;
    let sum = 0;
    let agreeing = 0;
    for (let i = 0; i < m; i++) {
      const v = kept[i];
      if (positive ? v > 0 : v < 0) {
        sum += weights[i] * v;
        agreeing++;
      }
    }
    out[j] = agreeing > 1 ? sum / agreeing : sum;
  }
}
