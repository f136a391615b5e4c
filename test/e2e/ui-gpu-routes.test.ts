/**
 * The run panel says where the heavy operations ran, in headless Chromium against `lora-studio serve` on the
 * webgpu backend (llvmpipe on CI): an svd combine (the graph `lora-studio combine --print-graph` compiles) with
 * one Gram past the float-float range (test/helpers/wide-gram-loras.ts) shows the GPU's count and the CPU
 * fallback with its reason, the full detail in the tooltip.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { testGpu } from '../helpers/webgpu.js';
import { wideGramCombineArgs, writeWideGramLoras } from '../helpers/wide-gram-loras.js';
import { type AppPage, chromiumAvailable, graphQuery, openAppSession, type ServeProcess } from './helpers/index.js';
import { runStatus } from './ui-driver.js';

const found = chromiumAvailable() ? await testGpu() : { gpu: undefined };

describe.skipIf(!chromiumAvailable() || !found.gpu)('the run panel names where a webgpu run computed', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lora-studio-ui-routes-'));
    const printed = await runCliProcess([...wideGramCombineArgs(writeWideGramLoras(work), path.join(work, 'combined.safetensors')), '--print-graph']);
    expect(printed.code, printed.stderr).toBe(0);
    writeFileSync(path.join(work, 'combine.json'), printed.stdout);
    ({ server, browser, app } = await openAppSession(graphQuery(path.join(work, 'combine.json')), { serve: { env: { LORA_STUDIO_BACKEND: 'webgpu' }, outputDir: null } }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('after the run: the GPU count and the CPU fallback with its reason, the detail in the tooltip', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    const line = page.getByLabel('GPU routes');
    expect(await line.textContent()).toMatch(/^Last run: gpu: (.+, )?3 Gram matrices(, .+)?; cpu fallback: 1 Gram matrix \(a column spans more than 2\^40\)$/);
    expect(await line.getAttribute('title')).toMatch(/^gram: a column spans more than 2\^40 \(1×\), e\.g\. column 1 spans more than 2\^40 .*1\.00e-13/);
  });

  it('no console errors or warnings', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
