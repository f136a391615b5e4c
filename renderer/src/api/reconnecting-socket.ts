/**
 * A WebSocket that comes back: after a close it reconnects with exponential backoff (0.5 s doubling to
 * 5 s), and reports its state so the UI can say "reconnecting" and resynchronise (getActiveRun) after.
 */
export type SocketState = 'connecting' | 'open' | 'closed';

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

export interface ReconnectingSocketOptions {
  readonly url: string;
  readonly createSocket: (url: string) => SocketLike;
  readonly onMessage: (data: unknown) => void;
  readonly onState?: (state: SocketState) => void;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

export interface ReconnectingSocket {
  readonly state: () => SocketState;
  close(): void;
}

export function openReconnectingSocket(o: ReconnectingSocketOptions): ReconnectingSocket {
  const minDelay = o.minDelayMs ?? 500;
  const maxDelay = o.maxDelayMs ?? 5000;
  const setTimer = o.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let state: SocketState = 'connecting';
  let delay = minDelay;
  let socket: SocketLike | null = null;
  let timer: unknown = null;
  let closedByUs = false;

  const setState = (s: SocketState): void => {
    if (s === state) return;
    state = s;
    o.onState?.(s);
  };

  const connect = (): void => {
    timer = null;
    setState('connecting');
    const ws = o.createSocket(o.url);
    socket = ws;
    ws.onopen = () => {
      delay = minDelay;
      setState('open');
    };
    ws.onmessage = (ev) => o.onMessage(ev.data);
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (closedByUs) return;
      setState('closed');
      timer = setTimer(connect, delay);
      delay = Math.min(maxDelay, delay * 2);
    };
  };

  connect();
  return {
    state: () => state,
    close() {
      closedByUs = true;
      if (timer !== null) clearTimer(timer);
      socket?.close();
      socket = null;
    },
  };
}
