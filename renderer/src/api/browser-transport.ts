/**
 * Browser mode (`lora-studio serve`): calls are `POST /api/<method>` with `Authorization: Bearer <token>`
 * and `{ "args": [...] }`; pushes arrive as PushMessages on one WebSocket (WS_EVENTS_PATH?token=…), which
 * reconnects by itself. Conventions: shared/ipc/transport.ts.
 */
import { HTTP_API_PREFIX, WS_EVENTS_PATH, type ApiMethodName } from '../../../shared/ipc/contract.js';
import type { ApiTransport } from '../../../shared/ipc/client.js';
import { TOKEN_QUERY_PARAM } from '../../../shared/ipc/transport.js';
import { openReconnectingSocket, type ReconnectingSocket, type SocketLike, type SocketState } from './reconnecting-socket.js';

export interface BrowserTransportOptions {
  /** The page's origin, e.g. "http://127.0.0.1:5123". */
  readonly origin: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
  readonly createSocket?: (url: string) => SocketLike;
  readonly onConnectionState?: (state: SocketState) => void;
}

export interface BrowserTransport extends ApiTransport {
  close(): void;
}

/** An error the server did not wrap (a proxy, a crash): still an envelope, so the client reports it. */
const transportError = (message: string, hint?: string) => ({ ok: false, error: { code: 'transport', message, ...(hint ? { hint } : {}) } });

export function createBrowserTransport(o: BrowserTransportOptions): BrowserTransport {
  const doFetch = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let socket: ReconnectingSocket | null = null;

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const { channel, payload } = msg as { channel?: unknown; payload?: unknown };
    if (typeof channel !== 'string') return;
    for (const h of handlers.get(channel) ?? []) h(payload);
  };

  const ensureSocket = (): void => {
    if (socket) return;
    const wsOrigin = o.origin.replace(/^http/, 'ws');
    socket = openReconnectingSocket({
      url: `${wsOrigin}${WS_EVENTS_PATH}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(o.token)}`,
      createSocket: o.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike),
      onMessage,
      ...(o.onConnectionState ? { onState: o.onConnectionState } : {}),
    });
  };

  return {
    async invoke(method: ApiMethodName, _channel: string, args: readonly unknown[]): Promise<unknown> {
      let res: Response;
      try {
        res = await doFetch(`${o.origin}${HTTP_API_PREFIX}${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${o.token}` },
          body: JSON.stringify({ args }),
        });
      } catch (e) {
        return transportError(`The LoRA Studio server did not answer (${e instanceof Error ? e.message : String(e)}).`, 'Is `lora-studio serve` still running?');
      }
      try {
        return await res.json();
      } catch {
        return transportError(`The server answered ${res.status} ${res.statusText} without a readable reply.`);
      }
    },
    subscribe(channel, handler) {
      ensureSocket();
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
      };
    },
    close() {
      socket?.close();
      socket = null;
    },
  };
}
