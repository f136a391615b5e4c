/**
 * The main process's side of the engine host: an EngineApi whose calls travel to a separate process.
 * That process starts on first use and again after it ends. Stop asks the engine to stop cooperatively;
 * if the run has not finished after `stopGraceMs` the process is killed: the run then ends as cancelled
 * (events are synthesised so the UI never waits forever), the temporary output files it was writing are
 * removed, and the next call starts a fresh engine. A crash ends the run as failed, the same way.
 */
import { unlink } from 'node:fs/promises';
import type { EngineEvent } from '../../shared/ipc/events.js';
import { PlatformApiError } from '../../shared/ipc/errors.js';
import type { ActiveRun, RunStart, StopResult } from '../../shared/ipc/runs.js';
import { EngineError } from '../engine/errors.js';
import type { EngineApi } from '../shell/engine-api.js';
import { isFromEngineHost, type EngineCall, type FromEngineHost, type ToEngineHost } from './engine-protocol.js';

export interface EngineProcessHandle {
  post(message: ToEngineHost): void;
  onMessage(handler: (message: unknown) => void): void;
  onExit(handler: (code: number | null) => void): void;
  kill(): void;
}

export interface EngineClientOptions {
  spawn: () => EngineProcessHandle;
  /** How long after Stop a run may keep going before the engine process is killed (default 8000 ms: the engine's own grace comes first). */
  stopGraceMs?: number;
  /** How long dispose waits for a clean exit (default 5000 ms). */
  disposeGraceMs?: number;
}

