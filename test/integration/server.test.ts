/**
 * `lora-studio serve` as a user runs it: the real CLI process, the real engine, real HTTP and WebSocket.
 * Runs an example graph through the API and finds the exported file on disk.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineEvent } from '../../shared/ipc/events.js';
import { callApi, startServeProcess, type ServeProcess } from '../e2e/helpers/serve-process.js';

let server: ServeProcess;

beforeAll(async () => {
  server = await startServeProcess();
});

afterAll(async () => {
  await server?.stop();
});

describe('lora-studio serve', () => {
  it('prints the loopback URL with a token first', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('refuses the API without the token', async () => {
    const res = await fetch(`${server.origin}/api/getAppInfo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"args":[]}' });
    expect(res.status).toBe(401);
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
  });

  it('reports the engine backend and lists the examples (demo files generated)', async () => {
    expect((await callApi(server, 'getBackendInfo')).body).toMatchObject({ ok: true, value: { active: expect.any(String), workers: 1 } });
    const examples = (await callApi(server, 'listExamples')).body as { ok: true; value: { id: string; path: string }[] };
    expect(examples.value.map((e) => e.id)).toContain('bake-lora-stack');
  });

  it('runs an example graph: events over the WebSocket, the output file on disk', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { headers: { Origin: server.origin } });
    const events: EngineEvent[] = [];
    ws.on('message', (m: Buffer) => events.push((JSON.parse(m.toString()) as { payload: EngineEvent }).payload));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const examples = ((await callApi(server, 'listExamples')).body as { value: { id: string; path: string }[] }).value;
    const example = examples.find((e) => e.id === 'bake-lora-stack')!;
    const opened = (await callApi(server, 'openGraph', [{ path: example.path }])).body as { ok: true; value: { document: unknown } };
    expect(opened.ok).toBe(true);
    expect((await callApi(server, 'validateGraph', [opened.value.document])).body).toMatchObject({ ok: true });
    const start = (await callApi(server, 'runGraph', [opened.value.document])).body as { value: { status: string; runId: string } };
    expect(start.value.status).toBe('started');
    await expect.poll(() => events.find((e) => e.type === 'run-finished'), { timeout: 60_000, interval: 100 }).toBeTruthy();
    const finished = events.find((e) => e.type === 'run-finished')!;
    expect(finished, JSON.stringify(finished)).toMatchObject({ runId: start.value.runId, status: 'ok' });
    expect(events[0]).toMatchObject({ type: 'run-started', runId: start.value.runId });
    const written = finished.type === 'run-finished' ? finished.outputs.files : [];
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) {
      expect(path.dirname(f.path)).toBe(server.outputDir);
      expect(existsSync(f.path)).toBe(true);
      expect(statSync(f.path).size).toBeGreaterThan(0);
    }
    ws.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });
});

describe('lora-studio serve flags', () => {
  it('refuses a bad port and a non-loopback host without --allow-remote (usage errors, exit 2)', async () => {
    const { runCliProcess } = await import('../helpers/cli.js');
    const port = await runCliProcess(['serve', '--port', 'http']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port http');
    const remote = await runCliProcess(['serve', '--host', '0.0.0.0']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0.*\n.*--allow-remote/);
    expect(remote.stdout).toBe('');
  });

  it('warns on stderr when --allow-remote opens it to the network', async () => {
    const open = await startServeProcess({ args: ['--host', '0.0.0.0', '--allow-remote'] });
    try {
      expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      await expect.poll(() => open.stderr()).toContain('WARNING: listening on 0.0.0.0');
    } finally {
      await open.stop();
    }
  });
});
