import { useCallback } from 'react';
import type { ParamField } from '../../../shared/nodes/index.js';
import { usePlatform } from '../api/api-context.js';
import { resolveAgainst } from '../graph/paths.js';
import { useAppStoreApi } from '../store/store-context.js';

/**
 * Chooses a path for a file param: the native dialog where the shell has one (Electron), else the in-app
 * file browser over listDirectory (browser mode has no native dialogs on the engine's machine).
 */
export function usePickPath() {
  const { api, info } = usePlatform();
  const store = useAppStoreApi();
  return useCallback(
    async (field: ParamField, current: string): Promise<string | null> => {
      if (field.widget.kind !== 'file') return null;
      const { mode, filters, allowDirectory } = field.widget;
      const title = `${mode === 'save' ? 'Save' : 'Choose'} ${field.label.toLowerCase()}`;
      const defaultPath = current.trim() !== '' ? resolveAgainst(store.getState().sourceDir, current.trim()) : (store.getState().sourceDir ?? undefined);
      if (info.capabilities.nativeDialogs) {
        return api.pickFile({ mode, filters: filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })), allowDirectory, title, ...(defaultPath ? { defaultPath } : {}) });
      }
      return store.getState().browseForPath({ mode, title, filters, allowDirectory, ...(defaultPath ? { defaultPath } : {}) });
    },
    [api, info, store],
  );
}
