import type { BackendInfo } from './backend.js';
import type { MatMul } from './matmul.js';

/** What a task handler gets besides its payload. */
export interface TaskContext {
  threadId: number;
  backend: BackendInfo;
  /** The worker's backend behind the MatMul seam (compute/backend-matmul.ts: WebGPU or tfjs). */
  matmul: MatMul;
  /** Aborted when the task is cancelled; long handlers check it (throwIfAborted) between steps. */
  signal: AbortSignal;
}

export interface TaskOutput<R> {
  result: R;
  /** Buffers inside `result` to move to the caller instead of copying. */
  transfer?: ArrayBuffer[];
}

export type TaskHandler<P, R> = (payload: P, ctx: TaskContext) => Promise<TaskOutput<R>>;

/** Identity with the types spelled out, so a registry entry reads `name: defineTask<P, R>(async (p, ctx) => …)`. */
export function defineTask<P, R>(handler: TaskHandler<P, R>): TaskHandler<P, R> {
  return handler;
}
