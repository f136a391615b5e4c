import type { PlatformApi } from '../../../shared/ipc/api.js';
import { PlatformApiError } from '../../../shared/ipc/errors.js';
import { hasErrors, PROBLEM_CODES, type Problem } from '../../../shared/graph/index.js';
import { commitPendingEdits } from '../app/commit-pending-edits.js';
import { composite } from '../edits/edit.js';
import { setNodeParam } from '../edits/set-node-param.js';
import type { AppStore } from '../store/app-store.js';

export interface RunActions {
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** The folder this window's document resolves relative paths against (its own, never another tab's). */
function documentBase(store: AppStore): { baseDir?: string } {
  const dir = store.getState().sourceDir;
  return dir !== null ? { baseDir: dir } : {};
}

/**
 * Save nodes set to "ask" whose output exists: the user chooses before anything is written. true: overwrite
 * this time; false: nothing to ask (or the nodes were switched to numbering); null: cancelled.
 */
async function askToOverwrite(api: PlatformApi, store: AppStore): Promise<boolean | null> {
  let problems: Problem[];
  try {
    problems = await api.validateGraph(store.getState().doc, documentBase(store));
  } catch {
    return false; // runGraph reports what is wrong
  }
  // The run will be refused and say why: no question about files it would not write.
  if (hasErrors(problems)) return false;
  const existing = problems.filter((p) => p.code === PROBLEM_CODES.outputExists && p.severity === 'warning' && p.nodeId !== undefined);
  if (existing.length === 0) return false;
  const files = existing.map((p) => /“(.*)”/.exec(p.message)?.[1] ?? p.nodeTitle ?? '');
  const choice = await store.getState().confirm({
    title: existing.length === 1 ? 'Overwrite the existing file?' : `Overwrite ${existing.length} existing files?`,
    message: `${files.join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'}. Run writes over ${existing.length === 1 ? 'it' : 'them'}, or numbers the new ${existing.length === 1 ? 'file' : 'files'} (name_00001.safetensors, …).`,
    choices: [
      { id: 'number', label: 'Number the files' },
      { id: 'overwrite', label: 'Overwrite', danger: true },
      { id: 'cancel', label: 'Cancel' },
    ],
  });
  if (choice === 'overwrite') return true;
  if (choice !== 'number') return null;
  const ids = [...new Set(existing.map((p) => p.nodeId as string))];
  store.getState().dispatch(composite('Number the output files', ids.map((id) => setNodeParam(id, 'ifExists', 'number', 'If the file exists'))));
  return false;
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
      const overwrite = await askToOverwrite(api, store);
      if (overwrite === null) return;
      s.runRequested();
      s.setBottomTab('run');
      try {
        const r = await api.runGraph(store.getState().doc, { ...documentBase(store), ...(overwrite ? { overwrite: true } : {}) });
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
