/**
 * The object the preload exposes to the page (window[PRELOAD_BRIDGE_KEY]): one function per API method,
 * each invoking exactly its own channel, and subscribe() for the two push channels. The page never gets
 * ipcRenderer, an IpcRendererEvent (its `sender` is ipcRenderer), or a way to name another channel.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { API_CONTRACT, API_METHOD_NAMES, PUSH_CHANNELS, type PushChannel } from '../../shared/ipc/contract.js';
import type { PreloadBridge } from '../../shared/ipc/transport.js';

const PUSH: ReadonlySet<string> = new Set(Object.values(PUSH_CHANNELS));

export function createPreloadBridge(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): PreloadBridge {
  const bridge: Record<string, unknown> = {};
  for (const method of API_METHOD_NAMES) {
    const channel = API_CONTRACT[method].channel;
    bridge[method] = (...args: unknown[]): Promise<unknown> => ipc.invoke(channel, ...args);
  }
  bridge.subscribe = (channel: PushChannel, handler: (payload: unknown) => void): (() => void) => {
    if (!PUSH.has(channel)) throw new Error(`${String(channel)} is not a push channel.`);
    if (typeof handler !== 'function') throw new Error('subscribe needs a handler function.');
    const listener = (_event: IpcRendererEvent, payload: unknown): void => handler(payload);
    ipc.on(channel, listener);
    return () => {
      ipc.removeListener(channel, listener);
    };
  };
  return Object.freeze(bridge) as PreloadBridge;
}
