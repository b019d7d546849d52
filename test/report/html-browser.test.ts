import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportAssets, type ReportAssets } from '../../src/report/html/assets.js';
import { renderComparison, renderReport } from '../../src/report/html/render.js';
import { faultedRun, invalidRun, unverifiedRun, validRun } from '../fixtures/report-models.js';
import { launchChromium } from '../helpers/chromium.js';

const screenshot = fileURLToPath(new URL('../../test-artifacts/report.png', import.meta.url));

/** A report opened from disk, with everything the page did that a test may object to. */
interface Opened {
  page: Page;
  url: string;
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

/** Per chart area: its canvas's size, and how many of its pixels are painted. */
interface ChartPixels {
  id: string;
  width: number;
  height: number;
  painted: number;
}

// Scripts for page.evaluate are strings: functions would be sent as the test transform compiled them.
const chartPixels = `[...document.querySelectorAll('[data-chart]')].map((area) => {
  const canvas = area.querySelector('canvas');
  if (canvas === null) return { id: area.id, width: 0, height: 0, painted: 0 };
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
  return { id: area.id, width: canvas.width, height: canvas.height, painted };
})`;

/**
 * Per time chart, the share of pixels painted along rows of the plot's width: in the plot
 * just under its top (above the lines, where fault periods shade it), and the most painted
 * row of the strip above the plot (where each fault has a lane).
 */
const overlayShares = `[...document.querySelectorAll('[data-chart]')].filter((area) => /over-time|throughput|system/.test(area.id)).map((area) => {
  const canvas = area.querySelector('canvas');
  const over = area.querySelector('.u-over');
  const ratio = canvas.width / canvas.clientWidth;
  const share = (cssY) => {
    const { data } = canvas.getContext('2d').getImageData(Math.round(over.offsetLeft * ratio), Math.round(cssY * ratio), Math.round(over.clientWidth * ratio), 1);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
    return painted / (data.length / 4);
  };
  const strip = Array.from({ length: 16 }, (_, i) => share(over.offsetTop - 1 - i));
  return { shaded: share(over.offsetTop + 3), lanes: Math.max(...strip) };
})`;

describe('the HTML report in a browser', { timeout: 60_000 }, () => {
  let launched: Promise<Browser> | undefined;
  let dir: string;
  let assets: ReportAssets;

  /** Chromium, started by the first test that needs it: without it every test fails (vitest would skip them all if a hook failed). */
  function browser(): Promise<Browser> {
    launched ??= launchChromium();
    return launched;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'booksim-report-'));
    assets = await loadReportAssets();
  });

  afterAll(async () => {
    await (await launched)?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes the page to a file and opens it from disk, as a user opening a CI artifact would. */
  async function open(name: string, html: string, options: BrowserContextOptions = {}): Promise<Opened> {
    const file = join(dir, `${name}.html`);
    await writeFile(file, html);
    const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    const opened: Opened = { page, url: pathToFileURL(file).href, requests: [], consoleErrors: [], pageErrors: [] };
    page.on('request', (request) => opened.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') opened.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => opened.pageErrors.push(error.message));
    await page.goto(opened.url, { waitUntil: 'load' });
    return opened;
  }

  /** The page did nothing but load itself, without an error. */
  function expectClean(opened: Opened): void {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
  }

  async function expectChartsDrawn(page: Page, count: number): Promise<void> {
    // A locator, not waitForFunction: that evaluates its string with eval, which the report's CSP forbids.
    await page.locator('[data-chart] canvas').nth(count - 1).waitFor({ state: 'attached' });
    const charts = (await page.evaluate(chartPixels)) as ChartPixels[];
    expect(charts).toHaveLength(count);
    for (const chart of charts) {
      expect(chart.width, chart.id).toBeGreaterThan(300);
      expect(chart.height, chart.id).toBeGreaterThan(100);
      expect(chart.painted, chart.id).toBeGreaterThan(1000);
    }
    // Drawn charts replace their "needs JavaScript" notes.
    expect(await page.locator('.chart-note').count()).toBe(0);
  }

  it.each([
    ['a valid run', validRun, 'valid'],
    ['an invalid run with faults', invalidRun, 'invalid'],
    ['an undecided run with faults', faultedRun, 'unknown'],
    ['a run never verified', unverifiedRun, 'not verified'],
  ])('when %s is opened from disk, it loads without errors or network requests and draws every chart', async (_, model, verdict) => {
    const opened = await open(`run-${verdict.replace(' ', '-')}`, renderReport(model, assets));
    const { page } = opened;
    await expect(page.locator('#verdict .verdict-word').textContent()).resolves.toBe(verdict);
    await expectChartsDrawn(page, 6);
    expectClean(opened);
    await page.context().close();
  });

  it('when a run is opened, the verdict is on top and the invariants table shows a row per invariant', async () => {
    const opened = await open('invariants', renderReport(invalidRun, assets));
    const { page } = opened;
    await expect(page.locator('#verdict').isVisible()).resolves.toBe(true);
    const verdictBox = (await page.locator('#verdict').boundingBox())!;
    expect(verdictBox.y).toBeLessThan(200);
    expect(await page.locator('table.invariants tr.invariant').count()).toBe(8);
    await expect(page.locator('#invariant-5').textContent()).resolves.toContain('exactly-once-effects');
    expectClean(opened);
    await page.context().close();
  });

  it('when a counterexample\'s summary is clicked, its time line opens; the markup in its data stays text', async () => {
    const opened = await open('counterexample', renderReport(invalidRun, assets));
    const { page } = opened;
    const example = page.locator('details.counterexample', { hasText: 'bk-009321 was captured twice' });
    const timeline = example.locator('table.timeline');
    await expect(timeline.isVisible()).resolves.toBe(false);
    await example.locator('summary').click();
    await expect(timeline.isVisible()).resolves.toBe(true);
    await expect(example.getAttribute('open')).resolves.not.toBeNull();
    expect(await timeline.locator('tbody tr').count()).toBe(4);
    await expect(example.locator('summary').textContent()).resolves.toContain('</script><script>alert("xss")</script> & refunded <b>once</b>');
    await expect(timeline.textContent()).resolves.toContain('charge captured 4200 <img src=x onerror=alert(1)>');
    // The data's markup made no element.
    expect(await page.locator('details.counterexample b, details.counterexample img').count()).toBe(0);
    expectClean(opened);
    await page.context().close();
  });

  it('when a run had faults, every time chart shades their periods and has a lane per fault above the plot; without faults, neither', async () => {
    const faulted = await open('shaded', renderReport(invalidRun, assets));
    await expectChartsDrawn(faulted.page, 6);
    const withFaults = (await faulted.page.evaluate(overlayShares)) as Array<{ shaded: number; lanes: number }>;
    expect(withFaults).toHaveLength(4);
    for (const { shaded, lanes } of withFaults) {
      // Lost responses for 20 s and refund timeouts for 10 s of the chart's 92 s, and the marker lines.
      expect(shaded).toBeGreaterThan(0.3);
      expect(shaded).toBeLessThan(0.5);
      // The crash fault lasts the whole run: its lane runs all along (and it does not shade the whole plot).
      expect(lanes).toBeGreaterThan(0.95);
    }
    await faulted.page.context().close();

    const clean = await open('unshaded', renderReport(validRun, assets));
    await expectChartsDrawn(clean.page, 6);
    for (const { shaded, lanes } of (await clean.page.evaluate(overlayShares)) as Array<{ shaded: number; lanes: number }>) {
      expect(shaded).toBeLessThan(0.1);
      expect(lanes).toBe(0);
    }
    await clean.page.context().close();
  });

  it('when the invalid run with faults is rendered, a full-page screenshot is saved as test-artifacts/report.png', async () => {
    const opened = await open('screenshot', renderReport(invalidRun, assets));
    await expectChartsDrawn(opened.page, 6);
    await opened.page.locator('details.counterexample').first().locator('summary').click();
    await mkdir(join(screenshot, '..'), { recursive: true });
    await opened.page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    await opened.page.context().close();
  });

  it('when JavaScript is off, the verdict, tables and counterexamples still read, and each chart says why it is missing', async () => {
    const opened = await open('no-script', renderReport(invalidRun, assets), { javaScriptEnabled: false });
    const { page } = opened;
    await expect(page.locator('#verdict .verdict-word').textContent()).resolves.toBe('invalid');
    expect(await page.locator('table.invariants tr.invariant').count()).toBe(8);
    expect(await page.locator('table.percentiles tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('.chart-note').count()).toBe(6);
    expect(await page.locator('canvas').count()).toBe(0);
    const example = page.locator('details.counterexample').first();
    await example.locator('summary').click();
    await expect(example.locator('table.timeline').isVisible()).resolves.toBe(true);
    expectClean(opened);
    await page.context().close();
  });

  it('when runs are compared, the page loads cleanly, with the answer table, a column per run and both distribution charts drawn', async () => {
    const opened = await open('comparison', renderComparison([validRun, invalidRun, faultedRun], assets, { expected: ['valid', 'invalid', 'invalid'] }));
    const { page } = opened;
    expect(await page.locator('table.answer tbody tr').count()).toBe(3);
    expect(await page.locator('table.invariant-matrix thead th.run').count()).toBe(3);
    expect(await page.locator('table.runs tbody tr').count()).toBe(3);
    await expectChartsDrawn(page, 2);
    // uPlot's legend names a line per run.
    await expect(page.locator('#chart-compare-api .u-legend').textContent()).resolves.toContain('2026-11-23T08-31-07Z-44b2 (standard-fanout)');
    expectClean(opened);
    await page.context().close();
  });
});
