/** The dense delta of a combined source (concat, compress, task-merge, kohya-merge): scale·up·down of its factors. */
import type { MatMul } from '../../compute/matmul.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { moduleFactors } from './module-factors.js';
import { deltaOfFactors } from './scaled-factors.js';

export type CombinedSource = Extract<ModuleSource, { type: 'concat' | 'compress' | 'task-merge' | 'kohya-merge' }>;

export async function combinedModuleDelta(source: CombinedSource, matmul: MatMul, signal?: AbortSignal): Promise<Float32Array> {
  return deltaOfFactors(await moduleFactors(source, matmul, { signal }), matmul);
}
