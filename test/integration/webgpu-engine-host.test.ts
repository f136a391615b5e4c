/**
 * The app's engine host (dist/electron/engine-host.cjs, forked the way tests can, as in
 * server-electron-engine-host.test.ts) with LORA_STUDIO_BACKEND=webgpu: its worker loads Dawn, the API's
 * backend info names the adapter, and an example graph's Save Model bakes on the GPU.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../main/electron/engine-client.js';
import { nodeEngineProcess } from '../../main/electron/engine-process.js';
import { ensureDemoFiles } from '../../main/engine/demo/index.js';
import { parseGraph } from '../../shared/graph/codec.js';
import type { EngineEvent } from '../../shared/ipc/events.js';
import { repoRoot } from '../helpers/cli.js';
import { testGpu } from '../helpers/webgpu.js';

const found = await testGpu();
const hostScript = path.join(repoRoot, 'dist', 'electron', 'engine-host.cjs');
const examplePath = path.join(repoRoot, 'assets', 'examples', 'bake-lora-stack.json');
let dir: string;
let client: EngineClient;
const events: EngineEvent[] = [];

describe.skipIf(!found.gpu)('engine host on --backend webgpu', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ls-engine-host-gpu-'));
    await ensureDemoFiles(path.join(repoRoot, 'assets', 'demo'));
    client = createEngineClient({ spawn: () => nodeEngineProcess(hostScript, { ...process.env, LORA_STUDIO_WORKERS: '1', LORA_STUDIO_BACKEND: 'webgpu' }), stopGraceMs: 4000 });
    client.onEvent((e) => events.push(e));
  });

  afterAll(async () => {
    await client?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports webgpu and the adapter, and runs an example graph', async () => {
    const info = await client.getBackendInfo();
    expect(info.active).toBe('webgpu');
    expect(info.adapter).toEqual({ vendor: found.gpu!.adapter.vendor, device: found.gpu!.adapter.device, software: found.gpu!.adapter.software });
    const document = parseGraph(await readFile(examplePath, 'utf8')).document;
    const start = await client.runGraph(document, {}, { baseDir: path.dirname(examplePath), outputDir: dir });
    if (start.status !== 'started') throw new Error(JSON.stringify(start));
    await expect.poll(() => events.find((e) => e.type === 'run-finished' && e.runId === start.runId), { timeout: 60_000, interval: 100 }).toBeTruthy();
    const finished = events.find((e): e is Extract<EngineEvent, { type: 'run-finished' }> => e.type === 'run-finished' && e.runId === start.runId)!;
    expect(finished.status).toBe('ok');
    expect(finished.outputs.files.length).toBeGreaterThan(0);
  });
});
