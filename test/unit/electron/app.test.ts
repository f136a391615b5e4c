/**
 * The Electron main process wired together, with Electron mocked at the module boundary: what it installs
 * (privileged scheme, sandbox, session and web-contents hardening, window preferences, one IPC handler per
 * channel, menu), and that IPC reaches the engine host through a utilityProcess.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_CONTRACT, API_METHOD_NAMES, PUSH_CHANNELS } from '../../../shared/ipc/contract.js';

const electron = await vi.hoisted(async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    userData: '',
    whenReady: () => readyPromise,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    getAppPath: vi.fn(() => process.cwd()),
    getPath: vi.fn(() => app.userData),
    addRecentDocument: vi.fn(),
  });
  const windows: { options: Record<string, unknown>; loaded: string[]; win: unknown; contents: { send: ReturnType<typeof vi.fn>; mainFrame: unknown } }[] = [];
  class BrowserWindow extends Emitter {
    webContents: unknown;
    constructor(options: Record<string, unknown>) {
      super();
      const contents = Object.assign(new Emitter(), {
        mainFrame: { url: 'app://lora-studio/index.html', parent: null, processId: 3, routingId: 1 },
        isDestroyed: () => false,
        send: vi.fn(),
        reload: vi.fn(),
      });
      this.webContents = contents;
      windows.push({ options, loaded: [], win: this, contents });
    }
    loadURL = vi.fn(async (url: string) => void windows.at(-1)!.loaded.push(url));
    maximize = vi.fn();
    isDestroyed = () => false;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 10, y: 10, width: 1400, height: 900 });
    setTitle = vi.fn();
    setDocumentEdited = vi.fn();
    setRepresentedFilename = vi.fn();
    show = vi.fn();
    close = vi.fn();
  }
  const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const children: (InstanceType<typeof Emitter> & { modulePath: string; posted: unknown[]; postMessage(m: unknown): void; kill(): void })[] = [];
  return {
    ready: () => ready(),
    app,
    windows,
    ipcHandlers,
    children,
    BrowserWindow,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        on: vi.fn(),
        webRequest: { onBeforeRequest: vi.fn() },
      },
    },
    ipcMain: { handle: vi.fn((c: string, h: (event: unknown, ...args: unknown[]) => Promise<unknown>) => ipcHandlers.set(c, h)), removeHandler: vi.fn() },
    Menu: { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
    shell: { openExternal: vi.fn(), showItemInFolder: vi.fn() },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    utilityProcess: {
      fork: vi.fn((modulePath: string) => {
        const child = Object.assign(new Emitter(), {
          modulePath,
          posted: [] as unknown[],
          postMessage(m: unknown) {
            child.posted.push(m);
          },
          kill() {
            child.emit('exit', null);
          },
        });
        children.push(child);
        return child;
      }),
    },
  };
});

vi.mock('electron', () => electron);

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ls-electron-app-'));
  electron.app.userData = dir;
  const { startApp } = await import('../../../main/electron/app.js');
  startApp({ bundleDir: '/bundle/dist/electron' });
});

afterAll(() => {
  electron.app.emit('will-quit', { preventDefault: () => undefined });
});

const trustedEvent = () => ({ sender: electron.windows[0]!.win && (electron.windows[0]!.win as { webContents: unknown }).webContents, senderFrame: electron.windows[0]!.contents.mainFrame });

describe('before ready', () => {
  it('registers app:// as privileged, sandboxes every renderer and takes the single-instance lock', () => {
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
    expect(electron.windows).toHaveLength(0);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    electron.ready();
    await vi.waitFor(() => expect(electron.windows[0]?.loaded).toEqual(['app://lora-studio/index.html']));
  });

  it('hardens the session and serves app://', () => {
    const s = electron.session.defaultSession;
    expect(s.setPermissionRequestHandler).toHaveBeenCalled();
    expect(s.setPermissionCheckHandler).toHaveBeenCalled();
    expect(s.webRequest.onBeforeRequest).toHaveBeenCalled();
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });

  it('opens one window with secure preferences and the bundled preload', () => {
    expect(electron.windows).toHaveLength(1);
    expect(electron.windows[0]!.options.webPreferences).toMatchObject({
      preload: path.resolve('/bundle/dist/electron/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(electron.windows[0]!.options.show).toBe(false);
  });

  it('hardens every web contents created', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    electron.app.emit('web-contents-created', {}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    const handler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => unknown;
    expect(handler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    for (const e of ['will-navigate', 'will-redirect', 'will-attach-webview', 'will-frame-navigate']) expect(contents.listenerCount(e), e).toBe(1);
  });

  it('installs one IPC handler per channel and a menu', () => {
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(API_METHOD_NAMES.map((m) => API_CONTRACT[m].channel).sort());
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();
  });

  it('answers its window and refuses anyone else', async () => {
    const ok = await electron.ipcHandlers.get('app:get-info')!(trustedEvent());
    expect(ok).toMatchObject({ ok: true, value: { shell: 'electron' } });
    const foreign = await electron.ipcHandlers.get('app:get-info')!({ sender: {}, senderFrame: electron.windows[0]!.contents.mainFrame });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    const badArgs = await electron.ipcHandlers.get('engine:stop-run')!(trustedEvent(), 5);
    expect(badArgs).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  });

  it('runs the engine in a utilityProcess and forwards its events to the window', async () => {
    const pending = electron.ipcHandlers.get('engine:get-active-run')!(trustedEvent());
    await expect(pending).resolves.toEqual({ ok: true, value: null });
    const info = electron.ipcHandlers.get('engine:get-backend-info')!(trustedEvent());
    await vi.waitFor(() => expect(electron.children).toHaveLength(1));
    const child = electron.children[0]!;
    expect(child.modulePath).toBe(path.join('/bundle/dist/electron', 'engine-host.cjs'));
    const call = child.posted[0] as { id: number; method: string };
    expect(call).toMatchObject({ type: 'call', method: 'getBackendInfo', args: [] });
    const backend = { active: 'wasm', detail: 'x', candidates: [], workers: 1, cpu: { model: 'm', cores: 1 }, memory: { totalBytes: 1, freeBytes: 1 }, platform: 'p', nodeVersion: 'v' };
    child.emit('message', { type: 'result', id: call.id, ok: true, value: backend });
    await expect(info).resolves.toEqual({ ok: true, value: backend });
    const event = { type: 'log', runId: null, at: 1, level: 'info', message: 'hi' };
    child.emit('message', { type: 'event', event });
    expect(electron.windows[0]!.contents.send).toHaveBeenCalledWith(PUSH_CHANNELS.engineEvent, event);
  });

  it('shuts the engine down before quitting', async () => {
    const event = { preventDefault: vi.fn() };
    electron.app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    const child = electron.children[0]!;
    expect(child.posted.at(-1)).toEqual({ type: 'dispose' });
    child.emit('exit', 0);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
  });
});
