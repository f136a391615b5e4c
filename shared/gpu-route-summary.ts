/**
 * One line for people about where a run's heavy operations ran (the CLI's stderr after a run, the run panel):
 * `gpu: 412 baked weights, 12 Gram matrices on llvmpipe (software); cpu fallback: 2 Gram matrices (NaN or Inf in a factor)`.
 */
import type { GpuRoutes, RouteOp } from './ipc/gpu-routes.js';

const NOUNS: Record<RouteOp, readonly [one: string, many: string]> = {
  bake: ['baked weight', 'baked weights'],
  matmul: ['matrix product', 'matrix products'],
  gram: ['Gram matrix', 'Gram matrices'],
};

const counted = (op: RouteOp, n: number): string => `${n} ${NOUNS[op][n === 1 ? 0 : 1]}`;

/** The line, or undefined when nothing was routed (no webgpu backend, or no heavy operation in the run). */
export function gpuRouteSummary(routes: GpuRoutes | undefined, adapter?: { readonly device: string; readonly software: boolean }): string | undefined {
  if (!routes || routes.every((r) => r.gpu === 0 && r.cpu.length === 0)) return undefined;
  const onGpu = routes.filter((r) => r.gpu > 0).map((r) => counted(r.op, r.gpu));
  const where = adapter ? ` on ${adapter.device} (${adapter.software ? 'software' : 'hardware'})` : '';
  const gpu = `gpu: ${onGpu.length > 0 ? onGpu.join(', ') : 'nothing'}${where}`;
  const cpu = routes.flatMap((r) => r.cpu.map((c) => `${counted(r.op, c.count)} (${c.reason})`));
  return cpu.length > 0 ? `${gpu}; cpu fallback: ${cpu.join(', ')}` : gpu;
}
