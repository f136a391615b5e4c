import { defineTask } from '../../compute/task.js';
import { withPositionalWriter } from '../../tensor-io/positional-write.js';
import { bakeTensorTo } from './bake-tensor.js';
import type { TensorJob } from './patch-spec.js';

/** One output tensor written by the worker itself at its place in the output file (TensorWriter.placement). */
export interface BakeToFilePayload {
  readonly job: TensorJob;
  readonly file: string;
  readonly offset: number;
  /** Shared by the workers writing into the same output (createWriteLock). */
  readonly writeLock?: SharedArrayBuffer;
}

/**
 * Worker task: bakes one tensor straight into the output file (the fused kernel writes block by block from
 * its memory): no output bytes travel back to the main thread, which only records the tensor as written, in
 * order. The result is the number of bytes written.
 */
export const bakeTensorToFileTask = defineTask<BakeToFilePayload, number>(async ({ job, file, offset, writeLock }, ctx) => {
  let written = 0;
  await withPositionalWriter(file, offset, (write) =>
    bakeTensorTo(
      job,
      ctx.matmul,
      (bytes, at) => {
        write(bytes, at);
        written += bytes.byteLength;
      },
      ctx.signal,
    ),
    writeLock,
  );
  return { result: written };
});
