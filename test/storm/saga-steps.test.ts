import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { parseFaultSpec } from '../../src/faults/spec.js';
import { percentiles } from '../../src/load/histograms.js';
import type { FaultLogEntry } from '../../src/model/fault.js';
import type { SagaSummary } from '../../src/model/run.js';
import { buildReportModel } from '../../src/report/html/build-model.js';
import { renderReport } from '../../src/report/html/render.js';
import { readRunData } from '../../src/run-dir/run-data.js';
import type { HistogramsJson } from '../../src/run-dir/schema.js';
import { runStorm } from '../../src/storm/run-storm.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const workerScript = fileURLToPath(new URL('../../dist/runtime/worker-main.js', import.meta.url));

/** A step's figures by name. */
const step = (saga: SagaSummary, state: string) => saga.steps.find((candidate) => candidate.state === state)!;

// Worker processes and sagas take seconds (here IssueTicket takes 1.5 s more); a loaded CI machine may stretch them.
describe('saga step timings of a storm (workers as real processes)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();

  /** A small storm on a fresh fast-profile stack: 4 seats, 20 bookings, a fifth of them VIP (so the fast path runs too). */
  async function storm(faults: string[]) {
    const stack = uniqueName('saga-steps');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const phases: string[] = [];
    const { summary } = await runStorm(
      {
        endpoint: resolveEndpoint({ endpoint: fx.endpoint.url }, {}),
        stack,
        shape: { seats: 4, bookings: 20, rps: 20, contention: 5, duplicates: 0, vip: 0.2, seed: 11 },
        settleTimeoutMs: 60_000,
        concurrency: 8,
        reportsDir: mkdtempSync(join(tmpdir(), 'booksim-saga-steps-')),
        clock: systemClock,
        workerScript,
        ...(faults.length > 0 ? { chaos: { faults: faults.map(parseFaultSpec), sabotage: [] } } : {}),
      },
      { onPhase: (_, detail) => phases.push(detail) },
    );
    expect(summary.settle.settled).toBe(true);
    return { summary, saga: summary.saga!, phases };
  }

  it('when IssueTicket is slowed by 1.5 s, the summary names it the slowest step, its work holds the 1.5 s and its wait does not, and the other steps are quick', async () => {
    const { summary, saga, phases } = await storm(['slow-task:task=IssueTicket,ms=1500']);
    // Every seat was sold: four sagas ran to the end, each slowed once.
    expect(summary.bookings.confirmed).toBe(4);
    expect(phases).toContain(`reading ${saga.executions} saga histories`);
    expect(saga.executions).toBeGreaterThanOrEqual(4);
    expect(saga.slowest).toBe('IssueTicket');
    const issue = step(saga, 'IssueTicket');
    expect(issue.work.p50).toBeGreaterThanOrEqual(1500);
    expect(issue.wait.p50).toBeLessThan(300);
    expect(issue).toMatchObject({ entered: 4, failed: 0, retries: 0, failures: {} });
    for (const other of saga.steps.filter((candidate) => candidate.state !== 'IssueTicket')) expect(other.work.p50, other.state).toBeLessThan(500);
    expect(summary.chaos?.injected['slow-task']).toBe(4);
    const log = JSON.parse(readFileSync(join(summary.runDir, 'faults.json'), 'utf8')) as FaultLogEntry[];
    expect(log.filter((entry) => entry.fault === 'slow-task' && entry.phase === 'injected').map((entry) => entry.action)).toEqual(Array(4).fill('IssueTicket takes 1500 ms longer'));
    // A standard booking's path: its IssueTicket work is the longest stretch.
    const longest = saga.paths!.p50.segments.reduce((a, b) => (b.endMs - b.startMs > a.endMs - a.startMs ? b : a));
    expect(longest).toMatchObject({ state: 'IssueTicket', phase: 'work' });
    expect(saga.stateTransitions).toBeGreaterThanOrEqual(4 * 6);

    // histograms.json holds every step's histograms, which decode to the summary's figures; and the report shows the section.
    const histograms = JSON.parse(readFileSync(join(summary.runDir, 'histograms.json'), 'utf8')) as HistogramsJson;
    expect(Object.keys(histograms.sagaSteps ?? {}).sort()).toEqual(saga.steps.map((s) => s.state).sort());
    expect(percentiles(histograms.sagaSteps!.IssueTicket!.work)).toEqual(issue.work);
    const page = renderReport(buildReportModel(await readRunData(summary.runDir)), { chartJs: '', chartCss: '' });
    expect(page).toContain('Slowest step: <strong class="slowest-step">IssueTicket</strong>');
  });

  it('when nothing is slowed, no step comes near that: the slowest step\'s p99 in state is far under 1.5 s', async () => {
    const { saga } = await storm([]);
    const slowest = step(saga, saga.slowest!);
    expect(slowest.total.p99).toBeLessThan(750);
    expect(step(saga, 'IssueTicket').work.p50).toBeLessThan(500);
  });
});
