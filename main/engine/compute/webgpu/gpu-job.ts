/**
 * The frame every GPU job of ours runs in (the bake, the matmul, the Grams): its buffers are made through
 * `buffer` and all destroyed afterwards, and it runs inside validation and out-of-memory error scopes, so a
 * GPU fault fails the job as EngineError 'gpu-error' (naming the job and the adapter) instead of handing back
 * garbage. An error the job throws itself (a stop) passes through.
 */
import { EngineError } from '../../errors.js';
import type { GpuContext } from './gpu-device.js';

/** Makes a buffer of at least `size` bytes (rounded up to 4, at least 16) that the job frame destroys afterwards. */
export type GpuBufferMaker = (size: number, usage: number, label?: string) => GPUBuffer;

export async function runGpuJob<T>(gpu: GpuContext, what: string, job: (buffer: GpuBufferMaker) => Promise<T>): Promise<T> {
  const { device } = gpu;
  const created: GPUBuffer[] = [];
  const buffer: GpuBufferMaker = (size, usage, label) => {
    const buf = device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage, ...(label ? { label } : {}) });
    created.push(buf);
    return buf;
  };
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let done: { value: T } | undefined;
  let failure: GPUError | null = null;
  try {
    done = { value: await job(buffer) };
  } finally {
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    for (const buf of created) buf.destroy();
    failure = oom ?? invalid;
  }
  if (failure || !done) {
    throw new EngineError('gpu-error', `${what} failed on ${gpu.adapter.label}: ${failure?.message ?? 'no result'}`, { hint: 'Use --backend wasm; please report this with the adapter named above.' });
  }
  return done.value;
}

/**
 * One compute pass of `pipeline` with `bindings` bound in order (group 0) over `workgroups`, then the first
 * `bytes` bytes of `out` copied back to the host through a mappable buffer made with `buffer`.
 */
export async function dispatchAndRead(gpu: GpuContext, buffer: GpuBufferMaker, pipeline: GPUComputePipeline, bindings: readonly GPUBuffer[], workgroups: readonly [number, number, number], out: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const { device, usage } = gpu;
  const readBuf = buffer(bytes, usage.MAP_READ | usage.COPY_DST);
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: bindings.map((buf, binding) => ({ binding, resource: { buffer: buf } })) });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(...workgroups);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, readBuf, 0, readBuf.size);
  device.queue.submit([encoder.finish()]);
  await readBuf.mapAsync(gpu.mapRead, 0, readBuf.size);
  const copy = readBuf.getMappedRange(0, readBuf.size).slice(0, bytes);
  readBuf.unmap();
  return copy;
}
