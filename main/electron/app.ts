/**
 * The Electron main process: hardening first (privileged app:// scheme, sandbox for every renderer,
 * web-contents rules, a session that grants nothing), then the engine host, the window, the IPC handlers
 * (sender check + zod validation), the menu, and a clean shutdown of the engine.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess } from 'electron';
import { APP_NAME } from '../../shared/app-info.js';
import { PUSH_CHANNELS } from '../../shared/ipc/contract.js';
import { createApiDispatcher } from '../../shared/ipc/dispatch.js';
import type { AppCommand } from '../../shared/ipc/events.js';
import type { DocumentState } from '../../shared/ipc/files.js';
import { appPaths } from '../server/platform/app-paths.js';
import { createShellFiles } from '../server/platform/shell-files.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { createCloseGuard, type CloseChoice } from './close-guard.js';
import { createElectronHandlers } from './electron-handlers.js';
import { createEngineClient } from './engine-client.js';
import { utilityEngineProcess } from './engine-process.js';
import { FileAccess } from './file-access.js';
import { registerIpcHandlers } from './ipc.js';
import { createMainWindow } from './main-window.js';
import { buildMenuTemplate } from './menu.js';
import { hardenSession, hardenWebContents } from './security.js';
import { isTrustedSender } from './sender-check.js';
import { windowStateStore } from './window-state.js';

export interface StartOptions {
  /** Folder of the bundled main.cjs (dist/electron): the preload and engine host sit beside it. */
  bundleDir: string;
  /** Makes sure the example graphs' demo files exist. */
  ensureDemoFiles?: () => Promise<void>;
}

export function startApp(options: StartOptions): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url)));
  void app.whenReady().then(() => onReady(options));
}

async function onReady(options: StartOptions): Promise<void> {
  const dev = !app.isPackaged;
  const paths = appPaths(app.getAppPath());
  const configDir = process.env.LORA_STUDIO_CONFIG_DIR ? path.resolve(process.env.LORA_STUDIO_CONFIG_DIR) : app.getPath('userData');
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.rendererDir));

  const engine = createEngineClient({ spawn: () => utilityEngineProcess(utilityProcess, path.join(options.bundleDir, 'engine-host.cjs'), process.env) });
  const files = createShellFiles({ configDir, paths, ...(options.ensureDemoFiles ? { ensureDemoFiles: options.ensureDemoFiles } : {}) });
  const access = new FileAccess();
  let win: BrowserWindow | null = null;
  let quitting = false;

  const send = (channel: string, payload: unknown): void => {
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
  };
  const sendCommand = (command: AppCommand): void => send(PUSH_CHANNELS.appCommand, command);

  const refreshMenu = async (): Promise<void> => {
    const recent = await files.getRecentFiles().catch(() => []);
    const template = buildMenuTemplate({ appName: APP_NAME, platform: process.platform, dev, recent, send: sendCommand, clearRecent: () => void files.clearRecentFiles().then(refreshMenu) });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const guard = createCloseGuard({
    ask: async (state: DocumentState): Promise<CloseChoice> => {
      const options = { type: 'warning' as const, buttons: ['Save', "Don't Save", 'Cancel'], defaultId: 0, cancelId: 2, message: `Save the changes to "${state.name}" before closing?`, detail: "Your changes are lost if you don't save them." };
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return response === 0 ? 'save' : response === 1 ? 'discard' : 'cancel';
    },
    requestSaveAndClose: () => sendCommand({ command: 'save-and-close' }),
    closedCleanly: (graphPath) => files.closedCleanly(graphPath),
    close: () => win?.close(),
  });

  const handlers = createElectronHandlers({
    engine,
    files,
    access,
    dialogs: {
      async open(o) {
        const properties: ('openFile' | 'openDirectory')[] = [...(o.files ? (['openFile'] as const) : []), ...(o.directories ? (['openDirectory'] as const) : [])];
        const dialogOptions = { properties, ...(o.title !== undefined ? { title: o.title } : {}), ...(o.defaultPath !== undefined ? { defaultPath: o.defaultPath } : {}), ...(o.filters ? { filters: o.filters } : {}) };
        const r = win ? await dialog.showOpenDialog(win, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
        return r.canceled ? [] : r.filePaths;
      },
      async save(o) {
        const dialogOptions = { ...(o.title !== undefined ? { title: o.title } : {}), ...(o.defaultPath !== undefined ? { defaultPath: o.defaultPath } : {}), ...(o.filters ? { filters: o.filters } : {}) };
        const r = win ? await dialog.showSaveDialog(win, dialogOptions) : await dialog.showSaveDialog(dialogOptions);
        return r.canceled || !r.filePath ? null : r.filePath;
      },
    },
    os: { addRecentDocument: (f) => app.addRecentDocument(f), showItemInFolder: (f) => shell.showItemInFolder(f), platform: process.platform },
    window: {
      documentStateChanged(state) {
        guard.setState(state);
        if (!win || win.isDestroyed()) return;
        win.setTitle(`${state.dirty ? '• ' : ''}${state.name} — ${APP_NAME}`);
        win.setDocumentEdited(state.dirty);
        if (state.path !== null) win.setRepresentedFilename(state.path);
      },
      closeWithoutPrompt: () => guard.closeNow(),
    },
  });
  // Menus list recent files: refresh after anything that changes them.
  const dispatch = createApiDispatcher(handlers);
  const refreshing = new Set(['openGraph', 'saveGraph', 'saveGraphAs', 'clearRecentFiles']);
  registerIpcHandlers(
    ipcMain,
    async (method, args) => {
      const envelope = await dispatch(method, args);
      if (refreshing.has(method)) void refreshMenu();
      return envelope;
    },
    (event) => isTrustedSender(event, win?.webContents ?? null),
  );
  engine.onEvent((event) => send(PUSH_CHANNELS.engineEvent, event));

  const openWindow = async (): Promise<void> => {
    win = await createMainWindow({
      BrowserWindow,
      displays: () => screen.getAllDisplays(),
      stateStore: windowStateStore(configDir),
      preload: path.join(options.bundleDir, 'preload.cjs'),
      dev,
      icon: path.join(paths.root, 'assets', 'icons', 'icon.png'),
      guard,
    });
    win.on('closed', () => {
      win = null;
      if (quitting || process.platform !== 'darwin') app.quit();
    });
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('activate', () => {
    if (!win) void openWindow();
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  let engineDown = false;
  app.on('will-quit', (event) => {
    if (engineDown) return;
    event.preventDefault();
    void engine.dispose().finally(() => {
      engineDown = true;
      app.quit();
    });
  });

  await refreshMenu();
  await openWindow();
}
