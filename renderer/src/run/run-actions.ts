import type { PlatformApi } from '../../../shared/ipc/api.js';
import { PlatformApiError } from '../../../shared/ipc/errors.js';
import { commitPendingEdits } from '../app/commit-pending-edits.js';
import type { AppStore } from '../store/app-store.js';

export interface RunActions {
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** Run validates and starts in the engine; progress then arrives as events (see reduceRunEvent). */
export function createRunActions(api: PlatformApi, store: AppStore): RunActions {
  return {
    async run() {
      const s = store.getState();
      if (s.run.phase === 'starting' || s.run.phase === 'running' || s.run.phase === 'stopping') return;
      if (s.doc.nodes.length === 0) {
        s.toast('info', 'Nothing to run yet: add nodes from the library, ending with Save Model, Save LoRA or Inspect.');
        return;
      }
      commitPendingEdits();
      s.endGesture();
      s.runRequested();
      s.setBottomTab('run');
      try {
        const r = await api.runGraph(store.getState().doc);
        if (r.status === 'started') store.getState().runAccepted(r.runId);
        else if (r.status === 'busy') {
          store.getState().runAccepted(r.runId);
          store.getState().toast('warning', 'A run is already in progress; showing it.');
        } else {
          store.getState().runRefused(r.problems);
          store.getState().setBottomTab('problems');
        }
      } catch (e) {
        const err = e instanceof PlatformApiError ? { code: e.code, message: e.message, ...(e.hint !== undefined ? { hint: e.hint } : {}) } : { code: 'internal', message: String(e) };
        store.getState().runRefused([], err);
        store.getState().toast('error', `Could not start the run: ${err.message}`, 'hint' in err ? err.hint : undefined);
      }
    },
    async stop() {
      const { run } = store.getState();
      if (run.runId === null || (run.phase !== 'running' && run.phase !== 'starting')) return;
      store.getState().stopRequested();
      try {
        await api.stopRun(run.runId);
      } catch (e) {
        store.getState().toast('error', `Could not stop the run: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
