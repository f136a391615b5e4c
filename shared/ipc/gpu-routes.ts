/**
 * Where a run's heavy operations ran under the webgpu backend: per kind of operation, how many calls the GPU
 * took and how many went to the CPU instead, by reason. Present in run-finished only when something was routed
 * (the webgpu backend was active and a heavy operation ran); cpu / wasm / tfjs backends route nothing.
 */
import { z } from 'zod';

/** bake: weights baked by the fused low-rank kernel; matmul: products on the MatMul seam; gram: Gram matrices. */
export const ROUTE_OPS = ['bake', 'matmul', 'gram'] as const;
export type RouteOp = (typeof ROUTE_OPS)[number];

export const cpuRouteSchema = z.object({
  /** A short, fixed phrase ("NaN or Inf in a factor"): calls with the same reason are counted together. */
  reason: z.string(),
  count: z.number().int().positive(),
  /** The first such call's full reason (sizes, values), for a tooltip or --json. */
  detail: z.string(),
});
export type CpuRoute = z.infer<typeof cpuRouteSchema>;

export const opRoutesSchema = z.object({
  op: z.enum(ROUTE_OPS),
  gpu: z.number().int().nonnegative(),
  cpu: z.array(cpuRouteSchema),
});
export type OpRoutes = z.infer<typeof opRoutesSchema>;

/** One entry per operation kind that ran, in ROUTE_OPS order. */
export const gpuRoutesSchema = z.array(opRoutesSchema);
export type GpuRoutes = z.infer<typeof gpuRoutesSchema>;
