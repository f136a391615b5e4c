/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`): launches it headless and
 * opens pages that record console errors, warnings and uncaught page errors for the test to assert on.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LORA_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface ConsoleLog {
  errors: string[];
  warnings: string[];
  /** Errors and warnings, minus those a test expects (e.g. the 401 it provoked). */
  unexpected(allow?: RegExp[]): string[];
}

export function recordConsole(page: Page): ConsoleLog {
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    const where = m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : '';
    if (m.type() === 'error') errors.push(`${m.text()}${where}`);
    if (m.type() === 'warning') warnings.push(`${m.text()}${where}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    errors,
    warnings,
    unexpected: (allow = []) => [...errors, ...warnings].filter((line) => !allow.some((re) => re.test(line))),
  };
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  console: ConsoleLog;
}

/** A fresh browser context (no cookies) on `url`, console recorded from the first byte. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1440, height: 900 }): Promise<AppPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const log = recordConsole(page);
  await page.goto(url);
  return { context, page, console: log };
}
