/**
 * Browser mode's HTTP + WebSocket server (node:http + ws). Every request passes, in order: the Host check
 * (DNS rebinding), then for the API the Origin check and the token, then createApiDispatcher; security
 * headers on every response. Binding to a non-loopback address needs allowRemote.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP_API_PREFIX, WS_EVENTS_PATH } from '../../shared/ipc/contract.js';
import type { ApiDispatcher } from '../../shared/ipc/dispatch.js';
import { toApiError } from '../../shared/ipc/errors.js';
import { TOKEN_QUERY_PARAM } from '../../shared/ipc/transport.js';
import { EngineError } from '../engine/errors.js';
import { handleApiRequest } from './http/api-route.js';
import { sendError, sendText } from './http/replies.js';
import { handleStaticRequest } from './http/static-route.js';
import { isLoopbackHost, isWildcardHost, urlHost } from './security/bind-address.js';
import { applySecurityHeaders } from '../shell/security-headers.js';
import { requestHostAllowed, requestOriginAllowed, type BindInfo } from './security/request-guards.js';
import { newToken } from './security/token.js';
import { createEventSockets, type EventSockets } from './ws/event-sockets.js';

export interface BrowserServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Required for any non-loopback host. */
  allowRemote?: boolean;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  dispatch: ApiDispatcher;
  /** Default: a new random token. */
  token?: string;
  maxBodyBytes?: number;
}

export interface BrowserServer {
  /** The page URL with the token: what `serve` prints. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly host: string;
  readonly port: number;
  readonly sockets: EventSockets;
  close(): Promise<void>;
}

export function checkBindHost(host: string, allowRemote: boolean): void {
  if (isLoopbackHost(host) || allowRemote) return;
  throw new EngineError('remote-bind-refused', `Refusing to listen on ${host}: it is not a loopback address, so other machines could reach the engine and your files.`, {
    hint: 'Add --allow-remote if that is what you want (anyone with the printed URL and network access gets in), or use --host 127.0.0.1.',
  });
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1';
  checkBindHost(host, options.allowRemote === true);
  const token = options.token ?? newToken();
  const sockets = createEventSockets(token);
  let bind: BindInfo = { host, port: options.port };

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const hostOk = requestHostAllowed(req, bind);
    applySecurityHeaders(res, hostOk ? `ws://${req.headers.host ?? ''}` : null);
    if (!hostOk) {
      sendText(res, 403, 'This server answers only on the address it is bound to.\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith(HTTP_API_PREFIX)) {
      if (!requestOriginAllowed(req, bind)) {
        sendError(res, 403, { code: 'forbidden-origin', message: 'API calls are accepted only from the page this server serves.' });
        return;
      }
      const method = url.pathname.slice(HTTP_API_PREFIX.length);
      await handleApiRequest(req, res, method, { token, dispatch: options.dispatch, ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}) });
      return;
    }
    await handleStaticRequest(req, res, url, { rendererDir: options.rendererDir, token, port: bind.port });
  };

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, { ...toApiError(e), code: 'internal' });
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_EVENTS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, bind);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  bind = { host, port };
  const shownHost = isWildcardHost(host) ? '127.0.0.1' : host;
  const origin = `http://${urlHost(shownHost)}:${port}`;

  return {
    url: `${origin}/?${TOKEN_QUERY_PARAM}=${token}`,
    origin,
    token,
    host,
    port,
    sockets,
    async close() {
      await sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
