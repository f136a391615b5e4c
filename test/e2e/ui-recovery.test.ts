/**
 * Autosave and crash recovery through the PlatformApi: unsaved edits are autosaved a moment after editing
 * stops; a window opened afterwards (as after a crash) restores them with a banner; Discard drops them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, chromiumAvailable, ensureRendererBuilt, launchChromium, openPage, startServeProcess, type ServeProcess } from './helpers/index.js';
import { nodeById, waitForApp } from './ui-driver.js';

const recovery = async (server: ServeProcess): Promise<unknown> => ((await callApi(server, 'getRecovery')).body as { value?: unknown }).value ?? null;

describe.skipIf(!chromiumAvailable())('autosave and recovery', () => {
  let server: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await startServeProcess();
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('unsaved edits are autosaved, restored in a new window with a banner, and can be discarded', async () => {
    const first = await openPage(browser, `${server.url}&start=empty`);
    await waitForApp(first.page);
    await first.page.getByRole('button', { name: 'Add Load Model', exact: true }).click();
    await nodeById(first.page, 'load-model-1').waitFor();
    expect(await first.page.getByRole('heading', { level: 1 }).textContent()).toContain('unsaved');
    await expect.poll(() => recovery(server), { timeout: 15_000, interval: 250 }).not.toBeNull();
    expect(first.console.unexpected()).toEqual([]);
    // The first window "crashes": it goes away without a clean close.
    await first.context.close();

    const second = await openPage(browser, server.url);
    const banner = second.page.getByRole('status').filter({ hasText: 'Restored unsaved changes' });
    await banner.waitFor({ timeout: 30_000 });
    await nodeById(second.page, 'load-model-1').waitFor();
    expect(await second.page.getByRole('heading', { level: 1 }).textContent()).toContain('unsaved');
    await banner.getByRole('button', { name: 'Discard' }).click();
    await second.page.getByRole('region', { name: 'Build an adapter graph' }).waitFor();
    expect(await second.page.locator('.react-flow__node').count()).toBe(0);
    await expect.poll(() => recovery(server), { timeout: 10_000 }).toBeNull();
    expect(second.console.unexpected()).toEqual([]);
    await second.context.close();
  });
});
