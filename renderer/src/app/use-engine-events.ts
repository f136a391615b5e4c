import { useEffect } from 'react';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { AppStore } from '../store/app-store.js';

/** Engine events into the run state; on start (and after a reconnect) the run in progress is picked up. */
export function useEngineEvents(api: PlatformApi, store: AppStore, connectionEpoch: number): void {
  useEffect(() => api.onEngineEvent((e) => store.getState().applyEngineEvent(e)), [api, store]);
  useEffect(() => {
    let live = true;
    api.getActiveRun().then(
      (active) => {
        if (!live || !active) return;
        const run = store.getState().run;
        if (run.runId !== active.runId) store.getState().runAccepted(active.runId);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, store, connectionEpoch]);
}
