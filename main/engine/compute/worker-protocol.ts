import type { BackendInfo, BackendPreference } from './backend.js';
import type { SerializedError } from './worker-errors.js';

/** workerData of every engine worker. */
export interface EngineWorkerData {
  backend?: BackendPreference;
  wasmDir?: string;
}

export type ToWorker =
  | { type: 'task'; id: number; name: string; payload: unknown }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'ready'; threadId: number; backend: BackendInfo }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError };
