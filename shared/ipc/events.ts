/**
 * Engine events, pushed from the engine to every subscriber (renderer, CLI): one discriminated union on
 * `type`. `at` is ms since the epoch. A run emits run-started, then per node node-started, node-progress*,
 * and one of node-finished / node-failed / node-cancelled, then run-finished; log lines at any time.
 */
import { z } from 'zod';
import { problemSchema } from '../graph/problems.js';
import { gpuRoutesSchema } from './gpu-routes.js';
import { reportSchema } from './reports.js';
import { runOutputsSchema } from './runs.js';

const base = { runId: z.string(), at: z.number() };

export const runStartedEventSchema = z.object({
  type: z.literal('run-started'),
  ...base,
  /** The plan's nodes in execution order. */
  nodes: z.array(z.object({ nodeId: z.string(), title: z.string(), type: z.string() })),
  /** Nodes of the document that will not run (they feed no output). */
  pruned: z.array(z.string()),
  warnings: z.array(problemSchema),
  backend: z.string(),
  memory: z.object({ estimatedPeakBytes: z.number().nonnegative(), availableBytes: z.number().nonnegative() }).optional(),
});

export const nodeStartedEventSchema = z.object({ type: z.literal('node-started'), ...base, nodeId: z.string(), title: z.string() });

export const nodeProgressEventSchema = z.object({
  type: z.literal('node-progress'),
  ...base,
  nodeId: z.string(),
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  /** Estimated ms left; null while unknown. */
  etaMs: z.number().nonnegative().nullable(),
  /** "model.diffusion_model.input_blocks.4.1.proj_in.weight (312/1680)". */
  message: z.string().optional(),
});

export const nodeFinishedEventSchema = z.object({
  type: z.literal('node-finished'),
  ...base,
  nodeId: z.string(),
  ms: z.number().nonnegative(),
  /** The result came from the cache (nothing upstream or in its params changed). */
  cached: z.boolean(),
  /** One line for the node's badge: "rank 64, 264 modules", "written 2.1 GB". */
  summary: z.string().optional(),
  report: reportSchema.optional(),
});

export const nodeFailedEventSchema = z.object({
  type: z.literal('node-failed'),
  ...base,
  nodeId: z.string(),
  title: z.string(),
  message: z.string(),
  /** EngineError code ("file-not-found", "lora-unmatched", ...), "internal" for bugs. */
  code: z.string(),
  hint: z.string().optional(),
  /** What lies behind the message: a system error's text, or for "internal" errors the stack (for bug reports). */
  cause: z.string().optional(),
});

export const nodeCancelledEventSchema = z.object({ type: z.literal('node-cancelled'), ...base, nodeId: z.string() });

export const runFinishedEventSchema = z.object({
  type: z.literal('run-finished'),
  ...base,
  status: z.enum(['ok', 'failed', 'cancelled']),
  ms: z.number().nonnegative(),
  outputs: runOutputsSchema,
  /** Failed runs: the first error (a node's, or the run's own, e.g. insufficient memory). */
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional(), nodeId: z.string().optional() }).optional(),
  /** Under the webgpu backend: what the heavy operations ran on (GPU, or the CPU and why), from every thread. */
  gpuRoutes: gpuRoutesSchema.optional(),
});

export const logEventSchema = z.object({
  type: z.literal('log'),
  /** null: not tied to a run (engine start-up). */
  runId: z.string().nullable(),
  at: z.number(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  nodeId: z.string().optional(),
});

export const engineEventSchema = z.discriminatedUnion('type', [
  runStartedEventSchema,
  nodeStartedEventSchema,
  nodeProgressEventSchema,
  nodeFinishedEventSchema,
  nodeFailedEventSchema,
  nodeCancelledEventSchema,
  runFinishedEventSchema,
  logEventSchema,
]);

export type EngineEvent = z.infer<typeof engineEventSchema>;
export type EngineEventType = EngineEvent['type'];
export type EngineEventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/** Commands from the application menu (Electron) to the renderer; browser mode never sends them. */
export const MENU_ACTIONS = [
  'new',
  'open',
  'open-recent',
  'save',
  'save-as',
  'save-and-close',
  'undo',
  'redo',
  'run',
  'stop',
  'fit-view',
  'auto-layout',
  'find-node',
  'shortcuts',
  'toggle-theme',
] as const;

export const menuActionSchema = z.object({
  command: z.enum(MENU_ACTIONS),
  /** open-recent: which file. */
  path: z.string().optional(),
});
export type MenuAction = z.infer<typeof menuActionSchema>;
