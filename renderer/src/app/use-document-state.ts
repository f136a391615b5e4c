import { useEffect } from 'react';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { AppInfo } from '../../../shared/ipc/system.js';
import type { AppStore } from '../store/app-store.js';
import { documentName, selectIsDirty } from '../store/selectors.js';

/**
 * The window title follows the document (name, unsaved marker); the shell hears it too (its close prompt).
 * In a browser tab, leaving with unsaved changes asks first.
 */
export function useDocumentState(api: PlatformApi, info: AppInfo, store: AppStore): void {
  useEffect(() => {
    let last = '';
    const sync = (): void => {
      const s = store.getState();
      const state = { path: s.filePath, name: documentName(s), dirty: selectIsDirty(s) };
      const key = JSON.stringify(state);
      if (key === last) return;
      last = key;
      document.title = `${state.dirty ? '● ' : ''}${state.name} · LoRA Studio`;
      // Browser mode has no window to title, but the server learns the open graph (its folder resolves relative paths).
      api.setDocumentState(state).catch(() => undefined);
    };
    sync();
    const unsubscribe = store.subscribe(sync);
    const beforeUnload = (e: BeforeUnloadEvent): void => {
      if (info.shell === 'browser' && selectIsDirty(store.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      unsubscribe();
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, [api, info, store]);
}
