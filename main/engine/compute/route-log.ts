/**
 * The one record of GPU-route decisions under the webgpu backend, per thread: each heavy operation that had
 * a GPU device counts itself here, on the GPU or on the CPU with the reason (backend-gram.ts for the Grams,
 * webgpu/gpu-matmul.ts for the MatMul seam, ops/apply/kernels/low-rank-job.ts for the bake). A worker thread
 * sends what it counted with each task's answer (workers/worker.ts) and the pool adds them up
 * (WorkerPool.takeRoutes); the engine service adds the main thread's own and puts the sum in run-finished.
 */
import { ROUTE_OPS, type GpuRoutes, type RouteOp } from '../../../shared/ipc/gpu-routes.js';

interface OpTally {
  gpu: number;
  /** By reason: count and the first call's detail. */
  cpu: Map<string, { count: number; detail: string }>;
}

type Tallies = Map<RouteOp, OpTally>;

function tally(tallies: Tallies, op: RouteOp): OpTally {
  let t = tallies.get(op);
  if (!t) tallies.set(op, (t = { gpu: 0, cpu: new Map() }));
  return t;
}

function addCpu(t: OpTally, reason: string, count: number, detail: string): void {
  const seen = t.cpu.get(reason);
  if (seen) seen.count += count;
  else t.cpu.set(reason, { count, detail });
}

function toRoutes(tallies: Tallies): GpuRoutes {
  return ROUTE_OPS.flatMap((op) => {
    const t = tallies.get(op);
    return t ? [{ op, gpu: t.gpu, cpu: [...t.cpu].map(([reason, c]) => ({ reason, count: c.count, detail: c.detail })) }] : [];
  });
}

const thread: Tallies = new Map();

/** One call of `op` ran on the GPU. */
export function recordGpuRoute(op: RouteOp): void {
  tally(thread, op).gpu++;
}

/** One call of `op` ran on the CPU instead of the GPU: `reason` is a fixed phrase, `detail` the full why. */
export function recordCpuRoute(op: RouteOp, reason: string, detail = reason): void {
  addCpu(tally(thread, op), reason, 1, detail);
}

/** What this thread counted since it started or since the last take / reset. */
export function routeLog(): GpuRoutes {
  return toRoutes(thread);
}

export function resetRouteLog(): void {
  thread.clear();
}

/** routeLog(), then reset: what a task (or a run) counted. */
export function takeRouteLog(): GpuRoutes {
  const log = routeLog();
  resetRouteLog();
  return log;
}

/** The sum of several threads' records: counts added per operation and reason (the first detail kept). */
export function mergeRoutes(...logs: readonly GpuRoutes[]): GpuRoutes {
  const sum: Tallies = new Map();
  for (const log of logs) {
    for (const r of log) {
      const t = tally(sum, r.op);
      t.gpu += r.gpu;
      for (const c of r.cpu) addCpu(t, c.reason, c.count, c.detail);
    }
  }
  return toRoutes(sum);
}
