import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServe, type RunningServe } from '../../../main/server/serve.js';
import { apiCall, request } from './http-client.js';
import { createEngineDouble, type EngineDouble } from './engine-double.js';

let dir: string;
let serve: RunningServe;
let engine: EngineDouble;
let port: number;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-server-'));
  const rendererDir = path.join(dir, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>LoRA Studio</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(path.join(rendererDir, 'assets', 'style.css'), 'body{}');
  await writeFile(path.join(dir, 'secret.txt'), 'TOP SECRET');
  engine = createEngineDouble();
  serve = await startServe({
    engine,
    port: 0,
    configDir: path.join(dir, 'config'),
    paths: { root: dir, rendererDir, examplesDir: path.join(dir, 'examples'), demoDir: path.join(dir, 'demo') },
  });
  port = serve.server.port;
  token = serve.server.token;
});

afterAll(async () => {
  await serve.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('serve URL and binding', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(serve.server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a non-loopback address without allowRemote, and allows it with', async () => {
    await expect(startServe({ engine: createEngineDouble(), host: '0.0.0.0', port: 0, configDir: path.join(dir, 'c2') })).rejects.toMatchObject({ code: 'remote-bind-refused' });
    const remote = await startServe({ engine: createEngineDouble(), host: '0.0.0.0', port: 0, allowRemote: true, configDir: path.join(dir, 'c3'), paths: { root: dir, rendererDir: path.join(dir, 'renderer'), examplesDir: dir, demoDir: dir } });
    try {
      const ok = await apiCall(remote.server.port, 'getAppInfo', [], remote.server.token);
      expect(ok.status).toBe(200);
      // A wildcard bind answers IP literals, never a DNS name (rebinding needs one).
      const named = await apiCall(remote.server.port, 'getAppInfo', [], remote.server.token, { Host: `attacker.example:${remote.server.port}` });
      expect(named.status).toBe(403);
    } finally {
      await remote.stop();
    }
  });
});

describe('the page and static files', () => {
  it('serves the page only with the token, and remembers it in a strict cookie', async () => {
    const none = await request({ port, path: '/' });
    expect(none.status).toBe(401);
    expect(none.text).toContain('Access token needed');
    expect(none.text).not.toContain(token);
    expect((await request({ port, path: '/?token=nope' })).status).toBe(401);
    const ok = await request({ port, path: `/?token=${token}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<title>LoRA Studio</title>');
    expect(ok.headers['content-type']).toBe('text/html; charset=utf-8');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toContain(`lora_studio_token_${port}=${token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const back = await request({ port, path: '/', headers: { Cookie: `other=1; lora_studio_token_${port}=${token}` } });
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe(`/?token=${token}`);
    expect((await request({ port, path: '/', headers: { Cookie: `lora_studio_token_${port}=wrong` } })).status).toBe(401);
  });

  it('serves build assets with their types and no token', async () => {
    const js = await request({ port, path: '/assets/app.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await request({ port, path: '/assets/style.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request({ port, path: '/assets/missing.js' })).status).toBe(404);
    expect((await request({ port, path: '/assets/app.js', method: 'POST' })).status).toBe(405);
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/%00app.js', '/C:/secret.txt'])(
    'never serves anything outside the renderer folder: %s',
    async (p) => {
      const res = await request({ port, path: p });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toContain('TOP SECRET');
    },
  );

  it('puts the CSP and security headers on every response', async () => {
    for (const res of [
      await request({ port, path: `/?token=${token}` }),
      await request({ port, path: '/nothing' }),
      await apiCall(port, 'getAppInfo', [], null),
      await apiCall(port, 'getAppInfo', [], token),
      await request({ port, path: '/', headers: { Host: 'evil.example' } }),
    ]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const page = await request({ port, path: `/?token=${token}` });
    expect(String(page.headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
  });
});

describe('Host header (DNS rebinding)', () => {
  // PORT is replaced in the test: the list is built before the server has a port.
  it.each(['evil.example', 'evil.example:PORT', 'localhost.evil.example:PORT', '127.0.0.1:1', '127.0.0.1:99999', '127.0.0.1:PORT@evil.example', '10.0.0.1:PORT'])('refuses Host %s', async (template) => {
    const host = template.replace('PORT', String(port));
    const res = await request({ port, path: `/?token=${token}`, headers: { Host: host } });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('LoRA Studio</title>');
    const api = await apiCall(port, 'getAppInfo', [], token, { Host: host });
    expect(api.status).toBe(403);
  });

  it('refuses a request without a Host header (HTTP/1.0)', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(`GET /?token=${token} HTTP/1.0\r\n\r\n`));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.[01] 403/);
  });

  it('accepts the loopback spellings of the bound address', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await apiCall(port, 'getAppInfo', [], token, { Host: host })).status).toBe(200);
    }
  });
});

