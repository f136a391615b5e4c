/**
 * The engine client against real child processes that misbehave on purpose (a host that ignores Stop, one
 * that crashes): the run always ends with events, partial files are removed, a fresh engine starts next.
 * The real engine host is exercised in test/integration/server-engine-host.test.ts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../main/electron/engine-client.js';
import { nodeEngineProcess } from '../../../main/electron/engine-process.js';
import type { EngineEvent } from '../../../shared/ipc/events.js';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../shared/graph/document.js';

const doc: GraphDocument = { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] };

// A host speaking the protocol: runGraph starts a "run" that writes a temporary file and never ends by itself.
const HOST = `
const fs = require('node:fs');
const mode = process.env.HOST_MODE;
const tmp = process.env.HOST_TMP;
const send = (m) => process.send(m);
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m.type === 'dispose') { send({ type: 'disposed' }); process.exit(0); }
  if (m.type !== 'call') return;
  if (m.method === 'runGraph') {
    send({ type: 'result', id: m.id, ok: true, value: { status: 'started', runId: 'r1' } });
    send({ type: 'event', event: { type: 'run-started', runId: 'r1', at: Date.now(), nodes: [{ nodeId: 'save', title: 'Save', type: 't' }], pruned: [], warnings: [], backend: 'cpu' } });
    send({ type: 'event', event: { type: 'node-started', runId: 'r1', at: Date.now(), nodeId: 'save', title: 'Save' } });
    fs.writeFileSync(tmp, 'partial');
    send({ type: 'temp-files', files: [tmp] });
    if (mode === 'crash') setTimeout(() => process.exit(3), 50);
    return;
  }
  if (m.method === 'stopRun') { if (mode === 'busy') { const end = Date.now() + 60000; while (Date.now() < end) {} } send({ type: 'result', id: m.id, ok: true, value: { stopped: true } }); return; }
  if (m.method === 'inspectFile') { send({ type: 'result', id: m.id, ok: false, error: { code: 'file-not-found', message: 'no such file', hint: 'check' } }); return; }
  if (m.method === 'getActiveRun') { send({ type: 'result', id: m.id, ok: true, value: null }); return; }
  if (m.method === 'inspectHang') return;
  send({ type: 'result', id: m.id, ok: true, value: { pid: process.pid } });
});
send({ type: 'ready', pid: process.pid });
`;

let dir: string;
let script: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-engine-client-'));
  script = path.join(dir, 'host.cjs');
  await writeFile(script, HOST);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function client(mode: string, tmp: string) {
  const events: EngineEvent[] = [];
  const c = createEngineClient({ spawn: () => nodeEngineProcess(script, { ...process.env, HOST_MODE: mode, HOST_TMP: tmp }), stopGraceMs: 300, disposeGraceMs: 1000 });
  c.onEvent((e) => events.push(e));
  return { c, events };
}

describe('engine client', () => {
  it('keeps error codes from the host', async () => {
    const { c } = client('ok', path.join(dir, 'a.tmp'));
    await expect(c.inspectFile({ path: '/x' })).rejects.toMatchObject({ code: 'file-not-found', hint: 'check' });
    await c.dispose();
  });

  it('kills a host that does not stop in time: the run ends cancelled, the partial file is removed, a new engine starts', async () => {
    const tmp = path.join(dir, 'busy.tmp');
    const { c, events } = client('busy', tmp);
    expect(await c.runGraph(doc)).toEqual({ status: 'started', runId: 'r1' });
    await expect.poll(() => existsSync(tmp)).toBe(true);
    await expect.poll(() => events.some((e) => e.type === 'node-started')).toBe(true);
    expect(await c.getActiveRun()).toMatchObject({ runId: 'r1' });
    const t0 = Date.now();
    expect(await c.stopRun('r1')).toEqual({ stopped: true });
    await expect.poll(() => events.at(-1)?.type, { timeout: 5000 }).toBe('run-finished');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', runId: 'r1', status: 'cancelled', outputs: { files: [] } });
    expect(events.some((e) => e.type === 'node-cancelled' && e.nodeId === 'save')).toBe(true);
    await expect.poll(() => existsSync(tmp)).toBe(false);
    expect(await c.getActiveRun()).toBeNull();
    expect(c.starts).toBe(1);
    await c.getBackendInfo();
    expect(c.starts).toBe(2);
    await c.dispose();
  });

  it('ends the run as failed when the engine crashes, and answers pending calls', async () => {
    const tmp = path.join(dir, 'crash.tmp');
    const { c, events } = client('crash', tmp);
    await c.runGraph(doc);
    await expect.poll(() => events.at(-1)?.type, { timeout: 5000 }).toBe('run-finished');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'failed', error: { code: 'engine-crashed' } });
    await expect.poll(() => existsSync(tmp)).toBe(false);
    expect(await c.stopRun('r1')).toEqual({ stopped: false });
    await c.dispose();
  });

  it('stops answering once disposed', async () => {
    const { c } = client('ok', path.join(dir, 'd.tmp'));
    await c.getBackendInfo();
    await c.dispose();
    await expect(c.getBackendInfo()).rejects.toMatchObject({ code: 'engine-disposed' });
  });
});
