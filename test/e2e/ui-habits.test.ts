/**
 * A ComfyUI user's habits in Chromium against the real engine (`lora-studio serve`): quick-add by ComfyUI's
 * node names, right-click menus on a node, a connection and the canvas, and bypass / mute (Ctrl+B / Ctrl+M)
 * that the run honours.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { type AppPage, chromiumAvailable, openAppSession, type ServeProcess } from './helpers/index.js';
import { canvasPoint, connect, nodeById, openRunTab, runStatus, screenshot, setField } from './ui-driver.js';

const DEMO = path.join(repoRoot, 'assets', 'demo');

describe.skipIf(!chromiumAvailable())('ComfyUI habits: quick-add aliases, right-click menus, bypass and mute', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  const nodes = () => page.locator('.react-flow__node');
  const edges = () => page.locator('.react-flow__edge');
  const edge = (name: string) => page.getByRole('group', { name, exact: true });

  beforeAll(async () => {
    ({ server, browser, app } = await openAppSession('&start=empty'));
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Double-clicks the canvas at (x, y), types a query, checks the first result's text, takes it. */
  async function quickAdd(x: number, y: number, query: string, first: string, pick = 0): Promise<void> {
    const at = await canvasPoint(page, x, y);
    await page.mouse.dblclick(at.x, at.y);
    const quick = page.getByRole('dialog', { name: 'Add a node' });
    await quick.getByRole('textbox', { name: 'Search nodes' }).fill(query);
    expect(await quick.getByRole('option').first().textContent()).toMatch(new RegExp(`^${first}`));
    await quick.getByRole('option').nth(pick).click();
    await expect.poll(() => quick.count()).toBe(0);
  }

  it('quick-add finds nodes by their ComfyUI names and says which node each one is', async () => {
    await quickAdd(40, 40, 'CheckpointLoaderSimple', 'CheckpointLoaderSimple → Load Model');
    await nodeById(page, 'load-model-1').waitFor();
    await quickAdd(40, 260, 'LoraLoader', 'LoraLoader → Load LoRA');
    await nodeById(page, 'load-lora-1').waitFor();
    // The same ComfyUI node also stands for the apply step: the second result.
    const at = await canvasPoint(page, 340, 40);
    await page.mouse.dblclick(at.x, at.y);
    const quick = page.getByRole('dialog', { name: 'Add a node' });
    await quick.getByRole('textbox', { name: 'Search nodes' }).fill('loraloader');
    expect((await quick.getByRole('option').allTextContents()).slice(0, 2)).toEqual([expect.stringMatching(/^LoraLoader → Load LoRA/), expect.stringMatching(/^LoraLoader → Apply LoRA/)]);
    await screenshot(page, 'quick-add-comfyui-name');
    await quick.getByRole('option').nth(1).click();
    await nodeById(page, 'apply-lora-1').waitFor();
    await quickAdd(600, 300, 'Save Checkpoint', 'Save Checkpoint → Save Model');
    await nodeById(page, 'save-model-1').waitFor();
    await connect(page, 'load-model-1', 'Model', 'apply-lora-1', 'Model');
    await connect(page, 'load-lora-1', 'LoRA', 'apply-lora-1', 'LoRA');
    await connect(page, 'apply-lora-1', 'Model', 'save-model-1', 'Model');
    await setField(nodeById(page, 'load-model-1').getByRole('textbox', { name: 'Checkpoint' }), path.join(DEMO, 'sd15-tiny.safetensors'));
    await setField(nodeById(page, 'load-lora-1').getByRole('textbox', { name: 'LoRA file' }), path.join(DEMO, 'style-lora.safetensors'));
    await setField(nodeById(page, 'save-model-1').getByRole('textbox', { name: 'Output' }), 'habits-out.safetensors');
  });

  it('right-click on a connection: Insert Scale LoRA puts one in between, as one undo step; Delete removes it', async () => {
    const loraEdge = edge('Connection from Load LoRA (load-lora-1) to Apply LoRA (apply-lora-1) LoRA');
    await loraEdge.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Connection menu' });
    // A model connection has nothing to scale: only LoRA connections offer it.
    await menu.getByRole('menuitem', { name: 'Insert Scale LoRA' }).click();
    await nodeById(page, 'scale-lora-1').waitFor();
    await edge('Connection from Load LoRA (load-lora-1) to Scale LoRA (scale-lora-1) LoRA').waitFor();
    await edge('Connection from Scale LoRA (scale-lora-1) to Apply LoRA (apply-lora-1) LoRA').waitFor();
    expect(await edges().count()).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes().count()).toBe(4);
    await loraEdge.waitFor();

    await edge('Connection from Apply LoRA (apply-lora-1) to Save Model (save-model-1) Model').click({ button: 'right' });
    expect(await menu.getByRole('menuitem', { name: 'Insert Scale LoRA' }).isDisabled()).toBe(true);
    await menu.getByRole('menuitem', { name: 'Delete connection' }).click();
    await expect.poll(() => edges().count()).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edges().count()).toBe(3);
  });

  it('right-click on a node: rename, duplicate, collapse, documentation and delete', async () => {
    await nodeById(page, 'load-lora-1').locator('.node-title').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Node menu' });
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
      expect.stringMatching(/^Rename/),
      expect.stringMatching(/^Duplicate/),
      expect.stringMatching(/^Bypass/),
      expect.stringMatching(/^Mute/),
      expect.stringMatching(/^Collapse/),
      'Documentation',
      expect.stringMatching(/^Delete/),
    ]);
    await screenshot(page, 'node-context-menu');
    await menu.getByRole('menuitem', { name: /^Rename/ }).click();
    const title = nodeById(page, 'load-lora-1').getByRole('textbox', { name: 'Node title' });
    await title.fill('Style');
    await title.press('Enter');
    await expect.poll(() => nodeById(page, 'load-lora-1').locator('.node-title').textContent()).toBe('Style');

    await nodeById(page, 'load-lora-1').locator('.node-title').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Duplicate/ }).click();
    await nodeById(page, 'load-lora-2').waitFor();
    await nodeById(page, 'load-lora-2').locator('.node-title').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Collapse/ }).click();
    await nodeById(page, 'load-lora-2').getByRole('button', { name: 'Expand Style' }).waitFor();
    await nodeById(page, 'load-lora-2').locator('.node-title').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Documentation' }).click();
    await page.getByRole('complementary', { name: 'Inspector' }).getByRole('region', { name: 'Documentation' }).waitFor();
    await nodeById(page, 'load-lora-2').locator('.node-title').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Delete/ }).click();
    await expect.poll(() => nodeById(page, 'load-lora-2').count()).toBe(0);
  });

  it('right-click on the canvas: add a node by category at the pointer, paste, arrange', async () => {
    const at = await canvasPoint(page, 300, 420);
    await page.mouse.click(at.x, at.y, { button: 'right' });
    const menu = page.getByRole('menu', { name: 'Canvas menu' });
    await menu.waitFor();
    await screenshot(page, 'canvas-context-menu');
    await menu.getByRole('menuitem', { name: /^Inspect/ }).click();
    await menu.getByRole('menu', { name: 'Inspect nodes' }).getByRole('menuitem', { name: 'Probe' }).click();
    await nodeById(page, 'probe-1').waitFor();
    // Copy it, then Paste from the menu at another point.
    await page.keyboard.press('Control+c');
    const at2 = await canvasPoint(page, 560, 440);
    await page.mouse.click(at2.x, at2.y, { button: 'right' });
    await menu.getByRole('menuitem', { name: /^Paste/ }).click();
    await nodeById(page, 'probe-2').waitFor();
    const free = await canvasPoint(page, 12, 470);
    await page.mouse.click(free.x, free.y, { button: 'right' });
    await menu.getByRole('menuitem', { name: /^Arrange/ }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Undo' }).getAttribute('title')).toBe('Undo Auto layout (Ctrl+Z)');
    await page.keyboard.press('Control+z');
    // The probes are not wanted for the run.
    for (const id of ['probe-2', 'probe-1']) {
      await nodeById(page, id).locator('.node-title').click({ button: 'right' });
      await page.getByRole('menu', { name: 'Node menu' }).getByRole('menuitem', { name: /^Delete/ }).click();
      await expect.poll(() => nodeById(page, id).count()).toBe(0);
    }
    expect(await page.getByRole('menu', { name: 'Node menu' }).count()).toBe(0);
  });

  it('Ctrl+B bypasses Apply LoRA: it does not run, the model passes through and is saved; Ctrl+B again turns it back on', async () => {
    await nodeById(page, 'apply-lora-1').locator('.node-title').click();
    await page.keyboard.press('Control+b');
    const apply = nodeById(page, 'apply-lora-1');
    await apply.locator('.studio-node.mode-bypass').waitFor();
    expect(await apply.locator('.mode-badge').textContent()).toBe('bypassed');
    await screenshot(page, 'bypassed-node');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    expect(existsSync(path.join(server.outputDir, 'habits-out.safetensors'))).toBe(true);
    expect(await nodeById(page, 'save-model-1').getByRole('status').textContent()).toMatch(/^Done/);
    expect(await apply.getByRole('status').count()).toBe(0);
    await openRunTab(page, 'Log');
    await expect.poll(() => page.getByRole('tabpanel').textContent()).toMatch(/apply-lora-1: Bypassed: its input is passed through/);
    await openRunTab(page, 'Run');

    await page.keyboard.press('Control+b');
    await expect.poll(() => apply.locator('.studio-node.mode-bypass').count()).toBe(0);
  });

  it('Ctrl+M mutes Load LoRA: it and what needs it (Apply, Save) are out, and the graph says there is nothing to run', async () => {
    await nodeById(page, 'load-lora-1').locator('.node-title').click();
    await page.keyboard.press('Control+m');
    await nodeById(page, 'load-lora-1').locator('.studio-node.mode-mute').waitFor();
    await openRunTab(page, 'Problems');
    await expect.poll(() => page.getByRole('tabpanel').textContent(), { timeout: 15_000 }).toMatch(/every output node is bypassed, muted or needs a node that is \(Save Model\)/);
    // The menu says what Ctrl+M does now, and undoes it.
    await nodeById(page, 'load-lora-1').locator('.node-title').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Node menu' }).getByRole('menuitem', { name: /^Turn mute off/ }).click();
    await expect.poll(() => nodeById(page, 'load-lora-1').locator('.studio-node.mode-mute').count()).toBe(0);
    await expect.poll(() => page.getByRole('tabpanel').textContent(), { timeout: 15_000 }).toBe('No problems: the graph is ready to run.');
  });

  it('Run asks before writing over an existing output: Cancel writes nothing, Overwrite replaces it, Number the files writes name_00001', async () => {
    const written = path.join(server.outputDir, 'habits-out.safetensors');
    const before = statSync(written).mtimeMs;
    const strength = nodeById(page, 'apply-lora-1').getByRole('spinbutton', { name: 'Strength', exact: true });
    const dialog = page.getByRole('dialog', { name: 'Overwrite the existing file?' });
    await setField(strength, '0.7');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.textContent()).toContain(`${written} already exists`);
    await screenshot(page, 'overwrite-question');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForTimeout(500);
    expect(statSync(written).mtimeMs).toBe(before);

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('button', { name: 'Overwrite' }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    expect(statSync(written).mtimeMs).toBeGreaterThan(before);

    await setField(strength, '0.6');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('button', { name: 'Number the files' }).click();
    const numbered = path.join(server.outputDir, 'habits-out_00001.safetensors');
    await expect.poll(() => existsSync(numbered), { timeout: 120_000 }).toBe(true);
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    // The node now numbers its files: the next run writes _00002 without asking.
    await setField(strength, '0.5');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => existsSync(path.join(server.outputDir, 'habits-out_00002.safetensors')), { timeout: 120_000 }).toBe(true);
    expect(await dialog.count()).toBe(0);
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
  });

  it('no console errors or warnings', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
