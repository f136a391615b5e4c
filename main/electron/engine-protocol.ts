/**
 * Messages between the Electron main process and the engine host (a utilityProcess; a Node child process
 * in tests). Calls carry the EngineApi method and its already validated arguments; the host answers with
 * the result or an ApiError, pushes every engine event, and reports the temporary output files it is
 * writing so that a hard kill can remove them.
 */
import type { ApiError } from '../../shared/ipc/errors.js';
import type { EngineEvent } from '../../shared/ipc/events.js';

export const ENGINE_CALLS = ['getBackendInfo', 'inspectFile', 'validateGraph', 'runGraph', 'stopRun', 'getActiveRun'] as const;
export type EngineCall = (typeof ENGINE_CALLS)[number];

export type ToEngineHost = { type: 'call'; id: number; method: EngineCall; args: unknown[] } | { type: 'dispose' };

export type FromEngineHost =
  | { type: 'ready'; pid: number }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiError }
  | { type: 'event'; event: EngineEvent }
  | { type: 'temp-files'; files: string[] }
  | { type: 'disposed' };

export const isEngineCall = (m: unknown): m is EngineCall => typeof m === 'string' && (ENGINE_CALLS as readonly string[]).includes(m);

export function isFromEngineHost(m: unknown): m is FromEngineHost {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'result' || t === 'event' || t === 'temp-files' || t === 'disposed';
}

export function isToEngineHost(m: unknown): m is ToEngineHost {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as { type?: unknown; id?: unknown; method?: unknown; args?: unknown };
  if (r.type === 'dispose') return true;
  return r.type === 'call' && typeof r.id === 'number' && isEngineCall(r.method) && Array.isArray(r.args);
}
