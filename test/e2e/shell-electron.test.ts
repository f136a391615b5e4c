/**
 * The Electron shell's renderer side, emulated in headless Chromium (see helpers/electron-emulation.ts):
 * the UI served by the app:// handler under Electron's CSP, talking through the real preload bridge to the
 * real IPC handlers and Electron shell handlers, with the engine in a separate host process. The app opens
 * the example, Run exports the file, and nothing in the page tries the network.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElectronHandlers } from '../../main/electron/electron-handlers.js';
import { createEngineClient, type EngineClient } from '../../main/electron/engine-client.js';
import { nodeEngineProcess } from '../../main/electron/engine-process.js';
import { FileAccess } from '../../main/electron/file-access.js';
import { ensureDemoFiles } from '../../main/engine/demo/index.js';
import { appPaths } from '../../main/shell/platform/app-paths.js';
import { createShellFiles } from '../../main/shell/platform/shell-files.js';
import { PUSH_CHANNELS } from '../../shared/ipc/contract.js';
import type { DocumentState } from '../../shared/ipc/files.js';
import { repoRoot } from '../helpers/cli.js';
import { chromiumAvailable, ensureRendererBuilt, launchChromium, recordConsole } from './helpers/index.js';
import { emulateElectronWindow, EMULATED_ORIGIN } from './helpers/electron-emulation.js';

describe.skipIf(!chromiumAvailable())('Electron renderer side, emulated in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let engine: EngineClient;
  const states: DocumentState[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    dir = await mkdtemp(path.join(os.tmpdir(), 'ls-electron-e2e-'));
    const paths = appPaths(repoRoot);
    await ensureDemoFiles(paths.demoDir);
    engine = createEngineClient({ spawn: () => nodeEngineProcess(path.join(repoRoot, 'dist', 'electron', 'engine-host.cjs'), { ...process.env, LORA_STUDIO_WORKERS: '1' }) });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the example through the bridge, runs it in the engine process, and the export appears', async () => {
    const paths = appPaths(repoRoot);
    const files = createShellFiles({ configDir: path.join(dir, 'config'), paths });
    const handlers = createElectronHandlers({
      engine,
      files,
      access: new FileAccess(),
      dialogs: { open: async () => [], save: async () => null },
      os: { addRecentDocument: () => undefined, showItemInFolder: () => undefined, platform: 'linux' },
      window: { documentStateChanged: (s) => states.push(s), closeWithoutPrompt: () => undefined },
      context: { examplesDir: paths.examplesDir, exampleOutputDir: path.join(dir, 'outputs') },
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const log = recordConsole(page);
    const win = await emulateElectronWindow(context, page, handlers);
    engine.onEvent((event) => void win.push(PUSH_CHANNELS.engineEvent, event).catch(() => undefined));

    await page.goto(`${EMULATED_ORIGIN}/index.html`);
    expect(await page.evaluate(() => Object.keys((window as unknown as { loraStudio: object }).loraStudio).length)).toBeGreaterThan(20);
    await page.getByText('SD 1.5 (demo)').first().waitFor({ timeout: 60_000 });
    const run = page.getByLabel('Toolbar').getByRole('button', { name: /^▶?\s*Run$/ });
    await expect.poll(() => run.isEnabled(), { timeout: 30_000 }).toBe(true);
    await run.click();
    const exported = path.join(dir, 'outputs', 'sd15-tiny-stack.safetensors');
    await expect.poll(() => existsSync(exported), { timeout: 120_000, interval: 250 }).toBe(true);
    await expect.poll(() => run.isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(states.length).toBeGreaterThan(0);
    expect(log.unexpected()).toEqual([]);

    // The page has the bridge and nothing else: no Node, no ipcRenderer, and the CSP stops other connections.
    const probe = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown> & { loraStudio: Record<string, unknown> };
      const blocked = await fetch('http://127.0.0.1:9/').then(() => false, () => true);
      return { require: typeof w.require, process: typeof w.process, ipcRenderer: 'ipcRenderer' in w.loraStudio || 'invoke' in w.loraStudio, blocked };
    });
    expect(probe).toEqual({ require: 'undefined', process: 'undefined', ipcRenderer: false, blocked: true });
    expect(log.errors.some((e) => e.includes('Content Security Policy'))).toBe(true);
    await context.close();
  });
});
