import { EngineError } from '../errors.js';
import { signElectedMerge, weightedSum } from './element-sums.js';
import { validateMergeOptions } from './options.js';
import { keepAll, magnitudePruner, randomPruner, type ElementPruner } from './pruners.js';
import type { TaskVector, TaskVectorMergeOptions } from './types.js';

/**
 * Merges the task vectors of one module: τ_i = s_i·ΔW_i (all the same length) with weights w_i, by PEFT's
 * semantics of `method` (docs/merge-methods.md). Synchronous and allocation-light: it allocates only the
 * result (none if `out` is given; `out` may be one of the inputs) and two 256 KiB histograms, reused.
 */
export function mergeTaskVectors(
  module: string,
  tasks: readonly TaskVector[],
  options: TaskVectorMergeOptions,
  out?: Float32Array,
): Float32Array {
  const checked = validateMergeOptions(options);
  const n = checkTasks(module, tasks, out);
  const result = out ?? new Float32Array(n);
  const weights = Float64Array.from(tasks, (t) => t.weight);
  const inputIndex = (t: TaskVector, position: number): number => t.index ?? position;

  switch (checked.method) {
    case 'task_arithmetic':
      weightedSum(tasks.map((t) => keepAll(t.values)), weights, result);
      break;
    case 'magnitude_prune':
      weightedSum(magnitudePruners(module, tasks, checked.density, inputIndex), weights, result);
      break;
    case 'ties':
      signElectedMerge(magnitudePruners(module, tasks, checked.density, inputIndex), weights, checked.majority, result);
      break;
    case 'dare_linear':
      weightedSum(tasks.map((t, p) => randomPruner(t.values, checked.density, checked.seed, module, inputIndex(t, p))), weights, result);
      break;
    case 'dare_ties':
      signElectedMerge(
        tasks.map((t, p) => randomPruner(t.values, checked.density, checked.seed, module, inputIndex(t, p))),
        weights,
        checked.majority,
        result,
      );
      break;
  }
  return result;
}

// Every cut is found before the merge pass writes anything, so an in-place `out` cannot disturb a cut.
function magnitudePruners(
  module: string,
  tasks: readonly TaskVector[],
  density: number,
  inputIndex: (t: TaskVector, position: number) => number,
): ElementPruner[] {
  return tasks.map((t, p) => magnitudePruner(t.values, density, module, inputIndex(t, p)));
}

function checkTasks(module: string, tasks: readonly TaskVector[], out: Float32Array | undefined): number {
  if (tasks.length === 0) {
    throw new EngineError('merge-no-inputs', `${module}: nothing to merge (no input has this module).`, { module });
  }
  const n = tasks[0].values.length;
  const seen = new Set<number>();
  tasks.forEach((t, p) => {
    const index = t.index ?? p;
    if (t.values.length !== n) {
      throw new EngineError(
        'merge-length-mismatch',
        `${module}: input ${index} has ${t.values.length} values but input ${tasks[0].index ?? 0} has ${n}; task vectors of one module must have the same shape.`,
        { module, hint: 'The inputs target differently shaped modules: check that they were trained for the same base model.' },
      );
    }
    if (!Number.isFinite(t.weight)) {
      throw new EngineError('merge-weight-invalid', `${module}: input ${index} has weight ${String(t.weight)}; weights must be finite numbers.`, { module });
    }
    if (!Number.isSafeInteger(index) || index < 0 || seen.has(index)) {
      throw new EngineError('merge-index-invalid', `${module}: input index ${String(index)} is negative, fractional or used twice.`, {
        module,
        hint: 'Each input needs its own index: it picks the input\'s random stream.',
      });
    }
    seen.add(index);
  });
  if (out !== undefined && out.length !== n) {
    throw new EngineError('merge-length-mismatch', `${module}: the output buffer has ${out.length} values, the inputs ${n}.`, { module });
  }
  return n;
}
