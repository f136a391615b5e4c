import { useEffect } from 'react';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { MenuAction } from '../../../shared/ipc/events.js';
import type { AppStore } from '../store/app-store.js';
import type { AppActions } from './actions-context.js';
import { performShortcut } from './use-shortcuts.js';

export async function performMenuAction(c: MenuAction, api: PlatformApi, store: AppStore, actions: AppActions): Promise<void> {
  switch (c.command) {
    case 'open-recent':
      if (c.path) await actions.file.open(c.path);
      return;
    case 'save-and-close':
      if (await actions.file.save()) await api.closeWindow();
      return;
    case 'find-node':
      performShortcut('quick-add', store, actions);
      return;
    default:
      performShortcut(c.command, store, actions);
  }
}

/** The Electron menu's actions (browser mode never sends any). */
export function useMenuActions(api: PlatformApi, store: AppStore, actions: AppActions): void {
  useEffect(() => api.onMenuAction((c) => void performMenuAction(c, api, store, actions)), [api, store, actions]);
}
