/** One aligned module group → the combined module value (its lazy source, rank and scale) for a method. */
import type { CombineMember, LoraModuleValue, ModuleSource } from '../../values/lora-value.js';
import type { AlignedMember, ModuleGroup } from './align.js';
import { CombineError } from './errors.js';
import type { CombineOptions } from './options.js';

export interface WeightedInput {
  readonly label: string;
  readonly weight: number;
}

export function combinedModule(group: ModuleGroup, inputs: readonly WeightedInput[], options: CombineOptions): LoraModuleValue {
  const { source, rank, scale } = sourceFor(group, inputs, options);
  return {
    name: group.name,
    canonical: group.canonical,
    block: group.block,
    kind: 'lora',
    deltaShape: group.deltaShape,
    rank,
    scale,
    embedding: group.embedding,
    dora: false,
    strength: 1,
    source,
  };
}

function member(m: AlignedMember, inputs: readonly WeightedInput[]): CombineMember {
  return { source: m.module.source, coefficient: inputs[m.input]!.weight * m.module.strength, ...(m.rows ? { rows: m.rows } : {}) };
}

function sourceFor(group: ModuleGroup, inputs: readonly WeightedInput[], options: CombineOptions): { source: ModuleSource; rank: number | undefined; scale: number } {
  const { out, inFlat } = group;
  switch (options.method) {
    case 'concat': {
      const ranks = factorRanks(group, inputs, 'concat');
      return { source: { type: 'concat', out, inFlat, members: group.members.map((m) => member(m, inputs)) }, rank: sum(ranks), scale: 1 };
    }
    case 'svd': {
      const stacked = group.members.every((m) => m.module.kind === 'lora' && m.module.rank !== undefined) ? sum(group.members.map((m) => m.module.rank!)) : Infinity;
      const rank = options.rank.type === 'fixed' ? { type: 'fixed' as const, rank: Math.min(options.rank.rank, out, inFlat, stacked) } : options.rank;
      const source: ModuleSource = { type: 'compress', out, inFlat, members: group.members.map((m) => member(m, inputs)), rank, ...clamp(options.clampQuantile) };
      return { source, rank: rank.type === 'fixed' ? rank.rank : undefined, scale: 1 };
    }
    case 'kohya':
    case 'kohya_concat': {
      const ranks = factorRanks(group, inputs, options.method);
      const concat = options.method === 'kohya_concat';
      if (group.members.some((m) => m.rows !== undefined)) {
        throw new CombineError('combine-fused-part', `${group.name}: sd-scripts' merge_lora.py cannot merge a fused module with its parts.`, {
          module: group.name,
          hint: 'Use the exact concat method.',
        });
      }
      if (!concat && new Set(ranks).size > 1) {
        const detail = group.members.map((m, i) => `${inputs[m.input]!.label}: ${ranks[i]}`).join(', ');
        throw new CombineError('kohya-merge-rank-mismatch', `${group.name}: ranks differ (${detail}); sd-scripts' merge_lora.py only sums LoRAs of equal rank.`, {
          module: group.name,
          hint: 'Use kohya_concat for parity with sd-scripts --concat, or the exact concat method.',
        });
      }
      const rank = concat ? sum(ranks) : ranks[0]!;
      const first = group.members[0]!.module;
      const baseAlpha = first.scale * first.rank!;
      const members = group.members.map((m) => ({ source: m.module.source, ratio: inputs[m.input]!.weight * m.module.strength, index: m.input }));
      return { source: { type: 'kohya-merge', out, inFlat, members, concat }, rank, scale: baseAlpha / rank };
    }
    default: {
      const rank = options.rank.type === 'fixed' ? { type: 'fixed' as const, rank: Math.min(options.rank.rank, out, inFlat) } : options.rank;
      const members = group.members.map((m) => ({ ...member(m, inputs), coefficient: m.module.strength, weight: inputs[m.input]!.weight, index: m.input }));
      const source: ModuleSource = { type: 'task-merge', out, inFlat, members, options: options.merge, rank, ...clamp(options.clampQuantile) };
      return { source, rank: rank.type === 'fixed' ? rank.rank : undefined, scale: 1 };
    }
  }
}

/** Ranks of members that must have low-rank factors (concat and kohya work on factors, not deltas). */
function factorRanks(group: ModuleGroup, inputs: readonly WeightedInput[], method: string): number[] {
  return group.members.map((m) => {
    if (m.module.kind !== 'lora' || m.module.rank === undefined) {
      throw new CombineError(
        'combine-no-factors',
        `${inputs[m.input]!.label}: module "${m.module.name}" is ${m.module.kind === 'full' ? 'a full (dense) patch' : `a ${m.module.kind.toUpperCase()} module`}, which has no low-rank factors to ${method === 'concat' ? 'concatenate' : 'merge'}.`,
        { module: m.module.name, hint: 'Use --method svd --rank k: its dense delta is then compressed with the others.' },
      );
    }
    return m.module.rank;
  });
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function clamp(q: number | undefined): { clampQuantile?: number } {
  return q === undefined ? {} : { clampQuantile: q };
}
