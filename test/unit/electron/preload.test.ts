import { describe, expect, it, vi, beforeEach } from 'vitest';
import { API_CONTRACT, API_METHOD_NAMES, PUSH_CHANNELS } from '../../../shared/ipc/contract.js';
import { PRELOAD_BRIDGE_KEY, type PreloadBridge } from '../../../shared/ipc/transport.js';

type Listener = (event: unknown, payload: unknown) => void;

const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
const listeners = new Map<string, Set<Listener>>();
const ipcRenderer = {
  invoke: vi.fn(async (channel: string, ...args: unknown[]) => {
    invoked.push([channel, ...args]);
    return { ok: true, value: channel };
  }),
  on: vi.fn((channel: string, l: Listener) => {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(l);
  }),
  removeListener: vi.fn((channel: string, l: Listener) => void listeners.get(channel)?.delete(l)),
  send: vi.fn(),
  sendSync: vi.fn(),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer,
}));

async function loadBridge(): Promise<PreloadBridge> {
  await import('../../../main/preload/index.js');
  return exposed.get(PRELOAD_BRIDGE_KEY) as PreloadBridge;
}

beforeEach(() => {
  invoked.length = 0;
});

describe('preload', () => {
  it('exposes one object under one key: a function per API method plus subscribe, nothing else', async () => {
    const bridge = await loadBridge();
    expect([...exposed.keys()]).toEqual([PRELOAD_BRIDGE_KEY]);
    expect(Object.keys(bridge).sort()).toEqual([...API_METHOD_NAMES, 'subscribe'].sort());
    for (const key of Object.keys(bridge)) expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function');
    expect(Object.values(bridge)).not.toContain(ipcRenderer);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('each method invokes only its own channel, with the arguments as given', async () => {
    const bridge = await loadBridge();
    for (const m of API_METHOD_NAMES) {
      const reply = await bridge[m]('a', 2);
      expect(reply).toEqual({ ok: true, value: API_CONTRACT[m].channel });
    }
    expect(invoked).toEqual(API_METHOD_NAMES.map((m) => [API_CONTRACT[m].channel, 'a', 2]));
    expect(ipcRenderer.send).not.toHaveBeenCalled();
    expect(ipcRenderer.sendSync).not.toHaveBeenCalled();
  });

  it('subscribes to push channels only, passes the payload without the IPC event, and unsubscribes', async () => {
    const bridge = await loadBridge();
    const got: unknown[][] = [];
    const off = bridge.subscribe(PUSH_CHANNELS.engineEvent, (...a: unknown[]) => got.push(a));
    const fakeEvent = { sender: ipcRenderer };
    for (const l of listeners.get(PUSH_CHANNELS.engineEvent)!) l(fakeEvent, { type: 'log' });
    expect(got).toEqual([[{ type: 'log' }]]);
    off();
    expect(listeners.get(PUSH_CHANNELS.engineEvent)!.size).toBe(0);
    expect(() => bridge.subscribe('engine:run-graph' as never, () => undefined)).toThrow(/not a push channel/);
    expect(() => bridge.subscribe(PUSH_CHANNELS.menuAction, 'x' as never)).toThrow();
  });
});
