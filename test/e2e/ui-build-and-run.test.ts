/**
 * The node editor end to end, in headless Chromium against the real engine (`lora-studio serve`): build
 * a graph from an empty canvas with the library, connect, set params, undo/redo, run, find the output
 * and inspect it; a refused connection says why; a failing node shows its error; save and reopen.
 * Saves the screenshots the README shows (test-output/screenshots; docs/screenshots with LORA_STUDIO_UPDATE_SCREENSHOTS=1).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { type AppPage, chromiumAvailable, openAppSession, type ServeProcess } from './helpers/index.js';
import { connect, dragConnection, dropFromLibrary, flowPosition, inputHandle, nodeById, openRunTab, outputHandle, runStatus, screenshot, selectNode, setField } from './ui-driver.js';

const DEMO = path.join(repoRoot, 'assets', 'demo');

describe.skipIf(!chromiumAvailable())('node editor in Chromium against the real engine', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  let work: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lora-studio-ui-'));
    ({ server, browser, app } = await openAppSession('&start=empty'));
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('an empty canvas tells a new user what to do first', async () => {
    const card = page.getByRole('region', { name: 'Build an adapter graph' });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Drag Load Model and Load LoRA from the node library/);
    await card.getByRole('button', { name: /Bake a LoRA stack/ }).waitFor();
    // Nothing to run yet.
    expect(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
    await page.getByLabel('Compute backend').waitFor();
    await screenshot(page, 'empty-state');
  });

  it('builds Load Model, two Load LoRA, Combine, Apply and Save Model from the library and connects them', async () => {
    ids.model = await dropFromLibrary(page, 'Load Model', { x: 30, y: 20 });
    ids.loraA = await dropFromLibrary(page, 'Load LoRA', { x: 30, y: 175 });
    ids.loraB = await dropFromLibrary(page, 'Load LoRA', { x: 30, y: 330 });
    ids.combine = await dropFromLibrary(page, 'Combine LoRAs', { x: 320, y: 175 });
    ids.apply = await dropFromLibrary(page, 'Apply LoRA', { x: 590, y: 20 });
    ids.save = await dropFromLibrary(page, 'Save Model', { x: 590, y: 260 });
    expect(Object.values(ids)).toEqual(['load-model-1', 'load-lora-1', 'load-lora-2', 'combine-loras-1', 'apply-lora-1', 'save-model-1']);
    expect(await page.getByRole('region', { name: 'Build an adapter graph' }).count()).toBe(0);

    await connect(page, ids.loraA as string, 'LoRA', ids.combine as string, 'LoRAs');
    await connect(page, ids.loraB as string, 'LoRA', ids.combine as string, 'LoRAs');
    await connect(page, ids.model as string, 'Model', ids.apply as string, 'Model');
    await connect(page, ids.combine as string, 'LoRA', ids.apply as string, 'LoRA');
    await connect(page, ids.apply as string, 'Model', ids.save as string, 'Model');
    expect(await page.locator('.react-flow__edge').count()).toBe(5);
    // One row per connected input on Combine LoRAs, in order, each with its weight.
    const combine = nodeById(page, ids.combine as string);
    expect(await combine.getByRole('group', { name: /^Input \d/ }).allTextContents()).toEqual([expect.stringContaining('1. Load LoRA'), expect.stringContaining('2. Load LoRA')]);
  });

  it('a connection between different port types is refused with its reason, while dragging and after', async () => {
    await dragConnection(page, outputHandle(page, ids.model as string, 'Model'), inputHandle(page, ids.combine as string, 'LoRAs'), false);
    const hint = page.getByRole('tooltip');
    await hint.waitFor();
    expect(await hint.textContent()).toBe('Load Model’s output “Model” is a Model; Combine LoRAs’s input “LoRAs” takes a LoRA.');
    await screenshot(page, 'refused-connection');
    await page.mouse.up();
    const alert = page.getByRole('alert').filter({ hasText: 'Not connected' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('takes a LoRA');
    expect(await page.locator('.react-flow__edge').count()).toBe(5);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('sets params on the nodes (paths typed, weights and strength entered), with undo and redo', async () => {
    await setField(nodeById(page, ids.model as string).getByRole('textbox', { name: 'Checkpoint' }), path.join(DEMO, 'sd15-tiny.safetensors'));
    await setField(nodeById(page, ids.loraA as string).getByRole('textbox', { name: 'LoRA file' }), path.join(DEMO, 'style-lora.safetensors'));
    await setField(nodeById(page, ids.loraB as string).getByRole('textbox', { name: 'LoRA file' }), path.join(DEMO, 'character-lora.safetensors'));
    await setField(nodeById(page, ids.save as string).getByRole('textbox', { name: 'Output' }), path.join(work, 'ui-merged.safetensors'));
    const combine = nodeById(page, ids.combine as string);
    const w1 = combine.getByRole('spinbutton', { name: 'Weight of input 1' });
    const w2 = combine.getByRole('spinbutton', { name: 'Weight of input 2' });
    await setField(w1, '0.8');
    await setField(w2, '0.5');
    await setField(nodeById(page, ids.apply as string).getByRole('spinbutton', { name: 'Strength', exact: true }), '0.9');
    // The weight shows on the edge's label too.
    await page.getByRole('button', { name: 'Connection Weight 0.8: select to edit' }).waitFor();

    // Undo / redo: the strength, then the second weight, come back; redo reapplies them.
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 520 } });
    await page.keyboard.press('Control+z');
    expect(await nodeById(page, ids.apply as string).getByRole('spinbutton', { name: 'Strength', exact: true }).inputValue()).toBe('1');
    await page.keyboard.press('Control+z');
    expect(await w2.inputValue()).toBe('1');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    expect(await w2.inputValue()).toBe('0.5');
    expect(await nodeById(page, ids.apply as string).getByRole('spinbutton', { name: 'Strength', exact: true }).inputValue()).toBe('0.9');
    await openRunTab(page, 'Problems');
    // Validation follows the edits a moment later (it waits for editing to pause).
    await expect.poll(() => page.getByRole('tabpanel').textContent(), { timeout: 10_000 }).toBe('No problems: the graph is ready to run.');
    await openRunTab(page, 'Run');
  });

  it('auto layout puts every node after its inputs, as one undo step', async () => {
    const x = async (id: string) => (await flowPosition(page, id)).x;
    expect(await x(ids.apply as string)).toBe(await x(ids.save as string));
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await expect.poll(async () => (await x(ids.save as string)) > (await x(ids.apply as string)), { timeout: 10_000 }).toBe(true);
    const columns = await Promise.all([ids.loraA, ids.combine, ids.apply, ids.save].map((id) => x(id as string)));
    expect([...columns].sort((a, b) => a - b)).toEqual(columns);
    expect(await x(ids.model as string)).toBe(await x(ids.loraB as string));
    await page.waitForTimeout(400); // the fit-view animation
    await screenshot(page, 'built-graph');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await x(ids.save as string)) === (await x(ids.apply as string)), { timeout: 10_000 }).toBe(true);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await x(ids.save as string)) > (await x(ids.apply as string)), { timeout: 10_000 }).toBe(true);
  });

  it('the inspector shows every param with its docs, and for a LoRA its file and how it maps onto the model', async () => {
    await selectNode(page, ids.loraA as string);
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    const mapping = inspector.getByRole('region', { name: 'Mapping report' });
    await mapping.waitFor({ timeout: 30_000 });
    expect(await mapping.textContent()).toMatch(/\d+ matched, 0 unmatched/);
    expect(await inspector.getByRole('region', { name: 'LoRA' }).textContent()).toMatch(/Dialectkohya/);
    expect(await mapping.getByRole('img').getAttribute('aria-label')).toMatch(/^Matched modules per block\./);
    await mapping.scrollIntoViewIfNeeded();
    await screenshot(page, 'inspector-mapping');
    await selectNode(page, ids.combine as string);
    expect(await inspector.getByRole('combobox', { name: 'Method' }).inputValue()).toBe('concat');
    expect(await inspector.getByRole('region', { name: 'Documentation' }).textContent()).toContain('Each input i has a weight');
  });

  it('a connection’s weight is edited from its edge label, in the inspector', async () => {
    await page.getByRole('button', { name: 'Connection Weight 0.5: select to edit' }).click();
    const params = page.getByRole('complementary', { name: 'Inspector' }).getByRole('region', { name: 'Connection parameters' });
    const weight = params.getByRole('spinbutton', { name: 'Weight' });
    expect(await weight.inputValue()).toBe('0.5');
    await setField(weight, '0.6');
    expect(await nodeById(page, ids.combine as string).getByRole('spinbutton', { name: 'Weight of input 2' }).inputValue()).toBe('0.6');
    await page.getByRole('button', { name: 'Connection Weight 0.6: select to edit' }).waitFor();
  });

  it('runs with Ctrl+Enter (a value still being typed is used): every node done, the output exists and can be inspected', async () => {
    // Typed but not committed: the run must see it.
    await nodeById(page, ids.apply as string).getByRole('spinbutton', { name: 'Strength', exact: true }).fill('0.85');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    const saveStatus = await nodeById(page, ids.save as string).getByRole('status').textContent();
    expect(saveStatus).toMatch(/^Done in/);
    for (const id of Object.values(ids)) expect(await nodeById(page, id).getByRole('status').textContent()).toMatch(/^(Done|Cached)/);
    const written = path.join(server.outputDir, 'ui-merged.safetensors');
    expect(existsSync(written)).toBe(true);
    expect(statSync(written).size).toBeGreaterThan(1000);
    const outputs = page.getByRole('list', { name: 'Outputs' });
    expect(await outputs.textContent()).toContain(written);
    await screenshot(page, 'run-done');
    await outputs.getByRole('button', { name: `Inspect ${written}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Inspect ui-merged.safetensors' });
    await dialog.getByText('sd1').first().waitFor({ timeout: 30_000 });
    expect(await dialog.textContent()).toMatch(/KindModel/);
    // The recipe in the written file's metadata holds what the run used: the strength still being typed.
    const metadata = await dialog.getByRole('table', { name: 'Metadata' }).textContent();
    expect(metadata).toMatch(/"strength": 0\.85/);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('a failing node shows its error on the canvas and in the run panel, whose link selects it', async () => {
    const lora = nodeById(page, ids.loraB as string);
    await setField(lora.getByRole('textbox', { name: 'LoRA file' }), path.join(work, 'missing.safetensors'));
    // The engine's checks run as the user edits: the missing file is flagged before Run is pressed.
    await expect.poll(async () => (await lora.locator('.problem-badge').getAttribute('aria-label').catch(() => null)) ?? '', { timeout: 15_000 }).toMatch(/missing\.safetensors/);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(async () => (await lora.getByRole('status').textContent()) ?? '', { timeout: 60_000 }).toMatch(/^Error: .*missing\.safetensors/);
    await openRunTab(page, 'Run');
    const errors = page.getByRole('list', { name: 'Errors' });
    await errors.waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 400, y: 520 } });
    await errors.getByRole('button', { name: 'Load LoRA' }).first().click();
    await page.getByRole('complementary', { name: 'Inspector' }).getByText(ids.loraB as string).waitFor();
    await screenshot(page, 'failing-node');
    await setField(lora.getByRole('textbox', { name: 'LoRA file' }), path.join(DEMO, 'character-lora.safetensors'));
  });

  it('saves the graph (in-app file browser), starts a new one, and opens it again unchanged', async () => {
    await page.getByRole('button', { name: 'Save as…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save graph as' });
    await setField(dialog.getByRole('textbox', { name: 'Folder' }), work);
    await dialog.getByRole('textbox', { name: 'File name' }).fill('stack');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const file = path.join(work, 'stack.json');
    await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { nodes: unknown[]; edges: { params?: { weight?: number } }[] };
    expect(saved.nodes).toHaveLength(6);
    expect(saved.edges.map((e) => e.params?.weight)).toEqual([0.8, 0.6, undefined, undefined, undefined]);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('stack.json');
    expect(await page.title()).toBe('stack · LoRA Studio');
    await page.getByRole('button', { name: 'Recent' }).click();
    await page.getByRole('menu', { name: 'Recent' }).getByRole('menuitem', { name: /^stack\.json/ }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByRole('region', { name: 'Build an adapter graph' }).waitFor();

    await page.getByRole('button', { name: 'Open…' }).click();
    const open = page.getByRole('dialog', { name: 'Open graph' });
    await setField(open.getByRole('textbox', { name: 'Folder' }), work);
    await open.getByRole('option', { name: /stack\.json/ }).dblclick();
    await nodeById(page, ids.combine as string).waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(6);
    expect(await page.locator('.react-flow__edge').count()).toBe(5);
    expect(await nodeById(page, ids.combine as string).getByRole('spinbutton', { name: 'Weight of input 1' }).inputValue()).toBe('0.8');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('stack.json');
  });

  it('the dark theme', async () => {
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'dark-theme');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  });

  it('no console errors or warnings along the way', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
