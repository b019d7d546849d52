import { describe, expect, it } from 'vitest';
import type { ReportAssets } from '../../src/report/html/assets.js';
import { buildReportModel } from '../../src/report/html/build-model.js';
import { renderReport } from '../../src/report/html/render.js';
import type { RunData } from '../../src/run-dir/run-data.js';
import { invalidRun, validRun } from '../fixtures/report-models.js';
import { slowIssueTicketSaga } from '../fixtures/saga-summary.js';

const assets: ReportAssets = { chartJs: 'window.uPlot = function () {};', chartCss: '' };

/** The saga steps section of a rendered report. */
function section(page: string): string {
  const start = page.indexOf('<section id="saga-steps"');
  if (start < 0) throw new Error('no saga steps section');
  return page.slice(start, page.indexOf('</section>', start) + '</section>'.length);
}
const textOf = (markup: string) =>
  markup
    .replace(/<title>[\s\S]*?<\/title>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/ ([,).])/g, '$1')
    .trim();

describe('the saga steps section of the report', () => {
  const page = renderReport(invalidRun, assets);
  const saga = section(page);

  it('when the run has saga steps, the section sums them up and names the slowest step, in the navigation too', () => {
    expect(page).toContain('<a href="#saga-steps">saga steps</a>');
    expect(textOf(saga)).toContain(
      '120 executions (112 SUCCEEDED, 8 FAILED), 1,480 state transitions (12.3 per execution, as Step Functions Standard bills them), 8 entered a compensating step. Slowest step: IssueTicket, p99 4.2 s in state (per attempt p99: wait 20 ms, work 3.2 s).',
    );
  });

  it('when rendered, the table has a row per state with entries, failures, retries, wait and work p50/p90/p99/max and failed attempts by error; the slowest is marked', () => {
    const rows = [...saga.matchAll(/<tr( class="slowest")?><th scope="row">([\s\S]*?)<\/tr>/g)].map((match) => ({ slowest: match[1] !== undefined, text: textOf(match[2]!) }));
    expect(rows.map((row) => row.text.split(' ')[0])).toEqual(['FastValidatePayment', 'FastReserveSeat', 'ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify', 'ReleaseSeat']);
    expect(rows.filter((row) => row.slowest).map((row) => row.text)).toEqual(['IssueTicket slowest 112 0 1 2.0 11.0 20.0 20.0 3,020.0 3,085.0 3,150.0 3,150.0 4,170.0 States.Timeout 1']);
    expect(rows.find((row) => row.text.startsWith('ValidatePayment'))!.text).toBe('ValidatePayment 90 8 1 1.0 3.0 5.0 5.0 11.0 28.0 45.0 45.0 1,050.0 PaymentDeclined 8, GatewayError 1');
    expect(textOf(saga)).toContain('wait per attempt (ms) work per attempt (ms)');
  });

  it('when the paths are drawn, the median and the p99 booking each get a time line on one scale, a row per state, wait, work and backoff in their colours with a legend', () => {
    const figures = [...saga.matchAll(/<figure class="saga-path" data-path="([^"]+)">([\s\S]*?)<\/figure>/g)];
    expect(figures.map((figure) => figure[1])).toEqual(['median booking', 'p99 booking']);
    const [median, tail] = figures.map((figure) => figure[2]!);
    expect(textOf(median!)).toContain('median booking: B0000000000000000050, 3.1 s start to end');
    expect(textOf(tail!)).toContain('p99 booking: B0000000000000000097, 6.3 s start to end');
    const bars = (svg: string) => [...svg.matchAll(/<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="\d+" fill="(#[0-9a-f]+)" data-phase="(\w+)">/g)].map((m) => ({ x: Number(m[1]), width: Number(m[2]), fill: m[3], phase: m[4] }));
    expect(bars(tail!).map((bar) => bar.phase)).toEqual(['wait', 'work', 'wait', 'work', 'wait', 'work', 'backoff', 'wait', 'work', 'wait', 'work']);
    expect(new Set(bars(tail!).map((bar) => `${bar.phase} ${bar.fill}`))).toEqual(new Set(['wait #f59e0b', 'work #2563eb', 'backoff #9ca3af']));
    // One scale: the median's IssueTicket work (3.0 s) is about half the plot the p99's whole path (6.3 s) spans.
    const medianWork = bars(median!).find((bar) => bar.phase === 'work' && bar.width > 100)!;
    const tailEnd = Math.max(...bars(tail!).map((bar) => bar.x + bar.width));
    expect(medianWork.width / (tailEnd - 180)).toBeCloseTo(3_020 / 6_300, 1);
    expect(textOf(tail!)).toMatch(/FastValidatePayment FastReserveSeat IssueTicket Notify/);
    expect(textOf(saga)).toContain('waiting for a worker work backoff before a retry');
  });

  it('when a run was made before step timings, the section says so in one line', () => {
    expect(textOf(section(renderReport(validRun, assets)))).toBe("Saga steps This run has no saga step timings: it was made before booksim read the executions' histories.");
    expect(textOf(section(renderReport({ ...validRun, saga: { executions: 0, byStatus: {}, stateTransitions: 0, compensated: 0, steps: [] } }, assets)))).toBe('Saga steps No saga execution of this run was found.');
  });

  it('when the run directory has saga figures in its summary, the model carries them; one without has none', () => {
    const none = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const run = {
      summary: {
        runId: 'R',
        runDir: '/tmp/R',
        endpoint: 'e',
        stack: 's',
        profile: 'fast',
        seed: 1,
        seats: 1,
        durationMs: 1,
        rate: { target: 1, achieved: 1 },
        requests: { sent: 0, completed: 0, errors: 0, non2xx: 0 },
        bookings: { accepted: 0, confirmed: 0, rejected: 0, paymentFailed: 0, escalated: 0, undecided: 0 },
        seatsSold: 0,
        settle: { settled: true, waitedMs: 0 },
        awsCalls: { total: 0, byService: {}, perConfirmed: null, perRejected: null, sharedPerBooking: null },
        latency: { api: none, timeToDecision: none, timeToDecisionByTier: { VIP: none, STANDARD: none } },
      },
      config: { stack: 's', endpoint: 'e', shape: { seats: 1, bookings: 1, rps: 1, contention: 1, duplicates: 0, vip: 0, seed: 1 } },
    } as unknown as RunData['run'];
    const data: RunData = { runId: 'R', run, faultLog: [] };
    expect(buildReportModel(data)).not.toHaveProperty('saga');
    expect(buildReportModel({ ...data, run: { ...run, summary: { ...run.summary, saga: slowIssueTicketSaga } } }).saga).toEqual(slowIssueTicketSaga);
  });
});
