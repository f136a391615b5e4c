/**
 * The Gram products on the active backend: under webgpu our float-float WGSL kernel on the thread's GPU device
 * (webgpu/gpu-gram.ts, the accuracy of the CPU's fp64 sums); otherwise, and for what the GPU kernel refuses
 * (NaN/Inf, a column spanning more than 2^40, a Gram past the adapter's limits, a device that fails the
 * float-float self-check), the CPU kernel. Each Gram under webgpu is counted in this thread's route log
 * (route-log.ts), a refusal with its reason. tfjs has no float64, so node-gpu / node keep the CPU kernel.
 */
import type { GramProducts } from './gram-products.js';
import { cpuGrams } from './gram-products.js';
import { activeGpu } from './webgpu/gpu-device.js';
import { gpuGramOfColumns, gpuGramOfRows, type GpuGramResult } from './webgpu/gpu-gram.js';
import { recordCpuRoute, recordGpuRoute } from './route-log.js';

const cpu = cpuGrams();

function routed(result: GpuGramResult, onCpu: () => Promise<Float64Array>): Promise<Float64Array> {
  if (result.ok) {
    recordGpuRoute('gram');
    return Promise.resolve(result.gram);
  }
  recordCpuRoute('gram', result.reason, result.detail);
  return onCpu();
}

/** Looks up the backend on every call, like backendMatMul. */
export const backendGrams: GramProducts = {
  async ofColumns(x, n, r, signal) {
    const gpu = activeGpu();
    if (!gpu) return cpu.ofColumns(x, n, r);
    return routed(await gpuGramOfColumns(gpu, x, n, r, { signal }), () => cpu.ofColumns(x, n, r));
  },
  async ofRows(x, r, n, signal) {
    const gpu = activeGpu();
    if (!gpu) return cpu.ofRows(x, r, n);
    return routed(await gpuGramOfRows(gpu, x, r, n, { signal }), () => cpu.ofRows(x, r, n));
  },
};
