/**
 * Per-module numbers for Inspect: ‖ΔW‖_F and the singular values of ΔW = coefficient·scale·up·down, from the
 * factors (lowRankSVD: Grams of the factors, never the dense product) where the module has them; LoHa, LoKr,
 * full and dense modules from their dense delta (spectrum only up to MAX_DENSE_SPECTRUM on the short side).
 * Effective rank (Roy & Vetterli): exp(H(p)), p_i = σ_i / Σσ.
 */
import type { MatMul } from '../../compute/matmul.js';
import { throwIfAborted } from '../../errors.js';
import { lowRankSVD } from '../../linalg/low-rank-svd.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { moduleDelta } from '../../module-source/evaluate.js';
import { moduleFactors } from '../../module-source/evaluate.js';

export interface ModuleStatsRequest {
  readonly module: string;
  readonly source: ModuleSource;
  /** Module kind: 'lora' modules (and combined sources) have factors. */
  readonly kind: string;
  readonly deltaShape: readonly number[];
  /** Strength multiplier on top of the source's own scale. */
  readonly coefficient: number;
}

export interface ModuleStats {
  readonly frobenius: number;
  /** Descending; null when not computed (a dense delta too wide for an exact spectrum). */
  readonly singularValues: Float64Array | null;
  readonly effectiveRank: number | null;
}

export const MAX_DENSE_SPECTRUM = 1024;

export function effectiveRank(sv: ArrayLike<number>): number | null {
  let sum = 0;
  for (let i = 0; i < sv.length; i++) sum += Math.max(0, sv[i]!);
  if (!(sum > 0)) return null;
  let h = 0;
  for (let i = 0; i < sv.length; i++) {
    const p = Math.max(0, sv[i]!) / sum;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

function hasFactors(r: ModuleStatsRequest): boolean {
  return r.source.type === 'factors' || (r.source.type === 'file' ? r.kind === 'lora' : r.source.type !== 'dense');
}

function allZero(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

function identity(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

export async function moduleStats(r: ModuleStatsRequest, matmul: MatMul, signal?: AbortSignal): Promise<ModuleStats> {
  if (hasFactors(r)) {
    const { factors: f, scale } = await moduleFactors(r.source, matmul, { signal, module: r.module });
    const c = Math.abs(scale * r.coefficient);
    // A fresh LoRA has one zero factor: ΔW = 0 exactly, no spectrum.
    if (allZero(f.up) || allZero(f.down)) return { frobenius: 0, singularValues: new Float64Array(0), effectiveRank: null };
    const svd = await lowRankSVD({ up: f.up, down: f.down, rows: f.out, rank: f.rank, cols: f.inFlat }, 1, matmul, { signal, module: r.module });
    const sv = Float64Array.from(svd.singularValues, (s) => s * c);
    return { frobenius: Math.sqrt(Math.max(0, svd.frobeniusSquared)) * c, singularValues: sv, effectiveRank: effectiveRank(sv) };
  }
  const delta = await moduleDelta(r.source, matmul);
  throwIfAborted(signal);
  const c = Math.abs(r.coefficient);
  let sq = 0;
  for (let i = 0; i < delta.length; i++) sq += delta[i]! * delta[i]!;
  const rows = r.deltaShape.length >= 2 ? r.deltaShape[0]! : 1;
  const cols = delta.length / Math.max(1, rows);
  const short = Math.min(rows, cols);
  if (short > MAX_DENSE_SPECTRUM || short === 0) return { frobenius: Math.sqrt(sq) * c, singularValues: null, effectiveRank: null };
  // ΔW = ΔW·I (or I·ΔW): lowRankSVD on the short side gives the exact spectrum in O((rows + cols)·short²).
  const f = cols <= rows ? { up: delta, down: identity(cols), rows, rank: cols, cols } : { up: identity(rows), down: delta, rows, rank: rows, cols };
  if (sq === 0) return { frobenius: 0, singularValues: new Float64Array(0), effectiveRank: null };
  const svd = await lowRankSVD(f, 1, matmul, { signal, module: r.module });
  const sv = Float64Array.from(svd.singularValues, (s) => s * c);
  return { frobenius: Math.sqrt(sq) * c, singularValues: sv, effectiveRank: effectiveRank(sv) };
}
