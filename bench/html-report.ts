// The HTML report benchmark (`npm run bench:report`): how long `booksim report` takes, how
// much memory, how big the page is, and how long Chromium takes to show it with every
// chart drawn, for runs of 10,000 and 100,000 bookings. Each run directory is synthetic —
// requests at 500 per second, seats of ten bookings (one CONFIRMED and charged, the rest
// REJECTED), a sample of the queues per second, a fault log with kills and declines, a
// valid verify.json — so no endpoint is needed: the report reads only the run directory.
//
// Usage: npm run bench:report [-- --sizes 10000,100000 --timeout 600 --dry]
//        (--timeout: seconds for the whole benchmark; --dry: print the section, do not record it)
// Exit codes: 0 every report written, the 100,000-booking page under 1 MB and drawn within
//             10 s; 1 not; 2 the benchmark could not run.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import type { FaultLogEntry } from '../src/model/fault.js';
import { seededRandom } from '../src/random.js';
import { invariantCheckers } from '../src/verify/invariants/index.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { timeBooksim, type TimedRun } from './lib/booksim.js';
import { describeMachine } from './lib/machine.js';
import { appendSection } from './lib/report.js';
import { createSyntheticRun } from './lib/synthetic-run.js';

const target = { bookings: 100_000, pageBytes: 1024 * 1024, drawnMs: 10_000 };
const rps = 500;
const perSeat = 10;

const running = new Set<ChildProcess>();

/** Writes a run directory of `bookings` bookings under `reportsDir` (bench/lib/synthetic-run.ts); returns its path. */
async function writeRun(reportsDir: string, bookings: number): Promise<string> {
  const random = seededRandom(bookings);
  const runId = `bench-${bookings}`;
  const start = Date.UTC(2026, 10, 23, 12, 0, 0);
  const durationMs = (bookings / rps) * 1000;
  const synthetic = await createSyntheticRun({
    reportsDir,
    runId,
    bookings,
    perSeat,
    rps,
    startedAt: start,
    stack: 'bench',
    endpoint: 'http://127.0.0.1:4566',
    seed: bookings,
    // In this order, so that a seed draws the same run as before the benchmark shared its run directory.
    figures: () => {
      const latencyMs = 5 + random() * 40 + (random() < 0.01 ? 400 : 0);
      const tier = random() < 0.1 ? 'VIP' : 'STANDARD';
      const decisionMs = 500 + random() * 2500;
      return { tier, latencyMs, decisionMs };
    },
  });
  const faults: FaultLogEntry[] = [];
  for (let at = 0; at < durationMs; at += 50) faults.push({ at: new Date(start + at).toISOString(), fault: 'payment-decline', action: 'declined the charge (charge attempt 1)' });
  for (let at = 1000; at < durationMs; at += 10_000) faults.push({ at: new Date(start + at).toISOString(), fault: 'crash-mid-heartbeat', action: 'killed IssueTicket worker 4242 after 1 heartbeat(s)' });
  faults.sort((a, b) => a.at.localeCompare(b.at));
  const summary = await synthetic.finish({
    chaos: { scenario: 'bench', faults: ['payment-decline:rate=0.1', 'crash-mid-heartbeat:after=1'], injected: { 'payment-decline': faults.length }, reconciler: { restarted: 0, refunded: 0, gaveUp: 0 } },
    log: faults,
  });
  const { run } = synthetic;
  // After the bookings, which finish() drew.
  const samples = Array.from({ length: Math.ceil(durationMs / 1000) + 5 }, (_, second) => ({
    t: second * 1000,
    visible: Math.round(random() * 200),
    inFlight: Math.round(random() * 50),
    deadLetter: 0,
    running: Math.round(random() * 100),
  }));
  await run.write('samples.json', { loadStartedAt: new Date(start).toISOString(), loadEndMs: durationMs, settleEndMs: durationMs + 5000, samples });
  await run.write('verify.json', {
    runId,
    runDir: run.dir,
    stack: summary.stack,
    endpoint: summary.endpoint,
    verifiedAt: new Date(start + durationMs + 6000).toISOString(),
    verdict: 'valid',
    exitCode: 0,
    // Every invariant verify checks, named as it names them, each valid.
    invariants: invariantCheckers.map(({ describe: { id, key, title, checkedWhat } }) => ({ id, key, title, verdict: 'valid', checked: bookings, checkedWhat, violations: 0, counterexamples: [] })),
    thresholds: [],
  });
  return run.dir;
}

interface Drawn {
  drawnMs: number;
  /** Errors the page threw. */
  errors: string[];
}

