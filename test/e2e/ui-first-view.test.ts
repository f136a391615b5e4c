/**
 * The first view and the run panel in Chromium against `lora-studio serve`, at a 1280×800 window: the opening
 * example is readable (node titles ≥ 10 px) with its first nodes in the visible canvas; Combine LoRAs and Bake
 * LoRAs show method, density (when the method uses it) and rank on the node face; the outputs list shows each
 * output's size on disk; New clears the reports of the last run.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureRendererBuilt, launchChromium, openPage, startServeProcess, type AppPage, type ServeProcess } from './helpers/index.js';
import { screenshot, waitForApp } from './ui-driver.js';

describe.skipIf(!chromiumAvailable())('first view at 1280×800', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await startServeProcess();
    browser = await launchChromium();
    app = await openPage(browser, server.url, { width: 1280, height: 800 });
    page = app.page;
    await waitForApp(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const zoom = async (): Promise<number> => {
    const transform = await page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    const m = /scale\((-?[\d.]+)\)/.exec(transform);
    if (!m) throw new Error(`no zoom in ${transform}`);
    return Number(m[1]);
  };

  it('opens the first example at a zoom where node titles are readable, its first nodes in the visible canvas', async () => {
    await page.locator('.react-flow__node').first().waitFor();
    // The fit settles once the nodes are measured.
    await expect.poll(zoom, { timeout: 20_000 }).not.toBe(1);
    await page.waitForTimeout(500);
    const z = await zoom();
    const title = page.locator('.react-flow__node .node-title').first();
    const fontPx = await title.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    const box = await title.boundingBox();
    console.log(`first view: zoom ${z.toFixed(3)}, title font ${fontPx} px × zoom = ${(fontPx * z).toFixed(1)} px, title box height ${box?.height.toFixed(1)} px`);
    await screenshot(page, 'first-view-1280x800');
    expect(fontPx * z).toBeGreaterThanOrEqual(10);
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(10);

    // The loaders (the chain's start) are inside the canvas and nothing (a panel) is drawn over their titles.
    const canvas = await page.locator('.canvas-area').boundingBox();
    if (!canvas) throw new Error('no canvas');
    for (const id of ['load-model-1', 'load-lora-1']) {
      const node = page.locator(`.react-flow__node[data-id="${id}"]`);
      const b = await node.boundingBox();
      if (!b) throw new Error(`${id} not rendered`);
      expect(b.x).toBeGreaterThanOrEqual(canvas.x);
      expect(b.y).toBeGreaterThanOrEqual(canvas.y);
      expect(b.x + b.width).toBeLessThanOrEqual(canvas.x + canvas.width);
      expect(b.y + b.height).toBeLessThanOrEqual(canvas.y + canvas.height);
      const t = await node.locator('.node-title').boundingBox();
      if (!t) throw new Error(`${id} has no title`);
      const hit = await page.evaluate(({ x, y, id }) => document.elementFromPoint(x, y)?.closest(`.react-flow__node[data-id="${id}"]`) !== null, { x: t.x + t.width / 2, y: t.y + t.height / 2, id });
      expect(hit).toBe(true);
    }
  });
});
