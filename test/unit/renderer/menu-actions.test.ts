import { describe, expect, it, vi } from 'vitest';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import { MENU_ACTIONS, type MenuAction } from '../../../shared/ipc/events.js';
import type { AppActions } from '../../../renderer/src/app/actions-context.js';
import { performMenuAction } from '../../../renderer/src/app/use-menu-actions.js';
import { performShortcut } from '../../../renderer/src/app/use-shortcuts.js';
import { setNodeParam } from '../../../renderer/src/edits/index.js';
import { SHORTCUTS } from '../../../renderer/src/shortcuts/shortcut-table.js';
import { storeWith } from './fixtures.js';

function fakeActions() {
  const calls: string[] = [];
  const rec = (name: string) => vi.fn(async (): Promise<boolean> => (calls.push(name), true));
  const recVoid = (name: string) => vi.fn(async (): Promise<void> => void calls.push(name));
  const actions: AppActions = {
    file: { newGraph: rec('new'), open: rec('open'), openExample: rec('example'), importWorkflow: rec('import'), save: rec('save'), saveAs: rec('save-as'), restore: vi.fn(), confirmDiscard: rec('confirm') },
    run: { run: recVoid('run'), stop: recVoid('stop') },
    canvas: { fitView: () => calls.push('fit-view'), autoLayout: () => calls.push('auto-layout'), focusNode: (id) => calls.push(`focus ${id}`), quickAddAtCenter: () => calls.push('quick-add'), addNodeAtCenter: (t) => calls.push(`add ${t}`) },
  };
  return { actions, calls };
}

describe('application menu actions and shortcuts', () => {
  it('every menu action does what it says, through the same actions as the keys', async () => {
    const store = storeWith();
    const api = { closeWindow: vi.fn(async () => undefined) } as unknown as PlatformApi;
    const { actions, calls } = fakeActions();
    const run = (c: MenuAction) => performMenuAction(c, api, store, actions);
    const expected: Record<string, string> = { new: 'new', open: 'open', save: 'save', 'save-as': 'save-as', run: 'run', stop: 'stop', 'fit-view': 'fit-view', 'auto-layout': 'auto-layout', 'find-node': 'quick-add' };
    for (const [command, call] of Object.entries(expected)) {
      calls.length = 0;
      await run({ command } as MenuAction);
      expect(calls, command).toEqual([call]);
    }
    await run({ command: 'open-recent', path: '/g/recent.json' });
    expect(vi.mocked(actions.file.open)).toHaveBeenLastCalledWith('/g/recent.json');
    calls.length = 0;
    await run({ command: 'save-and-close' });
    expect(calls).toEqual(['save']);
    expect(api.closeWindow).toHaveBeenCalledTimes(1);
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.3));
    await run({ command: 'undo' });
    expect(store.getState().doc.nodes.find((n) => n.id === 'apply-lora-1')?.params.strength).toBe(1);
    await run({ command: 'redo' });
    expect(store.getState().doc.nodes.find((n) => n.id === 'apply-lora-1')?.params.strength).toBe(0.3);
    await run({ command: 'shortcuts' });
    expect(store.getState().dialog.kind).toBe('shortcuts');
    const theme = store.getState().theme;
    await run({ command: 'toggle-theme' });
    expect(store.getState().theme).not.toBe(theme);
    // Every menu action of the contract is covered above.
    expect(new Set([...Object.keys(expected), 'open-recent', 'save-and-close', 'undo', 'redo', 'shortcuts', 'toggle-theme'])).toEqual(new Set(MENU_ACTIONS));
  });

  it('shortcut actions on the store: select all, duplicate, delete, collapse, escape', () => {
    const store = storeWith();
    const { actions } = fakeActions();
    performShortcut('select-all', store, actions);
    expect(store.getState().selection.nodes).toHaveLength(6);
    performShortcut('collapse', store, actions);
    expect(store.getState().doc.nodes.every((n) => n.collapsed)).toBe(true);
    performShortcut('collapse', store, actions);
    expect(store.getState().doc.nodes.some((n) => n.collapsed)).toBe(false);
    store.getState().selectNodes(['load-lora-1']);
    performShortcut('duplicate', store, actions);
    expect(store.getState().doc.nodes).toHaveLength(7);
    performShortcut('delete', store, actions);
    expect(store.getState().doc.nodes).toHaveLength(6);
    store.getState().selectNodes(['load-lora-2']);
    performShortcut('escape', store, actions);
    expect(store.getState().selection.nodes).toEqual([]);
    performShortcut('shortcuts', store, actions);
    expect(store.getState().dialog.kind).toBe('shortcuts');
    performShortcut('escape', store, actions);
    expect(store.getState().dialog.kind).toBe('none');
  });

  it('every shortcut action is handled', () => {
    const store = storeWith();
    const { actions } = fakeActions();
    for (const s of SHORTCUTS) expect(() => performShortcut(s.action, store, actions)).not.toThrow();
  });
});
