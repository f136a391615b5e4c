import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../../main/electron/menu.js';
import { DEFAULT_WINDOW_STATE, fitToDisplays } from '../../../main/electron/window-state.js';
import type { MenuAction } from '../../../shared/ipc/events.js';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function build(dev: boolean, platform: NodeJS.Platform = 'linux') {
  const sent: MenuAction[] = [];
  let cleared = 0;
  const items = flatten(buildMenuTemplate({ appName: 'LoRA Studio', platform, dev, recent: [{ path: '/g/a.json', name: 'a.json', openedAt: 1 }], send: (c) => sent.push(c), clearRecent: () => void cleared++ }));
  const click = (label: string) => (items.find((i) => i.label === label)!.click as () => void)();
  return { items, sent, click, cleared: () => cleared };
}

describe('application menu', () => {
  it('has the usual shortcuts, each sending its app command', () => {
    const { items, sent, click } = build(false);
    const expected: [string, string, MenuAction['command']][] = [
      ['New Graph', 'CmdOrCtrl+N', 'new'],
      ['Open…', 'CmdOrCtrl+O', 'open'],
      ['Save', 'CmdOrCtrl+S', 'save'],
      ['Save As…', 'CmdOrCtrl+Shift+S', 'save-as'],
      ['Undo', 'CmdOrCtrl+Z', 'undo'],
      ['Redo', 'Ctrl+Y', 'redo'],
      ['Run', 'CmdOrCtrl+Enter', 'run'],
      ['Stop', 'CmdOrCtrl+.', 'stop'],
      ['Fit View', 'CmdOrCtrl+Shift+F', 'fit-view'],
      ['Keyboard Shortcuts', 'CmdOrCtrl+/', 'shortcuts'],
    ];
    for (const [label, accelerator, command] of expected) {
      expect(items.find((i) => i.label === label)?.accelerator, label).toBe(accelerator);
      click(label);
      expect(sent.at(-1)).toEqual({ command });
    }
    click('a.json');
    expect(sent.at(-1)).toEqual({ command: 'open-recent', path: '/g/a.json' });
    for (const role of ['cut', 'copy', 'paste', 'zoomIn', 'zoomOut', 'resetZoom']) expect(items.some((i) => i.role === role)).toBe(true);
  });

  it('never uses a bare key as an accelerator', () => {
    for (const i of build(true).items) if (typeof i.accelerator === 'string') expect(i.accelerator).toMatch(/(Cmd|Ctrl|CmdOrCtrl|Alt)\+/);
  });

  it('offers reload and devtools only in development', () => {
    expect(build(false).items.some((i) => i.role === 'toggleDevTools' || i.role === 'reload')).toBe(false);
    expect(build(true).items.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('has the macOS app menu and Cmd+Shift+Z redo on macOS', () => {
    const { items } = build(false, 'darwin');
    expect(items[0]?.label).toBe('LoRA Studio');
    expect(items.find((i) => i.label === 'Redo')?.accelerator).toBe('Cmd+Shift+Z');
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  it('keeps a position that is on a display', () => {
    const s = { x: 100, y: 50, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(s, screen)).toEqual(s);
  });
  it('drops a position left on a display that is gone', () => {
    expect(fitToDisplays({ x: 2500, y: 100, width: 1200, height: 800, maximized: true }, screen)).toEqual({ width: 1200, height: 800, maximized: true });
    expect(fitToDisplays({ x: 100, y: -400, width: 1200, height: 800, maximized: false }, screen)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(fitToDisplays(DEFAULT_WINDOW_STATE, screen)).toEqual(DEFAULT_WINDOW_STATE);
  });
});
