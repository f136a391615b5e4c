import { useEffect, useRef } from 'react';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { AppStore } from '../store/app-store.js';
import type { AppActions } from './actions-context.js';

/**
 * What the window opens with: `?graph=<path>` when the shell names one; else unsaved work left by a
 * session that did not close cleanly (with a banner to keep or discard it); else the first example, so a
 * new user can press Run at once (`?start=empty` opens an empty canvas instead).
 */
export function useStartup(api: PlatformApi, store: AppStore, actions: AppActions, search: string): void {
  const started = useRef(false);
  useEffect(() => {
    // Once per window, even if React runs the effect twice (development) or its inputs change identity.
    if (started.current) return;
    started.current = true;
    const start = async (): Promise<void> => {
      const params = new URLSearchParams(search);
      const graph = params.get('graph');
      if (graph) {
        await actions.file.open(graph);
        return;
      }
      const recovery = await api.getRecovery().catch(() => null);
      if (recovery) {
        actions.file.restore(recovery);
        store.getState().setRecoveryNotice({ savedAt: recovery.savedAt, path: recovery.path });
        return;
      }
      if (params.get('start') === 'empty') return;
      const examples = await api.listExamples().catch(() => []);
      const first = examples[0];
      if (first && store.getState().doc.nodes.length === 0 && store.getState().history.past.length === 0) await actions.file.openExample(first);
    };
    void start();
  }, [api, store, actions, search]);
}