/** Opens the page in Chromium from file:// and resolves to the ms until every chart has drawn. */
async function timeDrawing(browser: Browser, file: string): Promise<Drawn> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    const started = performance.now();
    await page.goto(pathToFileURL(file).href);
    // Locators, not waitForFunction: that evaluates its string with eval, which the report's CSP forbids.
    const charts = await page.locator('[data-chart]').count();
    await page.locator('[data-chart] canvas').nth(charts - 1).waitFor({ state: 'attached', timeout: 60_000 });
    return { drawnMs: performance.now() - started, errors };
  } finally {
    await page.close();
  }
}

interface SizeResult {
  bookings: number;
  runBytes: number;
  report: TimedRun<unknown>;
  pageBytes: number;
  drawn: Drawn;
}

function formatSection({ date, machine, results }: { date: string; machine: string; results: SizeResult[] }): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  const lines = results.map(
    (r) =>
      `| ${r.bookings} | ${(r.runBytes / 1024 / 1024).toFixed(1)} MB | ${seconds(r.report.wallMs)} | ${seconds(r.report.cpuMs)} | ${r.report.peakRssMiB.toFixed(0)} MiB | ${(r.pageBytes / 1024).toFixed(0)} KB | ${r.drawn.drawnMs.toFixed(0)} ms | ${r.drawn.errors.length} |`,
  );
  const big = results.find((r) => r.bookings === target.bookings);
  const verdict = !big
    ? `${target.bookings} bookings not in --sizes: target not measured`
    : `${target.bookings} bookings: page ${(big.pageBytes / 1024).toFixed(0)} KB, drawn in ${big.drawn.drawnMs.toFixed(0)} ms — ${pass(big) ? 'PASS' : 'FAIL'} (targets: under ${target.pageBytes / 1024} KB, drawn within ${target.drawnMs / 1000} s)`;
  return [
    `## HTML report: runs of ${results.map((r) => r.bookings).join(' and ')} bookings, ${date}`,
    '',
    `- Node ${process.version}; CPU ${machine}; synthetic run directories (requests at ${rps}/s, seats of ${perSeat} bookings, a queue sample per second, a fault log with a decline every 50 ms and a kill every 10 s, a valid verify.json)`,
    '- report: `booksim report --run DIR --json` in its own process (wall time from spawn to exit, its CPU, its peak RSS from /proc VmHWM); drawn: headless Chromium (test/helpers/chromium.ts: the one @sparticuz/chromium ships, unless BOOKSIM_CHROMIUM names another), through playwright-core, from file:// until every chart has its canvas',
    '',
    '| bookings | run directory | report wall | report CPU | report peak RSS | page | drawn | page errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    `**${verdict}**`,
    '',
  ].join('\n');
}

const pass = (r: SizeResult) => r.report.exitCode === 0 && r.pageBytes < target.pageBytes && r.drawn.drawnMs < target.drawnMs && r.drawn.errors.length === 0;

function directoryBytes(dir: string): number {
  return ['run.json', 'requests.json', 'decisions.json', 'ledger.jsonl', 'samples.json', 'faults.json', 'histograms.json', 'verify.json'].reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000' }, timeout: { type: 'string', default: '600' }, dry: { type: 'boolean', default: false } } });
  const sizes = values.sizes.split(',').map(Number);
  const deadline = setTimeout(() => {
    process.stderr.write(`bench:report: still running after ${values.timeout} s, stopping\n`);
    for (const child of running) child.kill('SIGKILL');
    process.exit(2);
  }, Number(values.timeout) * 1000);
  const reportsDir = mkdtempSync(join(tmpdir(), 'booksim-bench-report-'));
  const browser = await launchChromium();
  try {
    const results: SizeResult[] = [];
    for (const bookings of sizes) {
      const dir = await writeRun(reportsDir, bookings);
      const report = await timeBooksim<unknown>(['report', '--run', dir], 300_000, running);
      if (report.exitCode !== 0) throw new Error(`booksim report failed on ${bookings} bookings: ${report.stderr}`);
      const file = join(dir, 'report.html');
      const drawn = await timeDrawing(browser, file);
      const result = { bookings, runBytes: directoryBytes(dir), report, pageBytes: statSync(file).size, drawn };
      results.push(result);
      process.stdout.write(`${bookings} bookings: report ${(report.wallMs / 1000).toFixed(1)} s, ${report.peakRssMiB.toFixed(0)} MiB, page ${(result.pageBytes / 1024).toFixed(0)} KB, drawn in ${drawn.drawnMs.toFixed(0)} ms\n`);
    }
    const section = formatSection({ date: new Date().toISOString(), machine: describeMachine(), results });
    if (values.dry) process.stdout.write(section);
    else appendSection(section);
    const big = results.find((r) => r.bookings === target.bookings);
    process.exitCode = results.every((r) => r.report.exitCode === 0) && (!big || pass(big)) ? 0 : 1;
  } finally {
    clearTimeout(deadline);
    await browser.close();
    rmSync(reportsDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:report: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
