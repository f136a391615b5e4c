/**
 * The browser-mode shell end to end: `lora-studio serve` (real engine) and the built UI in headless
 * Chromium. The page needs the token; requests without it are refused; the example graph the app opens
 * with runs and its export appears on disk. (The UI's own behaviour is tested in the other e2e files.)
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH, ensureRendererBuilt, launchChromium, openPage, startServeProcess, type ServeProcess } from './helpers/index.js';

const EXPORT = 'sd15-tiny-stack.safetensors';

describe.skipIf(!chromiumAvailable())(`browser mode in Chromium (${CHROMIUM_PATH})`, () => {
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

  it("without the token: the page explains how to get in, and the API refuses the page's own calls", async () => {
    const { context, page } = await openPage(browser, `${server.origin}/`);
    expect(await page.locator('h1').textContent()).toBe('Access token needed');
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/getAppInfo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"args":[]}' });
      return res.status;
    });
    expect(status).toBe(401);
    const wrong = await context.request.post(`${server.origin}/api/getAppInfo`, { headers: { Authorization: 'Bearer wrong' }, data: { args: [] } });
    expect(wrong.status()).toBe(401);
    await context.close();
  });

  it('with the token: the UI loads the example graph, Run exports the file, the console stays clean', async () => {
    const app = await openPage(browser, server.url);
    const csp = (await app.page.request.get(server.url)).headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    // The app opens with the first example (Bake a LoRA stack), whose demo files exist.
    await app.page.getByText('SD 1.5 (demo)').first().waitFor({ timeout: 60_000 });
    const run = app.page.getByLabel('Toolbar').getByRole('button', { name: /^▶?\s*Run$/ });
    await expect.poll(() => run.isEnabled(), { timeout: 30_000 }).toBe(true);
    await run.click();
    const exported = path.join(server.outputDir, EXPORT);
    await expect.poll(() => existsSync(exported), { timeout: 120_000, interval: 250 }).toBe(true);
    expect(statSync(exported).size).toBeGreaterThan(1000);
    // The run ends in the UI too: Run is offered again.
    await expect.poll(() => run.isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(app.console.unexpected()).toEqual([]);
    await app.context.close();
  });

  it('a reload without the token in the URL is sent back to it by the page cookie', async () => {
    const app = await openPage(browser, server.url);
    await app.page.goto(`${server.origin}/`);
    expect(new URL(app.page.url()).searchParams.get('token')).toBe(server.token);
    await app.context.close();
  });
});
