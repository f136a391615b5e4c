/**
 * The GPU-route record (route-log.ts): counting per operation and reason in one thread, taking it (the worker's
 * answer to each task), summing several threads' records (the pool, the run), and the one line people read
 * (shared/gpu-route-summary.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mergeRoutes, recordCpuRoute, recordGpuRoute, resetRouteLog, routeLog, takeRouteLog } from '../../../main/engine/compute/route-log.js';
import { gpuRouteSummary } from '../../../shared/gpu-route-summary.js';
import { gpuRoutesSchema, type GpuRoutes } from '../../../shared/ipc/gpu-routes.js';

afterEach(() => resetRouteLog());

describe('the per-thread route log', () => {
  it('counts per operation and reason, keeps the first detail, lists operations in a fixed order', () => {
    recordCpuRoute('gram', 'NaN or Inf in a factor', 'column 3 holds NaN or Inf');
    recordGpuRoute('gram');
    recordGpuRoute('bake');
    recordCpuRoute('gram', 'NaN or Inf in a factor', 'column 0 holds NaN or Inf');
    recordGpuRoute('gram');
    recordCpuRoute('gram', 'a column spans more than 2^40');
    expect(routeLog()).toEqual([
      { op: 'bake', gpu: 1, cpu: [] },
      {
        op: 'gram',
        gpu: 2,
        cpu: [
          { reason: 'NaN or Inf in a factor', count: 2, detail: 'column 3 holds NaN or Inf' },
          { reason: 'a column spans more than 2^40', count: 1, detail: 'a column spans more than 2^40' },
        ],
      },
    ]);
    expect(gpuRoutesSchema.parse(routeLog())).toEqual(routeLog());
  });

  it('take returns what was counted since the last take and starts again from nothing', () => {
    expect(takeRouteLog()).toEqual([]);
    recordGpuRoute('matmul');
    recordGpuRoute('matmul');
    expect(takeRouteLog()).toEqual([{ op: 'matmul', gpu: 2, cpu: [] }]);
    expect(takeRouteLog()).toEqual([]);
    recordCpuRoute('matmul', 'past a limit', 'a 3×4·4×5 product');
    expect(takeRouteLog()).toEqual([{ op: 'matmul', gpu: 0, cpu: [{ reason: 'past a limit', count: 1, detail: 'a 3×4·4×5 product' }] }]);
  });
});

describe('mergeRoutes', () => {
  const worker1: GpuRoutes = [
    { op: 'bake', gpu: 10, cpu: [{ reason: 'F64 to F16', count: 1, detail: 'first' }] },
    { op: 'gram', gpu: 4, cpu: [] },
  ];
  const worker2: GpuRoutes = [
    { op: 'matmul', gpu: 3, cpu: [{ reason: 'past a limit', count: 2, detail: 'm' }] },
    { op: 'gram', gpu: 1, cpu: [{ reason: 'NaN or Inf in a factor', count: 1, detail: 'n' }] },
  ];
  const worker3: GpuRoutes = [{ op: 'bake', gpu: 5, cpu: [{ reason: 'F64 to F16', count: 3, detail: 'second' }, { reason: 'DoRA', count: 1, detail: 'DoRA' }] }];

  it('adds the counts per operation and reason across threads (first detail kept), in the fixed order', () => {
    expect(mergeRoutes(worker1, worker2, worker3)).toEqual([
      { op: 'bake', gpu: 15, cpu: [{ reason: 'F64 to F16', count: 4, detail: 'first' }, { reason: 'DoRA', count: 1, detail: 'DoRA' }] },
      { op: 'matmul', gpu: 3, cpu: [{ reason: 'past a limit', count: 2, detail: 'm' }] },
      { op: 'gram', gpu: 5, cpu: [{ reason: 'NaN or Inf in a factor', count: 1, detail: 'n' }] },
    ]);
  });

  it('is the same sum in any order and grouping, and empty for no records', () => {
    const total = (r: GpuRoutes): number => r.reduce((s, o) => s + o.gpu + o.cpu.reduce((t, c) => t + c.count, 0), 0);
    const all = mergeRoutes(worker1, worker2, worker3);
    expect(total(all)).toBe(total(worker1) + total(worker2) + total(worker3));
    const regrouped = mergeRoutes(worker3, mergeRoutes(worker2, worker1));
    expect(regrouped.map((o) => [o.op, o.gpu, Object.fromEntries(o.cpu.map((c) => [c.reason, c.count]))])).toEqual(all.map((o) => [o.op, o.gpu, Object.fromEntries(o.cpu.map((c) => [c.reason, c.count]))]));
    expect(mergeRoutes()).toEqual([]);
    expect(mergeRoutes([], [])).toEqual([]);
  });
});

describe('gpuRouteSummary', () => {
  const llvmpipe = { device: 'llvmpipe', software: true };

  it('nothing routed: no line', () => {
    expect(gpuRouteSummary(undefined, llvmpipe)).toBeUndefined();
    expect(gpuRouteSummary([], llvmpipe)).toBeUndefined();
    expect(gpuRouteSummary([{ op: 'gram', gpu: 0, cpu: [] }], llvmpipe)).toBeUndefined();
  });

  it('everything where chosen: one short line naming the adapter', () => {
    expect(gpuRouteSummary([{ op: 'bake', gpu: 412, cpu: [] }, { op: 'gram', gpu: 12, cpu: [] }], llvmpipe)).toBe('gpu: 412 baked weights, 12 Gram matrices on llvmpipe (software)');
    expect(gpuRouteSummary([{ op: 'matmul', gpu: 1, cpu: [] }], { device: 'NVIDIA GeForce RTX 4090', software: false })).toBe('gpu: 1 matrix product on NVIDIA GeForce RTX 4090 (hardware)');
  });

  it('fallbacks: each reason with its count, singular and plural; no adapter given: none named', () => {
    const routes: GpuRoutes = [
      { op: 'bake', gpu: 0, cpu: [{ reason: 'LORA_STUDIO_BAKE_KERNEL=js', count: 3, detail: '' }] },
      { op: 'gram', gpu: 12, cpu: [{ reason: 'NaN or Inf in a factor', count: 2, detail: '' }, { reason: 'a column spans more than 2^40', count: 1, detail: '' }] },
    ];
    expect(gpuRouteSummary(routes, llvmpipe)).toBe('gpu: 12 Gram matrices on llvmpipe (software); cpu fallback: 3 baked weights (LORA_STUDIO_BAKE_KERNEL=js), 2 Gram matrices (NaN or Inf in a factor), 1 Gram matrix (a column spans more than 2^40)');
    expect(gpuRouteSummary([routes[0]!])).toBe('gpu: nothing; cpu fallback: 3 baked weights (LORA_STUDIO_BAKE_KERNEL=js)');
  });
});
