import { defineTask } from '../compute/task.js';
import { throwIfAborted } from '../errors.js';
import { copyRange, type RangeCopy } from '../tensor-io/range-copy.js';

export interface CopyRangePayload extends RangeCopy {
  /** Shared by the workers writing into the same output (createWriteLock). */
  readonly writeLock?: SharedArrayBuffer;
}

/** Worker task: untouched tensors copied from the base into the output, at their place, by the worker itself. */
export const copyRangeTask = defineTask<CopyRangePayload, number>(async ({ writeLock, ...range }, ctx) => {
  throwIfAborted(ctx.signal);
  await copyRange(range, writeLock);
  return { result: range.length };
});
