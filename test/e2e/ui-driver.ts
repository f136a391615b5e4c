/**
 * Drives the LoRA Studio UI in Chromium the way a person does: by role and accessible name, with real
 * mouse drags for library drops and connections. Shared by the ui*.test.ts files.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../helpers/cli.js';

/**
 * Where the suite saves its screenshots: test-output/screenshots (ignored by git) on every run; the README's
 * copies in docs/screenshots are refreshed with LORA_STUDIO_UPDATE_SCREENSHOTS=1 npx vitest run test/e2e.
 */
export const SCREENSHOTS = process.env.LORA_STUDIO_UPDATE_SCREENSHOTS === '1' ? path.join(repoRoot, 'docs', 'screenshots') : path.join(repoRoot, 'test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

export async function waitForApp(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).waitFor({ timeout: 60_000 });
  await page.locator('.react-flow').waitFor();
}

/** A point in the canvas, in pixels from its top-left corner. */
export async function canvasPoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = await page.locator('.canvas-area').boundingBox();
  if (!box) throw new Error('no canvas');
  return { x: box.x + x, y: box.y + y };
}

/** Drags a node type from the library onto the canvas; returns the new node's id (it is selected after the drop). */
export async function dropFromLibrary(page: Page, title: string, at: { x: number; y: number }): Promise<string> {
  const before = await page.locator('.react-flow__node').count();
  const target = page.locator('.canvas-area .react-flow__pane');
  await page.getByRole('button', { name: `Add ${title}`, exact: true }).dragTo(target, { targetPosition: at });
  await page.locator('.react-flow__node').nth(before).waitFor();
  const id = await page.locator('.react-flow__node.selected').getAttribute('data-id');
  if (!id) throw new Error(`dropping ${title} selected no node`);
  // Settled: validation of the new document has run (a fresh node always has a problem to show). Pressing
  // the mouse again while Chromium still finishes the HTML5 drag pans the canvas instead.
  await nodeById(page, id).locator('.problem-badge').waitFor();
  return id;
}

export const nodeById = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** A node's position in flow coordinates (independent of pan, zoom and their animations). */
export async function flowPosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const transform = await nodeById(page, id).evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(transform);
  if (!m) throw new Error(`node ${id} has no position (${transform})`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

async function centre(l: Locator): Promise<{ x: number; y: number }> {
  const b = await l.boundingBox();
  if (!b) throw new Error('element not visible');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

export const outputHandle = (page: Page, nodeId: string, port: string): Locator => nodeById(page, nodeId).getByRole('button', { name: new RegExp(`^Output ${port} \\(`) });
export const inputHandle = (page: Page, nodeId: string, port: string): Locator => nodeById(page, nodeId).getByRole('button', { name: new RegExp(`^Input ${port} \\(`) });

/** Presses on one port and moves to another; `release` false leaves the drag in progress (to read the hint). */
export async function dragConnection(page: Page, from: Locator, to: Locator, release = true): Promise<void> {
  // hover() finds the element where it is now (and waits for it to be still), not where it was a moment ago.
  await from.hover();
  await page.mouse.down();
  const a = await centre(from);
  const b = await centre(to);
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await to.hover();
  if (release) await page.mouse.up();
}

export async function connect(page: Page, source: string, sourcePort: string, target: string, targetPort: string): Promise<void> {
  const before = await page.locator('.react-flow__edge').count();
  await dragConnection(page, outputHandle(page, source, sourcePort), inputHandle(page, target, targetPort));
  await page.locator('.react-flow__edge').nth(before).waitFor({ timeout: 5000 });
}

/** Types into a node's or the inspector's field and commits it (Enter). */
export async function setField(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.press('Enter');
}

/** Selects a node by clicking its title bar. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await nodeById(page, id).locator('.node-title').click();
  await page.getByRole('complementary', { name: 'Inspector' }).getByText(id, { exact: false }).first().waitFor();
}

export async function runStatus(page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Run status' }).textContent()) ?? '';
}

export async function openRunTab(page: Page, name: 'Run' | 'Problems' | 'Log' | 'Reports'): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}
