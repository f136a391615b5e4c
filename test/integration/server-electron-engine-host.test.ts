/**
 * Electron's engine host (dist/electron/engine-host.cjs) with the real engine, started the way tests can:
 * a forked Node process speaking the same protocol as the utilityProcess. Runs an example graph, then a
 * run that is stopped and one whose engine is killed; the client recovers each time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../main/electron/engine-client.js';
import { nodeEngineProcess } from '../../main/electron/engine-process.js';
import { parseGraph } from '../../shared/graph/codec.js';
import type { GraphDocument } from '../../shared/graph/document.js';
import type { EngineEvent } from '../../shared/ipc/events.js';
import { ensureDemoFiles } from '../../main/engine/demo/index.js';
import { repoRoot } from '../helpers/cli.js';

const hostScript = path.join(repoRoot, 'dist', 'electron', 'engine-host.cjs');
const examplePath = path.join(repoRoot, 'assets', 'examples', 'bake-lora-stack.json');

let dir: string;
let client: EngineClient;
let document: GraphDocument;
const events: EngineEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-engine-host-'));
  await ensureDemoFiles(path.join(repoRoot, 'assets', 'demo'));
  document = parseGraph(await readFile(examplePath, 'utf8')).document;
  client = createEngineClient({ spawn: () => nodeEngineProcess(hostScript, { ...process.env, LORA_STUDIO_WORKERS: '1' }), stopGraceMs: 4000 });
  client.onEvent((e) => events.push(e));
});

afterAll(async () => {
  await client?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const context = (sub: string) => ({ baseDir: path.dirname(examplePath), outputDir: path.join(dir, sub) });
const finishedOf = (runId: string) => events.find((e): e is Extract<EngineEvent, { type: 'run-finished' }> => e.type === 'run-finished' && e.runId === runId);
const leftovers = async (sub: string) => (await readdir(path.join(dir, sub)).catch(() => [] as string[])).filter((n) => n.includes('lora-studio-tmp'));

describe('engine host process', () => {
  it('exists as a bundle', () => {
    expect(existsSync(hostScript)).toBe(true);
  });

  it('reports the backend and validates', async () => {
    expect(await client.getBackendInfo()).toMatchObject({ workers: 1, active: expect.any(String) });
    expect((await client.validateGraph(document, context('a'))).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('runs a graph: events arrive in order and the export is on disk', async () => {
    const start = await client.runGraph(document, {}, context('a'));
    if (start.status !== 'started') throw new Error(JSON.stringify(start));
    await expect.poll(() => finishedOf(start.runId), { timeout: 60_000, interval: 100 }).toBeTruthy();
    const runEvents = events.filter((e) => 'runId' in e && e.runId === start.runId && e.type !== 'log');
    expect(runEvents[0]?.type).toBe('run-started');
    expect(runEvents.at(-1)?.type).toBe('run-finished');
    const finished = finishedOf(start.runId)!;
    expect(finished.status).toBe('ok');
    expect(finished.outputs.files.map((f) => path.basename(f.path))).toEqual(['sd15-tiny-stack.safetensors']);
    expect(existsSync(path.join(dir, 'a', 'sd15-tiny-stack.safetensors'))).toBe(true);
    expect(await client.getActiveRun()).toBeNull();
  });

  it('stops a run (cooperatively or by killing the engine) and leaves no partial file', async () => {
    const start = await client.runGraph(document, { noCache: true }, context('b'));
    if (start.status !== 'started') throw new Error(JSON.stringify(start));
    expect(await client.stopRun(start.runId)).toEqual({ stopped: true });
    await expect.poll(() => finishedOf(start.runId), { timeout: 30_000, interval: 100 }).toBeTruthy();
    expect(['cancelled', 'ok']).toContain(finishedOf(start.runId)!.status);
    expect(await leftovers('b')).toEqual([]);
  });

  it('recovers after the engine process is killed mid-run', async () => {
    const starts = client.starts;
    const start = await client.runGraph(document, { noCache: true }, context('c'));
    if (start.status !== 'started') throw new Error(JSON.stringify(start));
    client.kill();
    await expect.poll(() => finishedOf(start.runId), { timeout: 10_000, interval: 50 }).toBeTruthy();
    expect(finishedOf(start.runId)!.status).toBe('cancelled');
    expect(await leftovers('c')).toEqual([]);
    expect(await client.getBackendInfo()).toMatchObject({ workers: 1 });
    expect(client.starts).toBe(starts + 1);
  });
});
