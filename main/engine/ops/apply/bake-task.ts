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

/** One output tensor written by the worker itself at its place in the output file (TensorWriter.placement). */
export interface BakeToFilePayload {
  readonly job: TensorJob;
  readonly file: string;
  readonly offset: number;
  /** Shared by the workers writing into the same output (createWriteLock). */
  readonly writeLock?: SharedArrayBuffer;
}

/** What the worker wrote, and the job's baseBytes handed back (transferred) when it had them. */
export interface BakeToFileResult {
  readonly written: number;
  readonly baseBytes?: Uint8Array;
}

/**
 * Worker task: bakes one tensor straight into the output file (the fused kernel writes block by block from
 * its memory): no output bytes travel back to the main thread, which only records the tensor as written, in
 * order. Base bytes the caller read and transferred here (job.baseBytes) go back to it, for its hash and its
 * buffer pool.
 */
export const bakeTensorToFileTask = defineTask<BakeToFilePayload, BakeToFileResult>(async ({ job, file, offset, writeLock }, ctx) => {
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
  const base = job.baseBytes;
  return base ? { result: { written, baseBytes: base }, transfer: [base.buffer as ArrayBuffer] } : { result: { written } };
});
