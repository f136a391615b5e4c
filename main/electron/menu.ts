/**
 * The application menu. Commands the renderer owns (New, Open, Save, Undo, Run, ...) are sent to it as
 * menu actions (PUSH_CHANNELS.menuAction); clipboard, zoom and window items use Electron's roles. No
 * accelerator is a bare key, so typing in a field never triggers a menu item.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../../shared/ipc/events.js';
import type { RecentFile } from '../../shared/ipc/files.js';

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Reload and developer tools only in development. */
  dev: boolean;
  recent: readonly RecentFile[];
  send(command: MenuAction): void;
  clearRecent(): void;
  /** Graph ▸ Compute Backend: the choices, the one in effect, and what choosing one does. */
  backend?: { choices: readonly string[]; current: string; choose(name: string): void };
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = o.platform === 'darwin';
  const item = (label: string, command: MenuAction['command'], accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator !== undefined ? { accelerator } : {}),
    click: () => o.send({ command }),
  });
  const recentItems: MenuItemConstructorOptions[] =
    o.recent.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : o.recent.map((f) => ({ label: f.name, toolTip: f.path, click: () => o.send({ command: 'open-recent', path: f.path }) }));

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: o.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        item('New Graph', 'new', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: [...recentItems, { type: 'separator' }, { label: 'Clear Recent', enabled: o.recent.length > 0, click: () => o.clearRecent() }] },
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        item('Find Node…', 'find-node', 'CmdOrCtrl+K'),
      ],
    },
    {
      label: '&Graph',
      submenu: [
        item('Run', 'run', 'CmdOrCtrl+Enter'),
        item('Stop', 'stop', 'CmdOrCtrl+.'),
        { type: 'separator' },
        item('Auto Layout', 'auto-layout', 'CmdOrCtrl+Shift+L'),
        item('Fit View', 'fit-view', 'CmdOrCtrl+Shift+F'),
        ...(o.backend ? backendMenu(o.backend) : []),
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        item('Toggle Dark Theme', 'toggle-theme', 'CmdOrCtrl+Shift+D'),
        ...(o.dev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[]) : []),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [item('Keyboard Shortcuts', 'shortcuts', 'CmdOrCtrl+/')] },
  );
  return template;
}

function backendMenu(b: NonNullable<MenuOptions['backend']>): MenuItemConstructorOptions[] {
  const submenu: MenuItemConstructorOptions[] = b.choices.map((name) => ({ label: name, type: 'radio', checked: name === b.current, click: () => b.choose(name) }));
  return [{ type: 'separator' }, { label: 'Compute Backend', submenu }];
}
