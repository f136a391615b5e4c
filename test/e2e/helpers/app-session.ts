/** What most end-to-end files start with: a fresh renderer build, `lora-studio serve`, Chromium, the app open and ready. */
import type { Browser } from 'playwright-core';
import { waitForApp } from '../ui-driver.js';
import { launchChromium, openPage, type AppPage } from './chromium.js';
import { ensureRendererBuilt } from './renderer-build.js';
import { startServeProcess, type ServeProcess, type ServeProcessOptions } from './serve-process.js';

export interface AppSession {
  readonly server: ServeProcess;
  readonly browser: Browser;
  readonly app: AppPage;
}

/**
 * Opens the app at `query` appended to the server's URL (`&start=empty`, graphQuery(file), or '' for the first
 * view) and waits until it is ready.
 */
export async function openAppSession(query: string, options: { serve?: ServeProcessOptions; viewport?: { width: number; height: number } } = {}): Promise<AppSession> {
  await ensureRendererBuilt();
  const server = await startServeProcess(options.serve);
  const browser = await launchChromium();
  const app = await openPage(browser, `${server.url}${query}`, options.viewport);
  await waitForApp(app.page);
  return { server, browser, app };
}

/** The URL query that opens a graph file. */
export const graphQuery = (file: string): string => `&graph=${encodeURIComponent(file)}`;
