/**
 * The events WebSocket (WS_EVENTS_PATH): upgrades only after the Host, Origin and token checks, then
 * pushes every engine event to every connected client as a PushMessage. Clients send nothing; a client
 * that stops answering pings, or falls too far behind, is dropped (it reconnects and asks getActiveRun).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PUSH_CHANNELS, TOKEN_QUERY_PARAM, type PushMessage } from '../../../shared/ipc/index.js';
import type { EngineEvent } from '../../../shared/ipc/events.js';
import { requestHostAllowed, requestOriginAllowed, type BindInfo } from '../security/request-guards.js';
import { tokenMatches } from '../security/token.js';

const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface EventSockets {
  /** Handles an HTTP upgrade for the events path (anything else was refused by the caller). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, bind: BindInfo): void;
  broadcast(message: PushMessage): void;
  broadcastEngineEvent(event: EngineEvent): void;
  clientCount(): number;
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ ok: false, error: { code: status === 401 ? 'unauthorized' : 'forbidden', message: reason } });
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function createEventSockets(token: string): EventSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', () => ws.close(1003, 'This socket only sends.'));
    ws.on('error', () => ws.terminate());
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const broadcast = (message: PushMessage): void => {
    const text = JSON.stringify(message);
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  };

  return {
    handleUpgrade(req, socket, head, bind) {
      if (!requestHostAllowed(req, bind)) return refuse(socket, 403, 'This Host is not the address the server is bound to.');
      if (!requestOriginAllowed(req, bind)) return refuse(socket, 403, 'WebSocket connections are accepted only from the page this server serves.');
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!tokenMatches(token, url.searchParams.get(TOKEN_QUERY_PARAM))) return refuse(socket, 401, 'This connection has no valid access token.');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    broadcast,
    broadcastEngineEvent: (event) => broadcast({ channel: PUSH_CHANNELS.engineEvent, payload: event }),
    clientCount: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
