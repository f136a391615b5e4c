/**
 * Canvas gestures in Chromium: quick add on double-click, dragging a port to empty canvas to get the nodes
 * that fit it, copy and paste (also into another window) as JSON through the clipboard, duplicate, delete,
 * select all, collapse, and the keyboard shortcut cheat sheet.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppPage, chromiumAvailable, openAppSession, openPage, type ServeProcess } from './helpers/index.js';
import { canvasPoint, flowPosition, nodeById, outputHandle, waitForApp } from './ui-driver.js';

describe.skipIf(!chromiumAvailable())('canvas gestures', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  const nodes = () => page.locator('.react-flow__node');
  const edges = () => page.locator('.react-flow__edge');

  beforeAll(async () => {
    ({ server, browser, app } = await openAppSession('&start=empty'));
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('double-click on the canvas: a quick search places the chosen node there', async () => {
    // Top left: clear of the empty-state card in the middle.
    const at = await canvasPoint(page, 60, 60);
    await page.mouse.dblclick(at.x, at.y);
    const quick = page.getByRole('dialog', { name: 'Add a node' });
    await quick.getByRole('textbox', { name: 'Search nodes' }).fill('lora file');
    expect((await quick.getByRole('option').first().textContent())?.startsWith('Load LoRA')).toBe(true);
    await page.keyboard.press('Enter');
    await nodeById(page, 'load-lora-1').waitFor();
    expect(await quick.count()).toBe(0);
    // Placed where the canvas was double-clicked (the view is at its origin, zoom 1).
    expect(await flowPosition(page, 'load-lora-1')).toEqual({ x: 60, y: 40 });
  });

  it('dragging an output to empty canvas offers only nodes that take its type, and connects the choice', async () => {
    const from = outputHandle(page, 'load-lora-1', 'LoRA');
    await from.hover();
    await page.mouse.down();
    const to = await canvasPoint(page, 520, 160);
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    const quick = page.getByRole('dialog', { name: 'Add a node' });
    expect(await quick.textContent()).toContain('Nodes that take a LoRA');
    const offered = await quick.getByRole('option').allTextContents();
    expect(offered.some((o) => o.startsWith('Scale LoRA'))).toBe(true);
    expect(offered.some((o) => o.startsWith('Load Model'))).toBe(false);
    expect(offered.some((o) => o.startsWith('Merge Models'))).toBe(false);
    await quick.getByRole('textbox', { name: 'Search nodes' }).fill('scale');
    await quick.getByRole('option', { name: /^Scale LoRA/ }).click();
    await nodeById(page, 'scale-lora-1').waitFor();
    expect(await edges().count()).toBe(1);
    expect(await page.getByRole('group', { name: 'Connection from Load LoRA (load-lora-1) to Scale LoRA (scale-lora-1) LoRA', exact: true }).count()).toBe(1);
  });

  it('copy, paste at the pointer, duplicate, select all and delete; each one undo step', async () => {
    // Select both nodes (Ctrl+A) and copy them.
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 420 } });
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    const target = await canvasPoint(page, 60, 330);
    await page.mouse.move(target.x, target.y);
    await page.keyboard.press('Control+v');
    await nodeById(page, 'scale-lora-2').waitFor();
    expect(await nodes().count()).toBe(4);
    expect(await edges().count()).toBe(2);
    // The copies land at the pointer and keep their connection and relative layout.
    expect(await flowPosition(page, 'load-lora-2')).toEqual({ x: 60, y: 330 });
    const delta = (await flowPosition(page, 'scale-lora-2')).x - (await flowPosition(page, 'load-lora-2')).x;
    expect(delta).toBe((await flowPosition(page, 'scale-lora-1')).x - (await flowPosition(page, 'load-lora-1')).x);
    // The pasted nodes are selected: duplicate them.
    await page.keyboard.press('Control+d');
    await nodeById(page, 'scale-lora-3').waitFor();
    expect(await nodes().count()).toBe(6);
    await page.keyboard.press('Delete');
    await expect.poll(() => nodes().count(), { timeout: 10_000 }).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes().count(), { timeout: 10_000 }).toBe(6);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes().count(), { timeout: 10_000 }).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes().count(), { timeout: 10_000 }).toBe(2);
  });

  it('copied nodes paste into another window (JSON through the clipboard)', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 420 } });
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    const other = await openPage(browser, `${server.url}&start=empty`);
    try {
      await waitForApp(other.page);
      await other.page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
      await other.page.keyboard.press('Control+v');
      await other.page.locator('.react-flow__node').nth(1).waitFor();
      expect(await other.page.locator('.react-flow__node').count()).toBe(2);
      expect(await other.page.locator('.react-flow__edge').count()).toBe(1);
      expect(other.console.unexpected()).toEqual([]);
    } finally {
      await other.context.close();
    }
  });

  it('H collapses the selected nodes and expands them again', async () => {
    await nodeById(page, 'scale-lora-1').locator('.node-title').click();
    await page.keyboard.press('h');
    await nodeById(page, 'scale-lora-1').getByRole('button', { name: 'Expand Scale LoRA' }).waitFor();
    expect(await nodeById(page, 'scale-lora-1').getByRole('spinbutton', { name: 'Strength', exact: true }).count()).toBe(0);
    // The collapsed node keeps its connection.
    expect(await edges().count()).toBe(1);
    await nodeById(page, 'scale-lora-1').getByRole('button', { name: 'Expand Scale LoRA' }).click();
    await nodeById(page, 'scale-lora-1').getByRole('spinbutton', { name: 'Strength', exact: true }).waitFor();
  });

  it('a Note is resized with its handles (kept in the document, one undo step)', async () => {
    await page.getByRole('button', { name: 'Add Note', exact: true }).click();
    const note = page.locator('.react-flow__node.selected');
    await note.locator('.studio-node.note').waitFor();
    await note.getByRole('textbox', { name: 'Text' }).fill('Remember: style first, then the character.');
    await note.getByRole('textbox', { name: 'Text' }).blur();
    await note.locator('.node-title').click();
    const before = await note.boundingBox();
    const handle = note.locator('.react-flow__resize-control.handle.bottom.right');
    await handle.hover();
    await page.mouse.down();
    const box = await handle.boundingBox();
    await page.mouse.move((box?.x ?? 0) + 120, (box?.y ?? 0) + 80, { steps: 8 });
    await page.mouse.up();
    const after = await note.boundingBox();
    expect(Math.round((after?.width ?? 0) - (before?.width ?? 0))).toBeGreaterThan(60);
    expect(await page.getByRole('button', { name: 'Undo' }).getAttribute('title')).toBe('Undo Resize note (Ctrl+Z)');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Math.round((await note.boundingBox())?.width ?? 0), { timeout: 10_000 }).toBe(Math.round(before?.width ?? 0));
  });

  it('? shows every shortcut; Escape closes it', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 420 } });
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    const text = (await sheet.textContent()) ?? '';
    for (const s of ['Run the graph', 'Undo', 'Redo', 'Duplicate the selected nodes', 'Copy the selected nodes', 'Auto layout', 'Offers the nodes that fit that port']) expect(text).toContain(s);
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count(), { timeout: 10_000 }).toBe(0);
  });

  it('no console errors or warnings', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