export interface EngineClient extends EngineApi {
  /** Kills the engine process now; a run in progress ends as cancelled. */
  kill(): void;
  /** How many engine processes were started. */
  readonly starts: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface RunState {
  runId: string;
  startedAt: number;
  stopRequested: boolean;
  running: Set<string>;
  killTimer?: NodeJS.Timeout;
}

interface Live {
  handle: EngineProcessHandle;
  pending: Map<number, Pending>;
  killed: boolean;
  exited: Promise<void>;
}

export function createEngineClient(options: EngineClientOptions): EngineClient {
  const stopGraceMs = options.stopGraceMs ?? 8000;
  const listeners = new Set<(event: EngineEvent) => void>();
  let live: Live | null = null;
  let nextId = 1;
  let starts = 0;
  let run: RunState | null = null;
  let tempFiles: string[] = [];
  let disposed = false;

  const emit = (event: EngineEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // A broken subscriber must not stop the others.
      }
    }
  };

  const track = (event: EngineEvent): void => {
    if (event.type === 'run-started' && (run === null || run.runId !== event.runId)) run = { runId: event.runId, startedAt: event.at, stopRequested: false, running: new Set() };
    if (run === null || !('runId' in event) || event.runId !== run.runId) return;
    if (event.type === 'node-started') run.running.add(event.nodeId);
    if (event.type === 'node-finished' || event.type === 'node-failed' || event.type === 'node-cancelled') run.running.delete(event.nodeId);
    if (event.type === 'run-finished') {
      clearTimeout(run.killTimer);
      run = null;
    }
  };

  /** The process is gone: answer its callers, end its run, remove its temporary files. */
  const onGone = (l: Live, code: number | null): void => {
    if (live === l) live = null;
    const reason = l.killed ? 'The engine was stopped.' : `The engine process ended unexpectedly (exit code ${code ?? 'none'}).`;
    for (const p of l.pending.values()) p.reject(new EngineError(l.killed ? 'cancelled' : 'engine-crashed', reason, { hint: 'Try again: a fresh engine starts with the next action.' }));
    l.pending.clear();
    const files = tempFiles;
    tempFiles = [];
    void Promise.all(files.map((f) => unlink(f).catch(() => undefined)));
    if (run !== null) {
      const r = run;
      const at = Date.now();
      clearTimeout(r.killTimer);
      for (const nodeId of r.running) emit({ type: 'node-cancelled', runId: r.runId, at, nodeId });
      emit({ type: 'log', runId: r.runId, at, level: r.stopRequested ? 'warn' : 'error', message: r.stopRequested ? `The run did not stop in time: the engine process was killed${files.length > 0 ? ` and ${files.length} partial file(s) removed` : ''}.` : reason });
      const finished: EngineEvent = {
        type: 'run-finished',
        runId: r.runId,
        at,
        status: r.stopRequested ? 'cancelled' : 'failed',
        ms: Math.max(0, at - r.startedAt),
        outputs: { files: [], reports: [] },
        ...(r.stopRequested ? {} : { error: { code: 'engine-crashed', message: reason, hint: 'Run again; if it keeps happening, the run may need more memory than the machine has.' } }),
      };
      run = null;
      emit(finished);
    }
  };

  const start = (): Live => {
    if (disposed) throw new EngineError('engine-disposed', 'The engine has been shut down.');
    const handle = options.spawn();
    starts++;
    let markExited!: () => void;
    const l: Live = { handle, pending: new Map(), killed: false, exited: new Promise<void>((r) => (markExited = r)) };
    handle.onMessage((message) => {
      if (!isFromEngineHost(message)) return;
      handleMessage(l, message);
    });
    handle.onExit((code) => {
      onGone(l, code);
      markExited();
    });
    live = l;
    return l;
  };

  const handleMessage = (l: Live, message: FromEngineHost): void => {
    if (message.type === 'result') {
      const p = l.pending.get(message.id);
      if (!p) return;
      l.pending.delete(message.id);
      if (message.ok) p.resolve(message.value);
      else p.reject(new PlatformApiError(message.error));
    } else if (message.type === 'event') {
      track(message.event);
      emit(message.event);
    } else if (message.type === 'temp-files') {
      if (live === l) tempFiles = message.files;
    }
  };

  const call = <T>(method: EngineCall, args: unknown[]): Promise<T> => {
    let l: Live;
    try {
      l = live ?? start();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      l.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      l.handle.post({ type: 'call', id, method, args });
    });
  };

  const kill = (): void => {
    const l = live;
    if (!l) return;
    // Killing is always someone's decision to stop: a run in progress ends as cancelled, not failed.
    if (run !== null) run.stopRequested = true;
    l.killed = true;
    l.handle.kill();
  };

  return {
    get starts() {
      return starts;
    },
    kill,
    getBackendInfo: () => call('getBackendInfo', []),
    inspectFile: (request) => call('inspectFile', [request]),
    validateGraph: (document, context) => call('validateGraph', [document, context ?? {}]),
    async runGraph(document, runOptions, context) {
      const result = await call<RunStart>('runGraph', [document, runOptions ?? {}, context ?? {}]);
      if (result.status === 'started' && (run === null || run.runId !== result.runId)) run = { runId: result.runId, startedAt: Date.now(), stopRequested: false, running: new Set() };
      return result;
    },
    async stopRun(runId): Promise<StopResult> {
      const r = run;
      if (r === null || r.runId !== runId || live === null) return { stopped: false };
      r.stopRequested = true;
      if (r.killTimer === undefined) {
        r.killTimer = setTimeout(() => {
          if (run === r) kill();
        }, stopGraceMs);
        r.killTimer.unref();
      }
      // A host too busy to answer is killed by the timer above; the caller need not wait for it.
      const answer = call<StopResult>('stopRun', [runId]).catch(() => ({ stopped: true }));
      return Promise.race([answer, new Promise<StopResult>((resolve) => setTimeout(() => resolve({ stopped: true }), 1000).unref())]);
    },
    async getActiveRun(): Promise<ActiveRun> {
      return run === null ? null : { runId: run.runId, startedAt: run.startedAt };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async dispose() {
      disposed = true;
      const l = live;
      if (!l) return;
      l.handle.post({ type: 'dispose' });
      const timer = setTimeout(() => kill(), options.disposeGraceMs ?? 5000);
      await l.exited;
      clearTimeout(timer);
    },
  };
}
