/**
 * Worker task 'extract.module': one weight pair read once: the statistics that decide skipping and, for a
 * module kept, its truncated SVD as factors (module-source/extract-source.ts).
 */
import { defineTask } from '../../compute/task.js';
import { extractModule } from '../../module-source/extract-source.js';
import type { ExtractSource } from '../../module-source/source-types.js';
import { transferableResult, type ModuleFactorsResult } from '../../module-source/task.js';
import type { DeltaStats } from '../../module-source/tensor-delta.js';

export interface ExtractModulePayload {
  readonly source: ExtractSource;
  /** Skip the module when max |ΔW| is at most this (kohya's --min_diff). */
  readonly threshold: number;
  /** The module's name, for messages. */
  readonly module: string;
}

export interface ExtractModuleResult {
  readonly stats: DeltaStats;
  /** Absent: skipped. */
  readonly factors?: ModuleFactorsResult;
}

export const extractModuleTask = defineTask<ExtractModulePayload, ExtractModuleResult>(async (p, ctx) => {
  const { stats, result } = await extractModule(p.source, p.threshold, ctx.matmul, { signal: ctx.signal, module: p.module });
  if (!result) return { result: { stats } };
  const { result: factors, transfer } = transferableResult(result);
  return { result: { stats, factors }, transfer };
});
