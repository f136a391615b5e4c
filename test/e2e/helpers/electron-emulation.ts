/**
 * The closest this machine gets to the Electron window (whose binary cannot be downloaded here): the
 * renderer in Chromium served by the real `app://` protocol handler (via request interception, so its CSP
 * and headers apply), the real preload bridge (main/preload/bridge.ts, bundled for the page and installed
 * before the app's scripts) over an emulated ipcRenderer, and the real IPC handlers (sender check + zod)
 * with the Electron shell's handlers. Only Electron itself is missing: the sandbox, contextBridge's
 * isolated world, native dialogs and the utilityProcess (a forked Node process runs the engine host).
 */
import { build } from 'esbuild';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import type { BrowserContext, Page } from 'playwright-core';
import { createAppProtocolHandler } from '../../../main/electron/app-protocol.js';
import { registerIpcHandlers } from '../../../main/electron/ipc.js';
import { isAppUrl } from '../../../main/electron/sender-check.js';
import { createApiDispatcher } from '../../../shared/ipc/dispatch.js';
import type { ApiHandlers } from '../../../shared/ipc/api.js';
import { repoRoot } from '../../helpers/cli.js';

/** Where the page lives: Chromium cannot navigate to app://, so app://lora-studio/x is served as this origin. */
// A .localhost name: a secure context like app:// (COOP applies), resolved by interception, never by the network.
export const EMULATED_ORIGIN = 'http://lora-studio.localhost';

const PAGE_BRIDGE = `
import { createPreloadBridge } from ${JSON.stringify(path.join(repoRoot, 'main', 'preload', 'bridge.ts'))};
const listeners = new Map();
const ipc = {
  invoke: (channel, ...args) => window.__lsInvoke(channel, args),
  on(channel, listener) { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); return ipc; },
  removeListener(channel, listener) { listeners.get(channel)?.delete(listener); return ipc; },
};
Object.defineProperty(window, '__lsPush', { value: (channel, payload) => { for (const l of listeners.get(channel) ?? []) l({}, payload); } });
Object.defineProperty(window, 'loraStudio', { value: createPreloadBridge(ipc) });
`;

async function bridgeScript(): Promise<string> {
  const out = await build({ stdin: { contents: PAGE_BRIDGE, resolveDir: repoRoot, loader: 'js' }, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', external: ['electron'], logLevel: 'error' });
  return out.outputFiles[0]!.text;
}

export interface EmulatedWindow {
  /** Pushes a message on a PUSH_CHANNELS channel to the page, as webContents.send does. */
  push(channel: string, payload: unknown): Promise<void>;
}

export async function emulateElectronWindow(context: BrowserContext, page: Page, handlers: ApiHandlers): Promise<EmulatedWindow> {
  const serveApp = createAppProtocolHandler(path.join(repoRoot, 'dist', 'renderer'));
  await context.route(`${EMULATED_ORIGIN}/**`, async (route) => {
    const request = route.request();
    const res = await serveApp(new Request(request.url().replace(EMULATED_ORIGIN, 'app://lora-studio'), { method: request.method() }));
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name] = value));
    await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
  });
  // Anything else the page asks for would be cancelled by the Electron session: fail it the same way.
  await context.route((url) => !url.href.startsWith(`${EMULATED_ORIGIN}/`) && !url.href.startsWith('data:'), (route) => route.abort('blockedbyclient'));

  const channels = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  registerIpcHandlers(
    { handle: (c: string, h: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) => void channels.set(c, h), removeHandler: (c: string) => void channels.delete(c) },
    createApiDispatcher(handlers),
    (event) => event.senderFrame !== null && isAppUrl(event.senderFrame.url),
  );
  await page.exposeBinding('__lsInvoke', async (source, channel: string, args: unknown[]) => {
    const handler = channels.get(channel);
    if (!handler) throw new Error(`No handler for ${channel}`);
    // The sender the IPC check sees: the calling frame, at its app:// address.
    const frameUrl = source.frame.url().replace(EMULATED_ORIGIN, 'app://lora-studio');
    const event = { sender: source.page, senderFrame: { url: source.frame === source.page.mainFrame() ? frameUrl : 'about:blank', parent: null } } as unknown as IpcMainInvokeEvent;
    return handler(event, ...args);
  });
  await page.addInitScript({ content: await bridgeScript() });
  return {
    push: async (channel, payload) => {
      await page.evaluate(([c, p]) => (window as unknown as { __lsPush(c: string, p: unknown): void }).__lsPush(c, p), [channel, payload] as const);
    },
  };
}
