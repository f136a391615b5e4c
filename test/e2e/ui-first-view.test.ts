/**
 * The first view and the run panel in Chromium against `lora-studio serve`, at a 1280×800 window: the opening
 * example is readable (node titles ≥ 10 px) with its first nodes in the visible canvas; Combine LoRAs and Bake
 * LoRAs show method, density (when the method uses it) and rank on the node face; the outputs list shows each
 * output's size on disk; New clears the reports of the last run.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppPage, chromiumAvailable, openAppSession, type ServeProcess } from './helpers/index.js';
import { formatBytes } from '../../renderer/src/format/format.js';
import { dropFromLibrary, nodeById, openRunTab, runStatus, screenshot } from './ui-driver.js';

describe.skipIf(!chromiumAvailable())('first view at 1280×800', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;

  beforeAll(async () => {
    ({ server, browser, app } = await openAppSession('', { viewport: { width: 1280, height: 800 } }));
    page = app.page;
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

    // The loaders (the chain's start) and the first Apply LoRA are inside the canvas, and nothing (a panel, the
    // zoom controls, the minimap) is drawn over their titles or their last row.
    const canvas = await page.locator('.canvas-area').boundingBox();
    if (!canvas) throw new Error('no canvas');
    for (const id of ['load-model-1', 'load-lora-1', 'load-lora-2', 'load-lora-3', 'apply-lora-1']) {
      const node = page.locator(`.react-flow__node[data-id="${id}"]`);
      const b = await node.boundingBox();
      if (!b) throw new Error(`${id} not rendered`);
      expect(b.x).toBeGreaterThanOrEqual(canvas.x);
      expect(b.y).toBeGreaterThanOrEqual(canvas.y);
      expect(b.x + b.width).toBeLessThanOrEqual(canvas.x + canvas.width);
      expect(b.y + b.height).toBeLessThanOrEqual(canvas.y + canvas.height);
      const t = await node.locator('.node-title').boundingBox();
      if (!t) throw new Error(`${id} has no title`);
      const onTop = (x: number, y: number) => page.evaluate(({ x, y, id }) => document.elementFromPoint(x, y)?.closest(`.react-flow__node[data-id="${id}"]`) !== null, { x, y, id });
      expect(await onTop(t.x + t.width / 2, t.y + t.height / 2), `${id} title`).toBe(true);
      for (const x of [b.x + 4, b.x + b.width / 2, b.x + b.width - 4]) expect(await onTop(x, b.y + b.height - 4), `${id} last row`).toBe(true);
    }
  });

  /** Bytes on disk of a file, or of every file under a directory (a PEFT adapter). */
  async function sizeOnDisk(p: string): Promise<number> {
    const s = await stat(p);
    if (!s.isDirectory()) return s.size;
    let total = 0;
    for (const name of await readdir(p)) total += await sizeOnDisk(path.join(p, name));
    return total;
  }

  it('a real run: the outputs list shows each output’s size on disk (a PEFT directory: the sum of its files); New clears the reports', async () => {
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.getByRole('menu', { name: 'Examples' }).getByRole('menuitem', { name: /^TIES merge of PEFT/ }).click();
    await nodeById(page, 'combine-loras-1').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    await openRunTab(page, 'Run');
    const rows = page.getByRole('list', { name: 'Outputs' }).getByRole('listitem');
    const count = await rows.count();
    expect(count).toBe(2);
    const kinds = new Set<string>();
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      const shownPath = (await row.locator('.path').textContent()) ?? '';
      const onDisk = await sizeOnDisk(shownPath);
      kinds.add((await stat(shownPath)).isDirectory() ? 'directory' : 'file');
      const size = row.locator('.output-size');
      expect(await size.getAttribute('title')).toBe(`${onDisk} bytes on disk`);
      expect(await size.textContent()).toBe(formatBytes(onDisk));
    }
    expect([...kinds].sort()).toEqual(['directory', 'file']);

    await openRunTab(page, 'Reports');
    await page.getByRole('list', { name: 'Reports' }).getByRole('button', { name: /^Inspect/ }).waitFor();
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const discard = page.getByRole('button', { name: 'Discard changes' });
    await discard.click({ timeout: 3000 }).catch(() => undefined);
    await page.getByRole('region', { name: 'Build an adapter graph' }).waitFor();
    await openRunTab(page, 'Reports');
    expect(await page.getByRole('list', { name: 'Reports' }).count()).toBe(0);
    expect(await page.getByRole('tabpanel').textContent()).toMatch(/^No reports yet/);
    expect(await page.getByRole('tab', { name: /^Reports/ }).textContent()).toBe('Reports');
  }, 180_000);

  it('Combine LoRAs and Bake LoRAs show method, density (when the method uses it) and rank on the node face', async () => {
    const combine = nodeById(page, await dropFromLibrary(page, 'Combine LoRAs', { x: 40, y: 40 }));
    const method = combine.getByRole('combobox', { name: 'Method' });
    expect(await method.inputValue()).toBe('concat');
    expect(await combine.getByRole('slider', { name: 'Density' }).count()).toBe(0);
    await method.selectOption('ties');
    await combine.getByRole('slider', { name: 'Density' }).waitFor();
    expect(await combine.getByRole('spinbutton', { name: 'Rank' }).inputValue()).toBe('32');

    const bake = nodeById(page, await dropFromLibrary(page, 'Bake LoRAs', { x: 330, y: 40 }));
    const bakeMethod = bake.getByRole('combobox', { name: 'Method' });
    expect(await bakeMethod.inputValue()).toBe('sum');
    expect(await bake.getByRole('slider', { name: 'Density' }).count()).toBe(0);
    await bakeMethod.selectOption('dare_ties');
    await bake.getByRole('slider', { name: 'Density' }).waitFor();
    await screenshot(page, 'merge-settings-on-node-face');
  });
});
