/**
 * A test double of the engine for the server's transport and security tests (the real engine runs in the
 * integration and e2e tests): canned answers, records calls, emits the events a test asks for.
 */
import type { EngineEvent } from '../../../shared/ipc/events.js';
import type { EngineApi, GraphContext } from '../../../main/shell/engine-api.js';

export interface EngineDouble extends EngineApi {
  readonly calls: { method: string; args: unknown[] }[];
  emit(event: EngineEvent): void;
  disposed: boolean;
}

export function createEngineDouble(): EngineDouble {
  const listeners = new Set<(e: EngineEvent) => void>();
  const calls: { method: string; args: unknown[] }[] = [];
  const double: EngineDouble = {
    calls,
    disposed: false,
    emit: (event) => listeners.forEach((l) => l(event)),
    async inspectFile(request) {
      calls.push({ method: 'inspectFile', args: [request] });
      throw Object.assign(new Error(`"${request.path}" does not exist.`), { code: 'file-not-found', hint: 'Check the path.' });
    },
    async validateGraph(document, context?: GraphContext) {
      calls.push({ method: 'validateGraph', args: [document, context] });
      return [];
    },
    async runGraph(document, options, context?: GraphContext) {
      calls.push({ method: 'runGraph', args: [document, options, context] });
      return { status: 'started', runId: 'run-1' };
    },
    async stopRun(runId) {
      calls.push({ method: 'stopRun', args: [runId] });
      return { stopped: runId === 'run-1' };
    },
    async getActiveRun() {
      return null;
    },
    async getBackendInfo() {
      return {
        active: 'cpu',
        detail: 'test double',
        candidates: [{ backend: 'cpu', status: 'active' }],
        workers: 1,
        cpu: { model: 'test', cores: 1 },
        memory: { totalBytes: 1, freeBytes: 1 },
        platform: 'test',
        nodeVersion: process.version,
      };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      double.disposed = true;
    },
  };
  return double;
}
