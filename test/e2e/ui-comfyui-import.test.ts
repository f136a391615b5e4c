/**
 * ComfyUI workflow import in Chromium against the real engine (`lora-studio serve`): set the ComfyUI models
 * folder, open a UI-format workflow with Open…, read the import report, Run; drop an API-format workflow on
 * the canvas, Run. The models folder is a temporary ComfyUI layout holding the demo checkpoint and LoRAs;
 * merged models land in its checkpoints folder. Saves the README's screenshots of an imported workflow.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { repoRoot } from '../helpers/cli.js';
import { type AppPage, chromiumAvailable, openAppSession, type ServeProcess } from './helpers/index.js';
import { runStatus, screenshot, setField } from './ui-driver.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'comfyui');

describe.skipIf(!chromiumAvailable())('ComfyUI workflow import in Chromium', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;
  let work: string;
  let checkpoints: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lora-studio-comfy-'));
    const demo = path.join(work, 'demo');
    await generateDemoFiles(demo);
    const models = path.join(work, 'ComfyUI', 'models');
    checkpoints = path.join(models, 'checkpoints');
    mkdirSync(checkpoints, { recursive: true });
    mkdirSync(path.join(models, 'loras', 'style'), { recursive: true });
    cpSync(path.join(demo, 'sd15-tiny.safetensors'), path.join(checkpoints, 'sd15-tiny.safetensors'));
    cpSync(path.join(demo, 'style-lora.safetensors'), path.join(models, 'loras', 'style', 'style-lora.safetensors'));
    cpSync(path.join(demo, 'character-lora.safetensors'), path.join(models, 'loras', 'character-lora.safetensors'));
    cpSync(FIXTURES, path.join(work, 'workflows'), { recursive: true });
    // Outputs go where the graph says (the ComfyUI checkpoints folder), not to a test folder.
    ({ server, browser, app } = await openAppSession('&start=empty', { serve: { outputDir: null } }));
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('sets the ComfyUI models folder (a folder that does not exist is refused with the reason)', async () => {
    await page.getByRole('button', { name: 'ComfyUI models folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'ComfyUI models folder' });
    const field = dialog.getByRole('textbox', { name: /^Models folder/ });
    await field.fill(path.join(work, 'nowhere'));
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/does not exist or is not a folder/);
    // A ComfyUI root (with models/ inside) is accepted too.
    await field.fill(path.join(work, 'ComfyUI'));
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('opens a UI-format workflow with Open…: the report lists the chain and what was not imported; Run writes the merged model', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const open = page.getByRole('dialog', { name: 'Open graph' });
    const folder = open.getByRole('textbox', { name: 'Folder' });
    // The browser's first listing (its start folder) must be in before another folder is typed, or it could land after it.
    await expect.poll(() => folder.inputValue(), { timeout: 15_000 }).not.toBe('');
    await setField(folder, path.join(work, 'workflows'));
    await open.getByRole('option', { name: /txt2img-two-loras\.json/ }).dblclick();

    const report = page.getByRole('dialog', { name: 'Imported from ComfyUI' });
    await report.waitFor();
    const text = (await report.textContent()) ?? '';
    expect(text).toMatch(/txt2img-two-loras\.json \(ComfyUI UI format 0\.4\): 1 model to bake/);
    expect(text).toMatch(/sd15-tiny\.safetensors → txt2img-two-loras-merged\.safetensors/);
    const rows = await report.getByRole('row').allTextContents();
    expect(rows.slice(1)).toEqual(['style/style-lora.safetensors0.80.7', 'character-lora.safetensors0.60.5']);
    expect(await report.getByRole('region', { name: 'Not imported' }).textContent()).toMatch(/KSampler ×1.*CLIPTextEncode ×2|CLIPTextEncode ×2.*KSampler ×1/);
    expect(await report.getByRole('region', { name: 'Files not found' }).count()).toBe(0);
    await screenshot(page, 'comfyui-import-report');
    await report.getByRole('button', { name: 'OK' }).click();
    await report.waitFor({ state: 'detached' });

    expect(await page.locator('.react-flow__node').count()).toBe(6);
    expect(await page.locator('.react-flow__edge').count()).toBe(5);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('txt2img-two-loras');
    await expect.poll(async () => page.locator('.problem-badge').count(), { timeout: 15_000 }).toBe(0);
    await screenshot(page, 'comfyui-imported');

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    const written = path.join(checkpoints, 'txt2img-two-loras-merged.safetensors');
    expect(existsSync(written)).toBe(true);
    expect(statSync(written).size).toBeGreaterThan(1000);
  });

  it('imports an API-format workflow dropped on the canvas, and it runs', async () => {
    const text = readFileSync(path.join(FIXTURES, 'api-format.json'), 'utf8');
    const dataTransfer = await page.evaluateHandle((json) => {
      const dt = new DataTransfer();
      dt.items.add(new File([json], 'api-format.json', { type: 'application/json' }));
      return dt;
    }, text);
    const canvas = page.locator('.canvas-area');
    await canvas.dispatchEvent('dragover', { dataTransfer });
    await canvas.dispatchEvent('drop', { dataTransfer });

    const report = page.getByRole('dialog', { name: 'Imported from ComfyUI' });
    await report.waitFor();
    expect(await report.textContent()).toMatch(/api-format\.json \(ComfyUI API format\): 1 model to bake/);
    expect((await report.getByRole('row').allTextContents()).slice(1)).toEqual(['style/style-lora.safetensors0.80.7', 'character-lora.safetensors0.50']);
    await page.keyboard.press('Escape');
    await report.waitFor({ state: 'detached' });
    expect(await page.locator('.react-flow__node').count()).toBe(6);

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    expect(existsSync(path.join(checkpoints, 'api-format-merged.safetensors'))).toBe(true);
  });

  it('no console errors or warnings along the way', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
