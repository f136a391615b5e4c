/**
 * "Never surprised" in Chromium against `lora-studio serve`: an example resolves its demo files against its
 * own folder even after another graph was saved elsewhere (in this tab or another one); an architecture
 * mismatch is one line before Run, with the module list folded away; a fixed problem disappears on undo.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { type AppPage, chromiumAvailable, openAppSession, openPage, type ServeProcess } from './helpers/index.js';
import { connect, dropFromLibrary, nodeById, openRunTab, screenshot, setField, waitForApp } from './ui-driver.js';

const DEMO = path.join(repoRoot, 'assets', 'demo');

describe.skipIf(!chromiumAvailable())('never surprised', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  let work: string;
  const problemsText = () => page.getByRole('tabpanel').textContent();

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lora-studio-surprise-'));
    ({ server, browser, app } = await openAppSession('&start=empty'));
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    expect(existsSync(path.join(repoRoot, 'assets', 'examples', 'other-tab.json'))).toBe(false);
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function saveAs(p: Page, name: string): Promise<void> {
    await p.getByRole('button', { name: 'Save as…' }).click();
    const dialog = p.getByRole('dialog', { name: 'Save graph as' });
    const folder = dialog.getByRole('textbox', { name: 'Folder' });
    // The first listing must have arrived, or it would replace the folder typed here.
    await expect.poll(() => folder.inputValue()).not.toBe('');
    await setField(folder, work);
    await expect.poll(() => folder.inputValue()).toBe(work);
    await dialog.getByRole('textbox', { name: 'File name' }).fill(name);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => p.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe(`${name}.json`);
  }

  async function openExample(p: Page, title: RegExp): Promise<void> {
    await p.getByRole('button', { name: 'Examples' }).click();
    await p.getByRole('menu', { name: 'Examples' }).getByRole('menuitem', { name: title }).click();
    const discard = p.getByRole('button', { name: 'Discard changes' });
    if (await discard.isVisible().catch(() => false)) await discard.click();
  }

  it('after a graph is saved to another folder, Examples → Extract LoRA finds its demo files (this tab and another)', async () => {
    const lora = await dropFromLibrary(page, 'Load LoRA', { x: 40, y: 40 });
    await setField(nodeById(page, lora).getByRole('textbox', { name: 'LoRA file' }), 'my-style.safetensors');
    await saveAs(page, 'elsewhere');
    await openExample(page, /^Extract/);
    await nodeById(page, 'extract-lora-1').waitFor();
    await openRunTab(page, 'Problems');
    await expect.poll(problemsText, { timeout: 20_000 }).toBe('No problems: the graph is ready to run.');

    // Another tab saves its graph in yet another place: this tab's example still resolves against its own folder.
    const other = await openPage(browser, `${server.url}&start=empty`);
    try {
      await waitForApp(other.page);
      await dropFromLibrary(other.page, 'Load LoRA', { x: 40, y: 40 });
      await saveAs(other.page, 'other-tab');
    } finally {
      await other.context.close();
    }
    // An edit re-checks the example here.
    await nodeById(page, 'extract-lora-1').locator('.node-title').click();
    await page.keyboard.press('h');
    await page.keyboard.press('h');
    await setField(nodeById(page, 'extract-lora-1').getByRole('spinbutton', { name: 'Rank' }), '3');
    await page.waitForTimeout(1500);
    await expect.poll(problemsText, { timeout: 20_000 }).toBe('No problems: the graph is ready to run.');
  });

  it('an SD 1.x LoRA on a DistilBERT base: one line before Run, the modules folded away; fixing it clears it, undo brings it back, the counts agree', async () => {
    // New: an empty canvas at zoom 1 (the example's view was fitted to its graph).
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const discard = page.getByRole('button', { name: 'Discard changes' });
    await discard.click({ timeout: 5000 }).catch(() => undefined);
    await page.getByRole('region', { name: 'Build an adapter graph' }).waitFor();
    const model = await dropFromLibrary(page, 'Load Model', { x: 30, y: 20 });
    const lora = await dropFromLibrary(page, 'Load LoRA', { x: 30, y: 200 });
    const apply = await dropFromLibrary(page, 'Apply LoRA', { x: 330, y: 20 });
    const save = await dropFromLibrary(page, 'Save Model', { x: 330, y: 260 });
    await connect(page, model, 'Model', apply, 'Model');
    await connect(page, lora, 'LoRA', apply, 'LoRA');
    await connect(page, apply, 'Model', save, 'Model');
    await setField(nodeById(page, model).getByRole('textbox', { name: 'Checkpoint' }), path.join(DEMO, 'distilbert-tiny.safetensors'));
    await setField(nodeById(page, lora).getByRole('textbox', { name: 'LoRA file' }), path.join(DEMO, 'style-lora.safetensors'));
    await openRunTab(page, 'Problems');
    await expect.poll(problemsText, { timeout: 20_000 }).toMatch(/SD 1\.x LoRA on a DistilBERT base: (\d+) of \1 modules do not match/);
    const row = page.getByRole('tabpanel').getByRole('listitem').filter({ hasText: 'DistilBERT base' });
    const details = row.locator('details');
    expect(await details.count()).toBe(1);
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await row.locator('pre').isVisible()).toBe(false);
    const tabCount = async () => Number(/\d+/.exec((await page.getByRole('tab', { name: /^Problems/ }).textContent()) ?? '')?.[0] ?? 0);
    const badgeCount = async () => Number(/\d+/.exec((await nodeById(page, apply).locator('.problem-badge').textContent()) ?? '')?.[0] ?? 0);
    expect(await tabCount()).toBe(1);
    expect(await badgeCount()).toBe(1);
    await screenshot(page, 'mismatch-before-run');

    // The right base: the problem goes at once; undo brings it back, redo clears it again.
    await setField(nodeById(page, model).getByRole('textbox', { name: 'Checkpoint' }), path.join(DEMO, 'sd15-tiny.safetensors'));
    await expect.poll(problemsText, { timeout: 20_000 }).toBe('No problems: the graph is ready to run.');
    expect(await nodeById(page, apply).locator('.problem-badge').count()).toBe(0);
    await page.locator('.react-flow__pane').click({ position: { x: 600, y: 500 } });
    await page.keyboard.press('Control+z');
    await expect.poll(problemsText, { timeout: 20_000 }).toMatch(/DistilBERT base/);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(problemsText, { timeout: 20_000 }).toBe('No problems: the graph is ready to run.');
    await expect.poll(() => nodeById(page, apply).locator('.problem-badge').count()).toBe(0);
    expect(await page.getByRole('tab', { name: /^Problems/ }).textContent()).toBe('Problems');
  });

  it('a file dialog opens at the last folder used for that kind of file, never in the app’s own examples', async () => {
    const loras = path.join(work, 'my-loras');
    mkdirSync(loras, { recursive: true });
    copyFileSync(path.join(DEMO, 'character-lora.safetensors'), path.join(loras, 'character.safetensors'));
    const browse = async (nodeId: string, field: string): Promise<Locator> => {
      await nodeById(page, nodeId).getByRole('button', { name: `Browse for ${field}` }).click();
      const dialog = page.getByRole('dialog', { name: `Choose ${field.toLowerCase()}` });
      await dialog.waitFor();
      return dialog;
    };
    const first = await dropFromLibrary(page, 'Load LoRA', { x: 30, y: 420 });
    let dialog = await browse(first, 'LoRA file');
    await expect.poll(() => dialog.getByRole('textbox', { name: 'Folder' }).inputValue()).not.toBe('');
    await setField(dialog.getByRole('textbox', { name: 'Folder' }), loras);
    await dialog.getByRole('option', { name: /character\.safetensors/ }).click();
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => nodeById(page, first).getByRole('textbox', { name: 'LoRA file' }).inputValue()).toBe(path.join(loras, 'character.safetensors'));

    const second = await dropFromLibrary(page, 'Load LoRA', { x: 330, y: 420 });
    dialog = await browse(second, 'LoRA file');
    await expect.poll(() => dialog.getByRole('textbox', { name: 'Folder' }).inputValue()).toBe(loras);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // An example's LoRA: the dialog opens at the user's LoRA folder, not inside the app's demo files.
    await openExample(page, /^Bake a LoRA stack/);
    const exampleLora = page.locator('.react-flow__node').filter({ has: page.getByRole('textbox', { name: 'LoRA file' }) }).first();
    await exampleLora.getByRole('button', { name: 'Browse for LoRA file' }).click();
    dialog = page.getByRole('dialog', { name: 'Choose lora file' });
    await expect.poll(() => dialog.getByRole('textbox', { name: 'Folder' }).inputValue()).toBe(loras);
    await screenshot(page, 'file-dialog-last-folder');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('no console errors or warnings', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
