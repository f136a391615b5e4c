/**
 * Reports and plots from a real run: the "Inspect and probe" example (opened from the Examples menu) runs,
 * and the Reports tab shows the Inspect report's per-block ‖ΔW‖ bars for both LoRAs side by side, the
 * singular-value spectra on a log scale, mapping coverage and sign conflicts, and the probes' comparisons.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppPage, chromiumAvailable, openAppSession, type ServeProcess } from './helpers/index.js';
import { openRunTab, runStatus, screenshot } from './ui-driver.js';

describe.skipIf(!chromiumAvailable())('reports and plots', () => {
  let server: ServeProcess;
  let browser: Browser;
  let app: AppPage;
  let page: Page;

  beforeAll(async () => {
    ({ server, browser, app } = await openAppSession('&start=empty'));
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens an example from the Examples menu and runs it', async () => {
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.getByRole('menu', { name: 'Examples' }).getByRole('menuitem', { name: /^Inspect and probe/ }).click();
    await page.getByRole('group', { name: 'Inspect (inspect-1)', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => runStatus(page), { timeout: 120_000 }).toMatch(/^Finished in/);
    expect(await page.getByRole('tab', { name: /^Reports/ }).textContent()).toMatch(/Reports\d+/);
  });

  it('the Inspect report: block norms side by side, log-scale spectra, coverage, sign conflicts, sortable module table', async () => {
    await openRunTab(page, 'Reports');
    await page.getByRole('list', { name: 'Reports' }).getByRole('button', { name: /^Inspect/ }).click();
    const report = page.getByRole('article', { name: 'Report: Inspect' });
    await report.waitFor();
    const norms = report.getByRole('region', { name: '‖ΔW‖ per block' });
    expect(await norms.getByRole('img').getAttribute('aria-label')).toMatch(/^‖ΔW‖ per block\. .+: largest at \w+ \(.+\); .+: largest at/);
    expect(await norms.locator('.legend').textContent()).toMatch(/style-lora.*character-lora/);
    const spectra = report.getByRole('region', { name: 'Singular values' });
    expect(await spectra.getByRole('img').getAttribute('aria-label')).toMatch(/^Singular values\. .+: \d+ values from/);
    expect(await spectra.locator('text').allTextContents()).toContain('σᵢ (log)');
    // One module at a time: the select narrows the plot to that module's spectra.
    const module = spectra.getByRole('combobox', { name: 'Module' });
    const options = await module.locator('option').allTextContents();
    expect(options.length).toBeGreaterThan(2);
    await module.selectOption({ index: 1 });
    expect(await spectra.locator('polyline').count()).toBeGreaterThanOrEqual(1);
    expect(await report.getByRole('region', { name: /^Mapping onto/ }).getByRole('img').getAttribute('aria-label')).toMatch(/unmatched\)/);
    expect(await report.getByRole('region', { name: 'Sign conflicts' }).textContent()).toMatch(/% of compared entries disagree in sign/);
    const table = report.getByRole('table', { name: 'Modules' });
    const header = table.getByRole('columnheader').first();
    await header.getByRole('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    await norms.scrollIntoViewIfNeeded();
    await screenshot(page, 'plots');
    await module.selectOption({ index: 0 });
    await spectra.scrollIntoViewIfNeeded();
    await screenshot(page, 'plots-spectra');
  });

  it('a Probe report: base, unfused branch and fused weight compared', async () => {
    await page.getByRole('list', { name: 'Reports' }).getByRole('button', { name: /^Probe random LoRA/ }).click();
    const report = page.getByRole('article', { name: 'Report: Probe random LoRA' });
    const rows = await report.getByRole('row').allTextContents();
    expect(rows.some((r) => /^(unfused vs fused|fused vs unfused)/.test(r))).toBe(true);
  });

  it('no console errors or warnings', () => {
    expect(app.console.unexpected()).toEqual([]);
  });
});
