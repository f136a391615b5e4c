import { defineTask } from '../../compute/task.js';
import { withPositionalWriter } from '../../tensor-io/positional-write.js';
import { bakeTensor, bakeTensorTo } from './bake-tensor.js';
import type { TensorJob } from './patch-spec.js';

/** Worker task: one output tensor of a baked model, returned as bytes (transferred, not copied). */
export const bakeTensorTask = defineTask<TensorJob, Uint8Array>(async (job, ctx) => {
  const bytes = await bakeTensor(job, ctx.matmul, ctx.signal);
  const buffer = bytes.buffer as ArrayBuffer;
  return { result: bytes, transfer: bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [] };
});

/** One output tensor computed into memory the caller shares with the worker (a view over a SharedArrayBuffer). */
export interface BakeIntoPayload {
  readonly job: TensorJob;
  /** Exactly the output tensor's byte length. */
  readonly out: Uint8Array;
}

/**
 * Worker task: bakes one tensor into `out`, which the main thread then writes to the output in order. The
 * worker never waits on the disk (a write blocked by dirty-page throttling would stall its compute); the
 * main thread's writes overlap the workers' compute. Returns the number of bytes.
 */
export const bakeTensorIntoTask = defineTask<BakeIntoPayload, number>(async ({ job, out }, ctx) => {
  const bytes = await bakeTensor(job, ctx.matmul, ctx.signal, out);
  if (bytes !== out) {
    if (bytes.byteLength !== out.byteLength) throw new RangeError(`bake.tensorInto: tensor "${job.entry.name}" has ${bytes.byteLength} output bytes, the buffer holds ${out.byteLength}.`);
    out.set(bytes);
  }
  return { result: out.byteLength };
});

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
 * its memory): no bytes travel back to the main thread, which only records the tensor as written, in order.
 * Returns the number of bytes written.
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
