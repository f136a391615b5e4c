/**
 * What the UI knows about the current (or last) run, folded from engine events by reduceRunEvent.
 * Per-node status drives the status rings; the run panel lists progress, the log, errors and outputs.
 */
import type { Problem } from '../../../shared/graph/index.js';
import type { GpuRoutes, OutputFile, Report } from '../../../shared/ipc/index.js';

export type NodeRunStatus =
  | { readonly state: 'queued' }
  | { readonly state: 'running'; readonly fraction: number; readonly etaMs: number | null; readonly message?: string; readonly startedAt: number }
  | { readonly state: 'done'; readonly ms: number; readonly summary?: string }
  | { readonly state: 'cached'; readonly ms: number; readonly summary?: string }
  | { readonly state: 'failed'; readonly message: string; readonly code: string; readonly hint?: string }
  | { readonly state: 'cancelled' };

export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'finished';

export interface LogLine {
  readonly at: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly nodeId?: string;
}

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly nodeId?: string;
}

export interface RunState {
  readonly runId: string | null;
  readonly phase: RunPhase;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly status: 'ok' | 'failed' | 'cancelled' | null;
  /** Execution order, as the engine planned it. */
  readonly order: readonly { readonly nodeId: string; readonly title: string }[];
  readonly nodes: Readonly<Record<string, NodeRunStatus>>;
  /** Problems that kept the run from starting, and the plan's warnings. */
  readonly problems: readonly Problem[];
  readonly log: readonly LogLine[];
  readonly outputs: readonly OutputFile[];
  /** The latest report of each node. */
  readonly reports: Readonly<Record<string, Report>>;
  readonly error: RunError | null;
  readonly backend: string | null;
  readonly memory: { readonly estimatedPeakBytes: number; readonly availableBytes: number } | null;
  /** Under webgpu: where the finished run's heavy operations ran (GPU, or the CPU and why). */
  readonly gpuRoutes: GpuRoutes | null;
}

export const IDLE_RUN: RunState = {
  runId: null,
  phase: 'idle',
  startedAt: null,
  finishedAt: null,
  status: null,
  order: [],
  nodes: {},
  problems: [],
  log: [],
  outputs: [],
  reports: {},
  error: null,
  backend: null,
  memory: null,
  gpuRoutes: null,
};

/** The log keeps this many lines. */
export const LOG_LIMIT = 2000;
