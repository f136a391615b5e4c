import type { Problem } from '../../../shared/graph/index.js';
import type { EngineEvent } from '../../../shared/ipc/index.js';
import { reduceRunEvent } from '../run/reduce-run-event.js';
import { IDLE_RUN, type NodeRunStatus, type RunState } from '../run/run-state.js';
import type { SliceCreator } from './slice.js';

export interface RunSlice {
  readonly run: RunState;
  applyEngineEvent(event: EngineEvent): void;
  /** Run pressed: waiting for runGraph's answer. */
  runRequested(): void;
  /** runGraph answered "started" (events may already have arrived). */
  runAccepted(runId: string): void;
  /** runGraph refused to start: validation problems, or an error. */
  runRefused(problems: readonly Problem[], error?: { code: string; message: string; hint?: string }): void;
  stopRequested(): void;
  /** Another document was loaded: the last run's statuses, problems and reports were about the old one. */
  resetRun(): void;
}

export const createRunSlice: SliceCreator<RunSlice> = (set, get) => ({
  run: IDLE_RUN,
  applyEngineEvent(event) {
    const next = reduceRunEvent(get().run, event);
    if (next !== get().run) set({ run: next });
  },
  runRequested() {
    set({ run: { ...IDLE_RUN, phase: 'starting', reports: get().run.reports } });
  },
  runAccepted(runId) {
    const r = get().run;
    if (r.runId === runId) return;
    set({ run: { ...r, runId, phase: r.phase === 'starting' ? 'running' : r.phase } });
  },
  runRefused(problems, error) {
    // The nodes the engine refused show it on the canvas, like a node that failed while running.
    const nodes: Record<string, NodeRunStatus> = {};
    for (const p of problems) {
      if (p.severity !== 'error' || p.nodeId === undefined || nodes[p.nodeId]) continue;
      nodes[p.nodeId] = { state: 'failed', message: p.message, code: p.code, ...(p.hint !== undefined ? { hint: p.hint } : {}) };
    }
    set({
      run: {
        ...IDLE_RUN,
        phase: 'finished',
        status: 'failed',
        nodes,
        problems: [...problems],
        reports: get().run.reports,
        error: error ?? { code: 'invalid-graph', message: `The graph has ${problems.filter((p) => p.severity === 'error').length} problem(s) to fix before it can run.` },
      },
    });
  },
  resetRun() {
    const r = get().run;
    if (r.phase === 'starting' || r.phase === 'running' || r.phase === 'stopping') return;
    set({ run: IDLE_RUN });
  },
  stopRequested() {
    const r = get().run;
    if (r.phase === 'running' || r.phase === 'starting') set({ run: { ...r, phase: 'stopping' } });
  },
});
