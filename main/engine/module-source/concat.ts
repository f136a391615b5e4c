/**
 * Exact rank concatenation (DESIGN.md §5): ΔW* = Σ c_i·s_i·up_i·down_i = hstack(up_i) · vstack(c_i·s_i·down_i),
 * scale 1 (alpha* = r*). A member that is a part of a fused module (rows) has its up placed at those rows,
 * zero elsewhere, which is exactly that part's contribution to the fused module.
 */
import type { LowRankFactors } from '../adapters/types.js';
import type { MatMul } from '../compute/matmul.js';
import { throwIfAborted } from '../errors.js';
import type { CombineMember, ModuleSource } from '../values/lora-value.js';
import { checkInputWidth, memberRows } from './member-rows.js';
import type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';
import type { ScaledFactors } from './scaled-factors.js';

export async function concatSource(source: Extract<ModuleSource, { type: 'concat' }>, matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<ScaledFactors> {
  const parts = await memberFactors(source.members, matmul, opts, evaluate);
  return { factors: concatenate(parts, source.out, source.inFlat, opts.module), scale: 1 };
}

export interface WeightedFactors {
  readonly factors: LowRankFactors;
  /** coefficient · the member's own scale: folded into its down rows. */
  readonly multiplier: number;
  readonly member: CombineMember;
}

export async function memberFactors(members: readonly CombineMember[], matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<WeightedFactors[]> {
  const out: WeightedFactors[] = [];
  for (const member of members) {
    throwIfAborted(opts.signal);
    const { factors, scale } = await evaluate.factors(member.source, matmul, opts);
    out.push({ factors, multiplier: member.coefficient * scale, member });
  }
  return out;
}

/** hstack(up_i) (each at its rows) and vstack(multiplier_i·down_i). */
export function concatenate(parts: readonly WeightedFactors[], out: number, inFlat: number, module?: string): LowRankFactors {
  const rank = parts.reduce((r, p) => r + p.factors.rank, 0);
  const up = new Float32Array(out * rank);
  const down = new Float32Array(rank * inFlat);
  let offset = 0;
  for (const { factors: f, multiplier, member } of parts) {
    checkInputWidth(f.inFlat, inFlat, module);
    const rows = memberRows(member, f.out, out, module);
    for (let i = 0; i < f.out; i++) up.set(f.up.subarray(i * f.rank, (i + 1) * f.rank), (rows.start + i) * rank + offset);
    const target = down.subarray(offset * inFlat, (offset + f.rank) * inFlat);
    for (let j = 0; j < target.length; j++) target[j] = multiplier * f.down[j]!;
    offset += f.rank;
  }
  return { up, down, rank, out, inFlat };
}
