/** Worker task 'extract.scan': how much one weight differs between base and tuned (decides skipping). */
import { defineTask } from '../../compute/task.js';
import type { TensorRef } from '../../module-source/source-types.js';
import { deltaStats, type DeltaStats } from '../../module-source/tensor-delta.js';

export interface ScanPayload {
  readonly base: TensorRef;
  readonly tuned: TensorRef;
}

export const extractScanTask = defineTask<ScanPayload, DeltaStats>(async (p) => ({ result: deltaStats(p.base, p.tuned) }));
