/** The one window: secure webPreferences, restored bounds, the close guard, and recovery from a renderer crash. */
import path from 'node:path';
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Display } from 'electron';
import { APP_NAME } from '../../shared/app-info.js';
import type { JsonStore } from '../shell/platform/json-store.js';
import { APP_START_URL } from './app-protocol.js';
import type { CloseGuard } from './close-guard.js';
import { secureWebPreferences } from './security.js';
import { fitToDisplays, type WindowState } from './window-state.js';

export interface MainWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  displays: () => Display[];
  stateStore: JsonStore<WindowState>;
  preload: string;
  dev: boolean;
  icon?: string;
  guard: CloseGuard;
}

export async function createMainWindow(deps: MainWindowDeps): Promise<BrowserWindowType> {
  const saved = fitToDisplays(await deps.stateStore.read(), deps.displays().map((d) => d.workArea));
  const win = new deps.BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: APP_NAME,
    backgroundColor: '#1b1d21',
    ...(deps.icon !== undefined ? { icon: deps.icon } : {}),
    webPreferences: secureWebPreferences(path.resolve(deps.preload), deps.dev),
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let saveTimer: NodeJS.Timeout | undefined;
  const saveState = (): void => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    void deps.stateStore.update(() => ({ x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() })).catch(() => undefined);
  };
  const saveSoon = (): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveState, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('close', (event) => {
    clearTimeout(saveTimer);
    saveState();
    if (deps.guard.onClose()) event.preventDefault();
  });
  // A crashed or killed renderer is reloaded; the page then finds its autosave through getRecovery.
  win.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.webContents.reload();
  });
  await win.loadURL(APP_START_URL);
  return win;
}
