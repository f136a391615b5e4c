/**
 * A slow, literal reading of peft/utils/merge_utils.py on plain number arrays, for comparison with the
 * one-pass kernels: explicit masks, a full stable sort for top-k (ties to the lower index, our documented
 * choice where torch.topk leaves it unspecified), stacked tensors, then sum / divide. Float64 throughout.
 */
export function referenceMagnitudePrune(values: ArrayLike<number>, density: number): number[] {
  const n = values.length;
  if (density >= 1) return Array.from(values);
  const k = Math.floor(density * n);
  const magnitude = (j: number): number => Math.abs(values[j]);
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) =>
    magnitude(a) > magnitude(b) ? -1 : magnitude(a) < magnitude(b) ? 1 : a - b,
  );
  const mask = new Array<boolean>(n).fill(false);
  for (const j of order.slice(0, k)) mask[j] = true;
  // torch computes tensor·mask, which turns a pruned ±Inf into NaN; a pruned value is 0 here and in the engine.
  return Array.from(values, (v, j) => (mask[j] ? v : 0));
}

export function referenceWeightedSum(tasks: readonly (readonly number[])[], weights: readonly number[]): number[] {
  return tasks[0].map((_, j) => tasks.reduce((acc, t, i) => acc + weights[i] * t[j], 0));
}

export function referenceSignElectedMerge(
  tasks: readonly (readonly number[])[],
  weights: readonly number[],
  majority: 'total' | 'frequency',
): number[] {
  return tasks[0].map((_, j) => {
    const column = tasks.map((t) => t[j]);
    const magnitude = majority === 'total' ? column.reduce((a, v) => a + v, 0) : column.reduce((a, v) => a + Math.sign(v), 0);
    const elected = magnitude >= 0 ? 1 : -1;
    const mask = column.map((v): number => (Math.sign(v) === elected ? 1 : 0));
    const mixed = column.reduce((a, v, i) => a + weights[i] * v * mask[i], 0);
    const preserved = mask.reduce((a, m) => a + m, 0);
    return mixed / Math.max(preserved, 1);
  });
}
