import { defineTask } from '../../compute/task.js';
import { bakeTensor } from './bake-tensor.js';
import type { TensorJob } from './patch-spec.js';

/** The job, and optionally a buffer (transferred in) that the output may be written into, to be reused. */
export type BakeTensorPayload = TensorJob & { readonly into?: Uint8Array };

/** Worker task: one output tensor of a baked model, returned as bytes (transferred, not copied). */
export const bakeTensorTask = defineTask<BakeTensorPayload, Uint8Array>(async (job, ctx) => {
  const bytes = await bakeTensor(job, ctx.matmul, ctx.signal, job.into);
  const buffer = bytes.buffer as ArrayBuffer;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength;
  return { result: bytes, transfer: whole || buffer === job.into?.buffer ? [buffer] : [] };
});
