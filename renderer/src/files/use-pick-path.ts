import { useCallback } from 'react';
import type { ParamField } from '../../../shared/nodes/index.js';
import { usePlatform } from '../api/api-context.js';
import { isAbsolutePath, parentPath, resolveAgainst } from '../graph/paths.js';
import { folderKind, lastFolder, rememberFolder } from './last-folders.js';
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
      const { sourceDir, filePath } = store.getState();
      // An example opened as an untitled copy: its folder is the app's own, never where the user's files are.
      const ownFolder = filePath === null && sourceDir !== null ? null : sourceDir;
      const kind = folderKind(mode, field.label);
      const value = current.trim() !== '' && (ownFolder !== null || isAbsolutePath(current.trim())) ? resolveAgainst(ownFolder, current.trim()) : undefined;
      const fromExample = value !== undefined && sourceDir !== null && ownFolder === null && value.startsWith(parentPath(sourceDir) ?? sourceDir);
      const defaultPath = (fromExample ? undefined : value) ?? lastFolder(kind) ?? ownFolder ?? undefined;
      const chosen = info.capabilities.nativeDialogs
        ? await api.pickFile({ mode, filters: filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })), allowDirectory, title, ...(defaultPath ? { defaultPath } : {}) })
        : await store.getState().browseForPath({ mode, title, filters, allowDirectory, ...(defaultPath ? { defaultPath } : {}) });
      if (chosen) rememberFolder(kind, chosen, mode === 'directory');
      return chosen;
    },
    [api, info, store],
  );
}
