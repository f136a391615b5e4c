import { useEffect } from 'react';
import { deleteSelection } from '../actions/delete-selection.js';
import { duplicateSelection } from '../actions/clipboard.js';
import { toggleNodeMode } from '../actions/toggle-node-mode.js';
import { setCollapsed } from '../edits/set-collapsed.js';
import { matchesCombo } from '../shortcuts/key-combo.js';
import { isMacPlatform } from '../shortcuts/platform.js';
import { SHORTCUTS, type ShortcutAction } from '../shortcuts/shortcut-table.js';
import type { AppStore } from '../store/app-store.js';
import type { AppActions } from './actions-context.js';

export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'range'].includes(target.type);
  return false;
}

export function performShortcut(action: ShortcutAction, store: AppStore, actions: AppActions): void {
  const s = store.getState();
  switch (action) {
    case 'run':
      void actions.run.run();
      return;
    case 'stop':
      void actions.run.stop();
      return;
    case 'undo':
      s.undo();
      return;
    case 'redo':
      s.redo();
      return;
    case 'delete':
      deleteSelection(store);
      return;
    case 'duplicate':
      duplicateSelection(store);
      return;
    case 'select-all':
      s.setSelection({ nodes: s.doc.nodes.map((n) => n.id), edges: [] });
      return;
    case 'save':
      void actions.file.save();
      return;
    case 'save-as':
      void actions.file.saveAs();
      return;
    case 'open':
      void actions.file.open();
      return;
    case 'new':
      void actions.file.newGraph();
      return;
    case 'fit-view':
      actions.canvas.fitView();
      return;
    case 'auto-layout':
      actions.canvas.autoLayout();
      return;
    case 'quick-add':
      actions.canvas.quickAddAtCenter();
      return;
    case 'bypass':
      toggleNodeMode(store, 'bypass');
      return;
    case 'mute':
      toggleNodeMode(store, 'mute');
      return;
    case 'collapse': {
      const ids = s.selection.nodes;
      if (ids.length === 0) return;
      const allCollapsed = ids.every((id) => s.doc.nodes.find((n) => n.id === id)?.collapsed === true);
      s.dispatch(setCollapsed(ids, !allCollapsed));
      return;
    }
    case 'shortcuts':
      s.setDialog({ kind: 'shortcuts' });
      return;
    case 'toggle-theme':
      s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      return;
    case 'escape':
      if (s.contextMenu) s.closeContextMenu();
      else if (s.quickAdd) s.closeQuickAdd();
      else if (s.dialog.kind !== 'none') s.setDialog({ kind: 'none' });
      else s.clearSelection();
      return;
  }
}

/** The keyboard shortcuts of SHORTCUTS, on the window; typing in a field is left alone except for Save/Run. */
export function useShortcuts(store: AppStore, actions: AppActions): void {
  useEffect(() => {
    const mac = isMacPlatform();
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.isComposing) return;
      const s = store.getState();
      // Modal dialogs handle their own keys.
      if (s.fileDialog || s.confirmDialog) return;
      const inField = isEditable(e.target);
      for (const sc of SHORTCUTS) {
        if (inField && !sc.inFields) continue;
        if (!sc.combos.some((c) => matchesCombo(e, c, mac))) continue;
        if (sc.action === 'escape' && inField) {
          (e.target as HTMLElement).blur();
          return;
        }
        e.preventDefault();
        performShortcut(sc.action, store, actions);
        return;
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store, actions]);
}
