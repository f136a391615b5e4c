/**
 * What a truncation keeps of a spectrum, in the numbers kohya's resize_lora.py prints with --verbose
 * (rank_resize): sum(S) retained = Σ_{i<k} σ_i / Σ σ_i, fro retained = √(Σ_{i<k} σ_i² / ‖ΔW‖²_F),
 * max(S) ratio = σ_0 / σ_{k−1}. A spectrum that is only the top of the matrix's (randomized SVD) gives the
 * sum ratio against the values known (an upper bound) and says so.
 */
export interface Retention {
  /** Σ kept σ / Σ σ (null for a zero matrix). */
  readonly sumRetained: number | null;
  /** ‖kept‖_F / ‖ΔW‖_F (null for a zero matrix). */
  readonly froRetained: number | null;
  /** σ_0 / σ_{k−1} (null when σ_{k−1} is 0). */
  readonly maxRatio: number | null;
  /** Σ of the kept σ (kohya's s_rank). */
  readonly keptSum: number;
}

export function retention(values: ArrayLike<number>, rank: number, frobeniusSquared?: number): Retention {
  let sum = 0;
  let squares = 0;
  let keptSum = 0;
  let keptSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const s = Math.abs(values[i]!);
    sum += s;
    squares += s * s;
    if (i < rank) {
      keptSum += s;
      keptSquares += s * s;
    }
  }
  const total = Math.max(squares, frobeniusSquared ?? 0);
  const last = rank >= 1 && rank <= values.length ? Math.abs(values[rank - 1]!) : 0;
  return {
    sumRetained: sum > 0 ? keptSum / sum : null,
    froRetained: total > 0 ? Math.sqrt(keptSquares / total) : null,
    maxRatio: last > 0 && values.length > 0 ? Math.abs(values[0]!) / last : null,
    keptSum,
  };
}