describe('the API', () => {
  it('refuses calls without the token or with a wrong one (401, an envelope)', async () => {
    for (const auth of [null, 'wrong', `${token}x`, '']) {
      const res = await apiCall(port, 'getBackendInfo', [], auth);
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    const basic = await apiCall(port, 'getBackendInfo', [], null, { Authorization: `Basic ${token}` });
    expect(basic.status).toBe(401);
    const inQuery = await request({ port, path: `/api/getAppInfo?token=${token}`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"args":[]}' });
    expect(inQuery.status).toBe(401);
  });

  it('answers a valid call through the dispatcher', async () => {
    const res = await apiCall(port, 'getAppInfo', [], token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ ok: true, value: { shell: 'browser', capabilities: { nativeDialogs: false } } });
  });

  it('refuses a foreign Origin, accepts its own', async () => {
    const evil = await apiCall(port, 'getAppInfo', [], token, { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json()).toMatchObject({ ok: false, error: { code: 'forbidden-origin' } });
    expect((await apiCall(port, 'getAppInfo', [], token, { Origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await apiCall(port, 'getAppInfo', [], token, { Origin: 'null' })).status).toBe(403);
    expect((await apiCall(port, 'getAppInfo', [], token, { Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('answers transport errors with proper statuses and envelopes', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const get = await request({ port, path: '/api/getAppInfo', headers: auth });
    expect(get.status).toBe(405);
    const text = await request({ port, path: '/api/getAppInfo', method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{"args":[]}' });
    expect(text.status).toBe(415);
    const bad = await request({ port, path: '/api/getAppInfo', method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"args": [1,' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid-json' } });
    const shape = await request({ port, path: '/api/getAppInfo', method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"args": "x"}' });
    expect(shape.status).toBe(400);
    expect(shape.json()).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const unknown = await apiCall(port, 'deleteEverything', [], token);
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    const proto = await apiCall(port, '__proto__', [], token);
    expect(proto.json()).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify({ args: ['x'.repeat(17 * 1024 * 1024)] });
    const res = await request({ port, path: '/api/stopRun', method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'body-too-large' } });
  });

  it('validates arguments with the contract before the engine sees them', async () => {
    const before = engine.calls.length;
    const res = await apiCall(port, 'stopRun', [42], token);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    const graph = await apiCall(port, 'runGraph', [{ format: 'something-else', nodes: [] }], token);
    expect(graph.json()).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(engine.calls.length).toBe(before);
    const stop = await apiCall(port, 'stopRun', ['run-1'], token);
    expect(stop.json()).toEqual({ ok: true, value: { stopped: true } });
  });

  it('keeps an engine error code and hint in the envelope', async () => {
    const res = await apiCall(port, 'inspectFile', [{ path: '/nowhere/x.safetensors' }], token);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'file-not-found', hint: 'Check the path.' } });
  });

  it('says that native dialogs are not available in browser mode', async () => {
    expect((await apiCall(port, 'pickFile', [{ mode: 'open' }], token)).json()).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect((await apiCall(port, 'openGraph', [], token)).json()).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});

function connect(path: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: unknown[] } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, ...headers } });
    const messages: unknown[] = [];
    ws.on('message', (m: Buffer) => messages.push(JSON.parse(m.toString()) as unknown));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

describe('the events WebSocket', () => {
  it('refuses a missing or wrong token (401), a foreign Origin or Host (403), another path (404)', async () => {
    expect(await connect('/api/events')).toEqual({ status: 401 });
    expect(await connect('/api/events?token=wrong')).toEqual({ status: 401 });
    expect(await connect(`/api/events?token=${token}`, { Origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await connect(`/api/events?token=${token}`, { Origin: `http://localhost:${port}`, Host: `127.0.0.1:${port}` })).toEqual({ status: 403 });
    expect(await connect(`/api/events?token=${token}`, { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` })).toEqual({ status: 403 });
    expect(await connect(`/api/other?token=${token}`)).toEqual({ status: 404 });
  });

  it('fans engine events out to every client of the token', async () => {
    const a = await connect(`/api/events?token=${token}`);
    const b = await connect(`/api/events?token=${token}`, { Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    if (!('ws' in a) || !('ws' in b)) throw new Error('connection refused');
    expect(serve.server.sockets.clientCount()).toBe(2);
    const event = { type: 'log' as const, runId: null, at: 1, level: 'info' as const, message: 'hello' };
    engine.emit(event);
    await expect.poll(() => a.messages.length + b.messages.length).toBe(2);
    expect(a.messages[0]).toEqual({ channel: 'engine:event', payload: event });
    expect(b.messages[0]).toEqual({ channel: 'engine:event', payload: event });
    a.ws.close();
    b.ws.close();
    await expect.poll(() => serve.server.sockets.clientCount()).toBe(0);
  });

  it('closes a socket whose client sends data', async () => {
    const c = await connect(`/api/events?token=${token}`);
    if (!('ws' in c)) throw new Error('connection refused');
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    c.ws.send('hello');
    expect(await closed).toBe(1003);
  });
});
