import { useEffect } from 'react';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { AppStore } from '../store/app-store.js';
import { selectIsDirty } from '../store/selectors.js';

/** Quiet time after the last change before the document is autosaved. */
export const AUTOSAVE_DELAY_MS = 1500;

/** Unsaved changes are written to the shell's autosave (crash recovery) a moment after editing stops. */
export function useAutosave(api: PlatformApi, store: AppStore): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.doc === prev.doc || !selectIsDirty(s)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        const now = store.getState();
        if (!selectIsDirty(now)) return;
        api.saveAutosave({ document: now.doc, path: now.filePath }).catch(() => undefined);
      }, AUTOSAVE_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [api, store]);
}
