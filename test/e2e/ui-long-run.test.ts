/**
 * A long run in the UI against the real engine: progress (fraction and ETA) shows on the node and in the
 * run panel while it runs, and Stop cancels it without leaving a partial file. The input is a full-size
 * SD 1.5 checkpoint header over a sparse file (no disk space), saved as fp32: about a minute of work.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/index.js';
import { writeSparseBase } from '../helpers/synthetic-base.js';
import { type AppPage, chromiumAvailable, graphQuery, openAppSession, type ServeProcess } from './helpers/index.js';
import { nodeById, runStatus, screenshot } from './ui-driver.js';

describe.skipIf(!chromiumAvailable())('a long run: progress, then Stop', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lora-studio-ui-long-'));
    const base = writeSparseBase(path.join(work, 'sd15-full.safetensors'), sd15Checkpoint({ size: 'full', vae: true }), 'F16');
    const graph = {
      format: 'lora-studio-graph',
      version: 1,
      metadata: { name: 'Full-size fp32 export' },
      nodes: [
        { id: 'load-model-1', type: 'lora-studio/load-model', typeVersion: 1, title: 'SD 1.5 (full size)', position: { x: 0, y: 0 }, params: { path: base } },
        { id: 'save-model-1', type: 'lora-studio/save-model', typeVersion: 1, position: { x: 340, y: 0 }, params: { path: path.join(work, 'full-fp32.safetensors'), dtype: 'fp32', maxShardSize: '', ifExists: 'overwrite' } },
      ],
      edges: [{ id: 'e1', source: 'load-model-1', sourcePort: 'model', target: 'save-model-1', targetPort: 'model' }],
    };
    writeFileSync(path.join(work, 'long.json'), JSON.stringify(graph));
    ({ server, browser, app } = await openAppSession(graphQuery(path.join(work, 'long.json'))));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('shows per-node progress with an ETA while it runs', async () => {
    const { page } = app;
    await nodeById(page, 'save-model-1').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const bar = nodeById(page, 'save-model-1').getByRole('progressbar', { name: 'Progress of Save Model' });
    await expect.poll(async () => Number((await bar.getAttribute('aria-valuenow').catch(() => null)) ?? 0), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    expect(await nodeById(page, 'save-model-1').getByRole('status').textContent()).toMatch(/^Running \d+%/);
    await expect.poll(() => nodeById(page, 'save-model-1').getByRole('status').textContent(), { timeout: 30_000 }).toMatch(/left$/);
    expect(await runStatus(page)).toMatch(/^Running · \d+ of 2 nodes done/);
    expect(await page.getByRole('list', { name: 'Node progress' }).getByRole('progressbar', { name: 'Progress of Save Model' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'run-in-progress');
  });

  it('Stop cancels it and leaves no partial file', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toMatch(/^Stopped/);
    expect(await nodeById(page, 'save-model-1').getByRole('status').textContent()).toBe('Stopped');
    expect(await page.getByRole('button', { name: 'Run', exact: true }).isEnabled()).toBe(true);
    // Nothing written: no output, no temporary file, where the run would have written.
    expect(await readdir(server.outputDir).catch(() => [])).toEqual([]);
    expect((await readdir(work)).sort()).toEqual(['long.json', 'sd15-full.safetensors']);
  });

  it('no console errors or warnings', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
