/** Worker tasks of Inspect: one module's norm and spectrum, one module's sign conflicts across LoRAs. */
import { defineTask } from '../../compute/task.js';
import { moduleStats, type ModuleStats, type ModuleStatsRequest } from './module-stats.js';
import { countSignConflicts, type SignConflictCount, type SignConflictRequest } from './sign-conflicts.js';

export const moduleStatsTask = defineTask<ModuleStatsRequest, ModuleStats>(async (r, ctx) => {
  const result = await moduleStats(r, ctx.matmul, ctx.signal);
  return { result, transfer: result.singularValues ? [result.singularValues.buffer as ArrayBuffer] : [] };
});

export const signConflictsTask = defineTask<SignConflictRequest, SignConflictCount>(async (r, ctx) => ({ result: await countSignConflicts(r, ctx.matmul, ctx.signal) }));
