import type { BackendInfo, BackendPreference } from './backend.js';
import type { GpuRoutes } from '../../../shared/ipc/gpu-routes.js';
import type { SerializedError } from './worker-errors.js';

/** workerData of every engine worker. */
export interface EngineWorkerData {
  backend?: BackendPreference;
  wasmDir?: string;
}

export type ToWorker =
  | { type: 'task'; id: number; name: string; payload: unknown }
  | { type: 'cancel'; id: number };

/** `routes`: what the task counted in the worker's route log (route-log.ts), when it counted anything. */
export type FromWorker =
  | { type: 'ready'; threadId: number; backend: BackendInfo }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; result: unknown; routes?: GpuRoutes }
  | { type: 'error'; id: number; error: SerializedError; routes?: GpuRoutes };
