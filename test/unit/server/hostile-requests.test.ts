/** serve against requests a browser never sends: two Host headers, JSON nested beyond any real document. */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type RunningServe } from '../../../main/server/serve.js';
import { createApiDispatcher } from '../../../shared/ipc/dispatch.js';
import { request } from './http-client.js';
import { createEngineDouble } from './engine-double.js';

let dir: string;
let serve: RunningServe;
let port: number;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-hostile-'));
  const rendererDir = path.join(dir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>LoRA Studio</title>');
  serve = await startServe({ engine: createEngineDouble(), port: 0, configDir: path.join(dir, 'config'), paths: { root: dir, rendererDir, examplesDir: dir, demoDir: dir } });
  port = serve.server.port;
  token = serve.server.token;
});

afterAll(async () => {
  await serve.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Sends bytes as they are (node:http would merge or refuse duplicate headers on the client side). */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

const deepArray = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile requests', () => {
  it('refuses a request with two Host headers, even when the first is the right one', async () => {
    const body = JSON.stringify({ args: [] });
    const reply = await rawRequest(
      `POST /api/getAppInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: attacker.example\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 (400|403) /);
    expect(reply).not.toContain('"ok":true');
    const single = await rawRequest(`POST /api/getAppInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(single).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('refuses a body nested 100,000 levels deep with 400 and a clear message, not 500', async () => {
    const r = await request({
      port,
      path: '/api/validateGraph',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: `{"args":[{"format":"lora-studio-graph","version":1,"nodes":[{"id":"a","type":"x","typeVersion":1,"position":{"x":0,"y":0},"params":{"p":${deepArray(100_000)}}}],"edges":[]}]}`,
    });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'too-deep' } });
    expect(r.text).toContain('levels');
  });

  it('the dispatcher itself (Electron IPC path) refuses deep arguments with an error envelope', async () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const dispatch = createApiDispatcher(createEngineDouble() as never);
    const envelope = await dispatch('validateGraph', [{ format: 'lora-studio-graph', version: 1, nodes: [{ id: 'a', type: 'x', typeVersion: 1, position: { x: 0, y: 0 }, params: { p: deep } }], edges: [] }]);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'too-deep' } });
  });
});

describe('serve at start', () => {
  it('removes temporaries a killed earlier run left in its config and output folders, and keeps live ones', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'ls-sweep-'));
    const config = path.join(base, 'config');
    const outputs = path.join(base, 'outputs');
    await mkdir(config);
    await mkdir(outputs);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    await writeFile(path.join(config, `.settings.json.lora-studio-tmp-${dead}-0123456789ab`), '{');
    await writeFile(path.join(outputs, `.merged.safetensors.lora-studio-tmp-${dead}-0123456789ab`), 'partial');
    await writeFile(path.join(outputs, `.other.safetensors.lora-studio-tmp-${process.pid}-0123456789ab`), 'being written');
    const s = await startServe({ engine: createEngineDouble(), port: 0, configDir: config, outputDir: outputs, paths: { root: base, rendererDir: base, examplesDir: base, demoDir: base } });
    try {
      expect((await readdir(config)).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
      expect(await readdir(outputs)).toEqual([`.other.safetensors.lora-studio-tmp-${process.pid}-0123456789ab`]);
    } finally {
      await s.stop();
      await rm(base, { recursive: true, force: true });
    }
  });
});
