/** What evaluating a module source takes besides the source: options, and the interpreter's entry points. */
import type { MatMul } from '../compute/matmul.js';
import type { ScaledFactors } from './scaled-factors.js';
import type { ModuleSource } from './source-types.js';

export interface EvaluateOptions {
  readonly signal?: AbortSignal;
  /** The module being evaluated, for messages. */
  readonly module?: string;
}

/**
 * moduleFactors and moduleDelta (evaluate.ts), handed to the evaluator of each composite source so that it
 * can evaluate its members (themselves sources) without importing the dispatcher that imports it.
 */
export interface SourceEvaluator {
  factors(source: ModuleSource, matmul: MatMul, opts?: EvaluateOptions): Promise<ScaledFactors>;
  delta(source: ModuleSource, matmul: MatMul): Promise<Float32Array>;
}
