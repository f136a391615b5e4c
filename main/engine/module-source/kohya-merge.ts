/**
 * kohya sd-scripts merge_lora.py parity for one module (kohyaMergeModule, NOT exact: docs/merge-methods.md).
 * Each member's alpha is its scale × rank (the stored alpha for kohya files, alpha/r = scale), so a file
 * without alpha enters with alpha = rank, as sd-scripts reads it. Result: ΔW = (alpha/rank)·up·down.
 */
import type { MatMul } from '../compute/matmul.js';
import { throwIfAborted } from '../errors.js';
import type { ModuleSource } from '../values/lora-value.js';
import { kohyaMergeModule, type KohyaFactors } from '../merge-methods/kohya.js';
import type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';
import type { ScaledFactors } from './scaled-factors.js';

export async function kohyaMergeSource(source: Extract<ModuleSource, { type: 'kohya-merge' }>, matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<ScaledFactors> {
  const count = source.members.reduce((n, m) => Math.max(n, m.index + 1), 0);
  const inputs: (KohyaFactors | undefined)[] = new Array<KohyaFactors | undefined>(count).fill(undefined);
  const ratios: number[] = new Array<number>(count).fill(0);
  for (const member of source.members) {
    throwIfAborted(opts.signal);
    const { factors, scale } = await evaluate.factors(member.source, matmul, opts);
    inputs[member.index] = { down: factors.down, up: factors.up, rank: factors.rank, alpha: scale * factors.rank };
    ratios[member.index] = member.ratio;
  }
  const merged = kohyaMergeModule(opts.module ?? 'module', inputs, ratios, { concat: source.concat });
  return {
    factors: { up: merged.up, down: merged.down, rank: merged.rank, out: source.out, inFlat: source.inFlat },
    scale: merged.alpha / merged.rank,
  };
}
