/** Worker task 'combine.module': one module's factors from any factor-producing source (what Save LoRA pulls). */
import type { LowRankFactors } from '../adapters/types.js';
import { defineTask } from '../compute/task.js';
import type { ModuleSource } from '../values/lora-value.js';
import { moduleFactors } from './evaluate.js';
import type { CompressionStats, ScaledFactors } from './scaled-factors.js';

export interface ModuleFactorsPayload {
  readonly source: ModuleSource;
  /** The module's name, for messages. */
  readonly module: string;
}

export interface ModuleFactorsResult {
  readonly factors: LowRankFactors;
  readonly scale: number;
  readonly compression?: CompressionStats;
}

export const moduleFactorsTask = defineTask<ModuleFactorsPayload, ModuleFactorsResult>(async (p, ctx) => transferableResult(await moduleFactors(p.source, ctx.matmul, { signal: ctx.signal, module: p.module })));

/** Factors to send back to the pool, with the buffers to transfer. */
export function transferableResult({ factors, scale, compression }: ScaledFactors): { result: ModuleFactorsResult; transfer: ArrayBuffer[] } {
  // Copies, so that transferring never detaches a buffer the worker's adapter cache or a 'factors' source still holds.
  const result: ModuleFactorsResult = { factors: { ...factors, up: factors.up.slice(), down: factors.down.slice() }, scale, ...(compression ? { compression } : {}) };
  return { result, transfer: [result.factors.up.buffer, result.factors.down.buffer] as ArrayBuffer[] };
}

