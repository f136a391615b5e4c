/**
 * The Gram products on the active backend: under webgpu our float-float WGSL kernel on the thread's GPU device
 * (webgpu/gpu-gram.ts, the accuracy of the CPU's fp64 sums); otherwise, and for what the GPU kernel refuses
 * (NaN/Inf, a column spanning more than 2^40, a Gram past the adapter's limits, a device that fails the
 * float-float self-check), the CPU kernel. Each refusal is counted with its reason in this thread's
 * `gramRouteLog()`. tfjs has no float64, so node-gpu / node keep the CPU kernel.
 */
import type { GramProducts } from './gram-products.js';
import { cpuGrams } from './gram-products.js';
import { activeGpu } from './webgpu/gpu-device.js';
import { gpuGramOfColumns, gpuGramOfRows, type GpuGramResult } from './webgpu/gpu-gram.js';

export interface GramRouteLog {
  /** Grams computed on the GPU in this thread. */
  gpu: number;
  /** Grams the GPU kernel refused under webgpu, by reason (computed on the CPU instead). */
  refused: Map<string, number>;
}

const log: GramRouteLog = { gpu: 0, refused: new Map() };

/** Where this thread's Grams went under webgpu since it started (or since resetGramRouteLog). */
export function gramRouteLog(): GramRouteLog {
  return { gpu: log.gpu, refused: new Map(log.refused) };
}

export function resetGramRouteLog(): void {
  log.gpu = 0;
  log.refused.clear();
}

const cpu = cpuGrams();

function routed(result: GpuGramResult, onCpu: () => Promise<Float64Array>): Promise<Float64Array> {
  if (result.ok) {
    log.gpu++;
    return Promise.resolve(result.gram);
  }
  log.refused.set(result.reason, (log.refused.get(result.reason) ?? 0) + 1);
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
