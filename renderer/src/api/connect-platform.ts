/**
 * Picks the PlatformApi of the shell the page runs in: Electron's preload bridge when present, else the
 * browser-mode server that served the page (token from the URL).
 */
import type { PlatformApi } from '../../../shared/ipc/api.js';
import { createPlatformApi } from '../../../shared/ipc/client.js';
import { PRELOAD_BRIDGE_KEY, TOKEN_QUERY_PARAM, type PreloadBridge } from '../../../shared/ipc/transport.js';
import { createBrowserTransport } from './browser-transport.js';
import { createElectronTransport } from './electron-transport.js';
import type { SocketState } from './reconnecting-socket.js';

export type PlatformConnection =
  | { readonly ok: true; readonly api: PlatformApi; readonly shell: 'electron' | 'browser' }
  | { readonly ok: false; readonly message: string; readonly hint: string };

export interface PlatformEnvironment {
  readonly location: { readonly origin: string; readonly search: string };
  readonly bridge?: PreloadBridge;
  readonly onConnectionState?: (state: SocketState) => void;
  readonly onInvalidMessage?: (channel: string, error: Error) => void;
}

export function connectPlatform(env: PlatformEnvironment): PlatformConnection {
  const options = env.onInvalidMessage ? { onInvalidMessage: env.onInvalidMessage } : {};
  if (env.bridge) return { ok: true, api: createPlatformApi(createElectronTransport(env.bridge), options), shell: 'electron' };
  const token = new URLSearchParams(env.location.search).get(TOKEN_QUERY_PARAM);
  if (!token) {
    return {
      ok: false,
      message: 'This page has no access token.',
      hint: 'Open the link that `lora-studio serve` (or `npm start`) printed: it ends in ?token=…',
    };
  }
  const transport = createBrowserTransport({ origin: env.location.origin, token, ...(env.onConnectionState ? { onConnectionState: env.onConnectionState } : {}) });
  return { ok: true, api: createPlatformApi(transport, options), shell: 'browser' };
}

/** The preload bridge, if this page runs in Electron. */
export function findPreloadBridge(win: object): PreloadBridge | undefined {
  const bridge = (win as Record<string, unknown>)[PRELOAD_BRIDGE_KEY];
  return typeof bridge === 'object' && bridge !== null ? (bridge as PreloadBridge) : undefined;
}
