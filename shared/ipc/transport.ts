/**
 * How the two shells carry the contract, for the renderer's ApiTransports (main/server/README.md has the
 * whole browser-mode protocol).
 *
 * Electron: the preload exposes `window[PRELOAD_BRIDGE_KEY]`, one method per API method (same name; it
 * resolves to the raw ApiEnvelope) plus `subscribe(channel, handler)` for PUSH_CHANNELS (handler gets the
 * raw payload; returns the unsubscribe function). ipcRenderer itself is never exposed.
 *
 * Browser mode: the page URL carries `?token=<token>` (TOKEN_QUERY_PARAM). The client sends it as
 * `Authorization: Bearer <token>` on every `POST ${HTTP_API_PREFIX}<method>` (JSON body `{ "args": [...] }`,
 * `Content-Type: application/json`) and as `?token=<token>` on the WebSocket URL (WS_EVENTS_PATH).
 * Transport-level refusals (401 token, 403 host/origin, 400 bad JSON, 413 too large, 415 not JSON, 404
 * unknown path) also answer an ApiEnvelope with ok: false, so a client can parse every reply the same way.
 */
import type { Unsubscribe } from './api.js';
import type { ApiMethodName, PushChannel } from './contract.js';

export const PRELOAD_BRIDGE_KEY = 'loraStudio';

export type PreloadBridge = { readonly [M in ApiMethodName]: (...args: unknown[]) => Promise<unknown> } & {
  readonly subscribe: (channel: PushChannel, handler: (payload: unknown) => void) => Unsubscribe;
};

export const TOKEN_QUERY_PARAM = 'token';
