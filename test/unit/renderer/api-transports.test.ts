import { describe, expect, it, vi } from 'vitest';
import { PlatformApiError, PUSH_CHANNELS, type EngineEvent } from '../../../shared/ipc/index.js';
import type { PreloadBridge } from '../../../shared/ipc/transport.js';
import { createBrowserTransport } from '../../../renderer/src/api/browser-transport.js';
import { connectPlatform, findPreloadBridge } from '../../../renderer/src/api/connect-platform.js';
import { createElectronTransport } from '../../../renderer/src/api/electron-transport.js';
import { openReconnectingSocket, type SocketLike } from '../../../renderer/src/api/reconnecting-socket.js';
import { createPlatformApi } from '../../../shared/ipc/client.js';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
    this.onclose?.({});
  }
  open(): void {
    this.onopen?.({});
  }
  drop(): void {
    this.onclose?.({});
  }
  send(data: unknown): void {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
}

const log: EngineEvent = { type: 'log', runId: null, at: 1, level: 'info', message: 'hello' };

describe('browser transport', () => {
  it('POSTs /api/<method> with the bearer token and {args}; the client validates the envelope', async () => {
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(JSON.stringify({ ok: true, value: [] }), { status: 200 }));
    const api = createPlatformApi(createBrowserTransport({ origin: 'http://127.0.0.1:9', token: 'tok', fetch: fetch as unknown as typeof globalThis.fetch, createSocket: (u) => new FakeSocket(u) }));
    await expect(api.getRecentFiles()).resolves.toEqual([]);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('http://127.0.0.1:9/api/getRecentFiles');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(String(init?.body))).toEqual({ args: [] });
  });

  it('errors keep their code and hint; a dead server becomes a transport error', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: false, error: { code: 'unauthorized', message: 'no token', hint: 'open the link' } }), { status: 401 }));
    const api = createPlatformApi(createBrowserTransport({ origin: 'http://h', token: 't', fetch: fetch as unknown as typeof globalThis.fetch }));
    await expect(api.getRecentFiles()).rejects.toMatchObject({ code: 'unauthorized', hint: 'open the link' });
    const dead = createPlatformApi(createBrowserTransport({ origin: 'http://h', token: 't', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof globalThis.fetch }));
    const err = await dead.getRecentFiles().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformApiError);
    expect((err as PlatformApiError).code).toBe('transport');
    expect((err as PlatformApiError).message).toMatch(/did not answer/);
  });

  it('one WebSocket with the token in the query, messages routed by channel, validated by the client', () => {
    FakeSocket.all = [];
    const invalid = vi.fn();
    const api = createPlatformApi(createBrowserTransport({ origin: 'http://127.0.0.1:9', token: 'a b', createSocket: (u) => new FakeSocket(u) }), { onInvalidMessage: invalid });
    const events: EngineEvent[] = [];
    const commands: unknown[] = [];
    api.onEngineEvent((e) => events.push(e));
    api.onMenuAction((c) => commands.push(c));
    expect(FakeSocket.all).toHaveLength(1);
    const ws = FakeSocket.all[0] as FakeSocket;
    expect(ws.url).toBe('ws://127.0.0.1:9/api/events?token=a%20b');
    ws.open();
    ws.send({ channel: PUSH_CHANNELS.engineEvent, payload: log });
    ws.send({ channel: PUSH_CHANNELS.menuAction, payload: { command: 'run' } });
    ws.send({ channel: PUSH_CHANNELS.engineEvent, payload: { type: 'nonsense' } });
    ws.onmessage?.({ data: 'not json' });
    expect(events).toEqual([log]);
    expect(commands).toEqual([{ command: 'run' }]);
    expect(invalid).toHaveBeenCalledTimes(1);
  });
});

describe('reconnecting socket', () => {
  it('reconnects after a drop with growing delays, resets after a success, stops when closed', () => {
    FakeSocket.all = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const states: string[] = [];
    const s = openReconnectingSocket({
      url: 'ws://x',
      createSocket: (u) => new FakeSocket(u),
      onMessage: () => undefined,
      onState: (st) => states.push(st),
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => undefined,
    });
    (FakeSocket.all[0] as FakeSocket).open();
    (FakeSocket.all[0] as FakeSocket).drop();
    timers.shift()?.fn();
    (FakeSocket.all[1] as FakeSocket).drop();
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    timers.shift()?.fn();
    (FakeSocket.all[2] as FakeSocket).open();
    (FakeSocket.all[2] as FakeSocket).drop();
    expect(timers.map((t) => t.ms)).toEqual([500]);
    expect(states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open', 'closed']);
    timers.shift()?.fn();
    s.close();
    expect((FakeSocket.all[3] as FakeSocket).closed).toBe(true);
    expect(timers).toHaveLength(0);
  });
});

describe('electron transport and platform choice', () => {
  const bridge = (): PreloadBridge & { calls: unknown[][] } => {
    const calls: unknown[][] = [];
    const handlers: ((p: unknown) => void)[] = [];
    const methods = new Proxy({} as Record<string, unknown>, {
      get: (_t, name) => {
        if (name === 'calls') return calls;
        if (name === 'subscribe') return (channel: string, h: (p: unknown) => void) => {
          calls.push(['subscribe', channel]);
          handlers.push(h);
          return () => undefined;
        };
        if (name === 'emit') return (p: unknown) => handlers.forEach((h) => h(p));
        return async (...args: unknown[]) => {
          calls.push([name, ...args]);
          return { ok: true, value: { stopped: true } };
        };
      },
    });
    return methods as unknown as PreloadBridge & { calls: unknown[][] };
  };

  it('calls the bridge method of the same name and subscribes to push channels only', async () => {
    const b = bridge();
    const t = createElectronTransport(b);
    const api = createPlatformApi(t);
    await expect(api.stopRun('r1')).resolves.toEqual({ stopped: true });
    expect(b.calls[0]).toEqual(['stopRun', 'r1']);
    api.onEngineEvent(() => undefined);
    expect(b.calls[1]).toEqual(['subscribe', PUSH_CHANNELS.engineEvent]);
    expect(t.subscribe('nope', () => undefined)).toBeTypeOf('function');
    expect(b.calls).toHaveLength(2);
  });

  it('connectPlatform: the bridge wins; otherwise the token from the URL; no token, a clear refusal', () => {
    const b = bridge();
    expect(findPreloadBridge({ loraStudio: b })).toBe(b);
    expect(findPreloadBridge({})).toBeUndefined();
    const electron = connectPlatform({ location: { origin: 'app://x', search: '' }, bridge: b });
    expect(electron).toMatchObject({ ok: true, shell: 'electron' });
    expect(connectPlatform({ location: { origin: 'http://h', search: '?token=abc' } })).toMatchObject({ ok: true, shell: 'browser' });
    const refused = connectPlatform({ location: { origin: 'http://h', search: '' } });
    expect(refused).toMatchObject({ ok: false });
    if (!refused.ok) expect(refused.hint).toMatch(/token/);
  });
});
