import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers } from '../../../main/electron/ipc.js';
import { isTrustedSender } from '../../../main/electron/sender-check.js';
import { API_CONTRACT, API_METHOD_NAMES } from '../../../shared/ipc/contract.js';
import { createApiDispatcher } from '../../../shared/ipc/dispatch.js';
import type { ApiHandlers } from '../../../shared/ipc/api.js';

type Invoke = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Invoke>();
  return {
    handlers,
    handle: (channel: string, h: Invoke) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

function fakeWindow(url = 'app://lora-studio/index.html') {
  const mainFrame: FakeFrame = { url, parent: null, processId: 4, routingId: 1 };
  const contents = { mainFrame, isDestroyed: () => false } as unknown as WebContents;
  return { contents, mainFrame };
}

const event = (sender: WebContents, senderFrame: FakeFrame | null) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

function setup() {
  const calls: unknown[][] = [];
  const handlers = {
    stopRun: async (runId: string) => {
      calls.push(['stopRun', runId]);
      return { stopped: true };
    },
    getAppInfo: async () => ({ name: 'LoRA Studio', version: '0', shell: 'electron', capabilities: { nativeDialogs: true, revealInFolder: true, windowState: true } }),
  } as unknown as ApiHandlers;
  const ipc = fakeIpcMain();
  const win = fakeWindow();
  const unregister = registerIpcHandlers(ipc, createApiDispatcher(handlers), (e) => isTrustedSender(e, win.contents));
  return { ipc, win, calls, unregister };
}

describe('IPC handlers', () => {
  it('registers exactly one handler per contract channel, and removes them', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(API_METHOD_NAMES.map((m) => API_CONTRACT[m].channel).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers the app window main frame', async () => {
    const { ipc, win, calls } = setup();
    const reply = await ipc.handlers.get('engine:stop-run')!(event(win.contents, win.mainFrame), 'run-7');
    expect(reply).toEqual({ ok: true, value: { stopped: true } });
    expect(calls).toEqual([['stopRun', 'run-7']]);
  });

  it('refuses bad arguments before the handler runs', async () => {
    const { ipc, win, calls } = setup();
    for (const args of [[], [42], [''], ['a', 'b'], [{ runId: 'x' }]]) {
      const reply = await ipc.handlers.get('engine:stop-run')!(event(win.contents, win.mainFrame), ...args);
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    }
    const graph = await ipc.handlers.get('engine:run-graph')!(event(win.contents, win.mainFrame), { format: 'x' });
    expect(graph).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(calls).toEqual([]);
  });

  it('refuses foreign senders: another webContents, a subframe, another page, a destroyed frame', async () => {
    const { ipc, win, calls } = setup();
    const other = fakeWindow();
    const sub: FakeFrame = { url: 'app://lora-studio/index.html', parent: win.mainFrame, processId: 4, routingId: 9 };
    const remotePage = fakeWindow('https://evil.example/');
    const fileFrame: FakeFrame = { ...win.mainFrame, url: 'file:///tmp/x.html' };
    const lookalike: FakeFrame = { ...win.mainFrame, url: 'app://lora-studio.evil/index.html' };
    for (const e of [
      event(other.contents, other.mainFrame),
      event(win.contents, sub),
      event(remotePage.contents, remotePage.mainFrame),
      event(win.contents, fileFrame),
      event(win.contents, lookalike),
      event(win.contents, null),
    ]) {
      const reply = await ipc.handlers.get('engine:stop-run')!(e, 'run-1');
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses everything when the window is gone', () => {
    const win = fakeWindow();
    expect(isTrustedSender(event(win.contents, win.mainFrame), null)).toBe(false);
    const destroyed = { ...win.contents, isDestroyed: () => true, mainFrame: win.mainFrame } as unknown as WebContents;
    expect(isTrustedSender(event(destroyed, win.mainFrame), destroyed)).toBe(false);
  });
});
