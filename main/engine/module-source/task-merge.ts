/**
 * Task-vector merge of one module (TIES, DARE, magnitude prune, task arithmetic; PEFT semantics, see
 * docs/merge-methods.md): τ_i = c_i·ΔW_i dense (each at its rows of the module), merged with weights w_i by
 * mergeTaskVectors, then compressed to the rank (the merged delta is dense, generally of full rank).
 */
import type { MatMul } from '../compute/matmul.js';
import { mergeTaskVectors } from '../merge-methods/merge-task-vectors.js';
import type { TaskVector } from '../merge-methods/types.js';
import type { ModuleSource } from '../values/lora-value.js';
import { compressDense } from './compress.js';
import { addMemberDelta } from './member-delta.js';
import type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';
import type { ScaledFactors } from './scaled-factors.js';

export async function taskMergeSource(source: Extract<ModuleSource, { type: 'task-merge' }>, matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<ScaledFactors> {
  const { out, inFlat } = source;
  const tasks: TaskVector[] = [];
  for (const member of source.members) {
    const tau = await addMemberDelta(new Float32Array(out * inFlat), member, out, inFlat, matmul, opts, evaluate);
    tasks.push({ values: tau, weight: member.weight, index: member.index });
  }
  // The merge writes into the first task vector (allowed: every cut is found before anything is written).
  const merged = mergeTaskVectors(opts.module ?? 'module', tasks, source.options, tasks[0]?.values);
  return compressDense(merged, out, inFlat, source.rank, source.clampQuantile, matmul, opts);
}
