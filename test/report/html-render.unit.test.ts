import { describe, expect, it } from 'vitest';
import { loadReportAssets, type ReportAssets } from '../../src/report/html/assets.js';
import { chartDataId, chartsClient } from '../../src/report/html/charts-client.js';
import { percentileX, type ChartData, type TimeChart } from '../../src/report/html/charts-data.js';
import type { ReportModel } from '../../src/report/html/model.js';
import { renderComparison, renderReport } from '../../src/report/html/render.js';
import { faultedRun, invalidRun, unverifiedRun, validRun } from '../fixtures/report-models.js';
import type { CostSummary } from '../../src/model/run.js';
import { paymentQueueHit } from '../fixtures/quota-hits.js';

/** What a run's usage cost (run.json's summary.cost). */
const cost: CostSummary = {
  pricing: { name: 'aws-us-east-1', region: 'us-east-1', currency: 'USD', readOn: '2026-12-07' },
  total: 1.5,
  byService: { sfn: 1.2, dynamodb: 0.3 },
  perConfirmed: 0.000163,
  perRejected: 0.0000064,
  perBooking: 0.00005,
  perMillion: { sfn: 40, dynamodb: 10 },
};

/** Stand-ins for uPlot: the renderers only inline them. */
const assets: ReportAssets = { chartJs: 'window.uPlot = function () {};', chartCss: '.uplot { display: block; }' };

/** The element with this id, up to its closing tag (sections and tables do not nest in themselves here). */
function element(page: string, tag: string, id: string): string {
  const start = page.indexOf(`<${tag} id="${id}"`);
  if (start < 0) throw new Error(`no <${tag} id="${id}">`);
  return page.slice(start, page.indexOf(`</${tag}>`, start) + tag.length + 3);
}
const detailsOf = (page: string) => page.match(/<details[\s\S]*?<\/details>/g) ?? [];
const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
/** What a reader sees of some markup: tags gone, entities decoded, white space collapsed. */
const textOf = (markup: string) =>
  markup
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(lt|gt|quot|#39|amp);/g, (entity) => entities[entity]!)
    .replace(/\s+/g, ' ')
    .replace(/ ([,)])/g, '$1')
    .trim();

function chartData(page: string): ChartData {
  const match = new RegExp(`<script type="application/json" id="${chartDataId}">([\\s\\S]*?)</script>`).exec(page);
  if (!match) throw new Error('no chart data block');
  return JSON.parse(match[1]!) as ChartData;
}

describe('the HTML report of a run', () => {
  it.each([
    ['valid', validRun, 'valid', 'all 8 invariants hold, all 2 thresholds passed'],
    ['invalid', invalidRun, 'invalid', '2 of 8 invariants violated, 1 threshold breached'],
    ['unknown', faultedRun, 'unknown', '1 threshold could not be decided'],
    ['never verified', unverifiedRun, 'unverified', 'booksim verify has not checked this run'],
  ])('when the run is %s, the verdict comes first, in its colour, with what decided it', (_, model, verdict, reason) => {
    const page = renderReport(model, assets);
    const banner = element(page, 'section', 'verdict');
    expect(banner).toContain(`<section id="verdict" class="banner verdict-${verdict}"`);
    expect(textOf(banner)).toContain(verdict === 'unverified' ? 'not verified' : verdict);
    expect(textOf(banner)).toContain(reason);
    expect(page.indexOf('id="verdict"')).toBeLessThan(page.indexOf('id="run"'));
  });

  it('when rendered, the run parameters are listed: endpoint, topology, profile, scenario, faults, sabotage, seed, event, load, settle, versions', () => {
    const run = textOf(element(renderReport(invalidRun, assets), 'section', 'run'));
    for (const expected of [
      'run 2026-11-23T08-02-55Z-9c0d',
      'endpoint http://127.0.0.1:4566',
      'stack booksim',
      'topology fifo-fanout',
      'profile fast',
      'scenario stuck-orders',
      'crash-mid-heartbeat:after=2,times=12 gateway-lost-response:rate=0.05,on=charge,from=10s,for=20s refund-timeout:from=30s,for=10s',
      'sabotage new-key-on-retry (a safeguard switched off on purpose)',
      'seed 7',
      'event gala',
      'seats 100 (40 sold before this run)',
      'target 500 rps, achieved 471.3 rps (94.3 % of target)',
      'duration 60.0 s',
      '30,000 sent, 29,962 completed, 38 errors, 0 non-2xx',
      'settled in 31.8 s',
      'booksim 0.1.0',
      'node v22.23.3',
    ]) {
      expect(run).toContain(expected);
    }
  });

  it('when no fault or sabotage was given, the parameters say none', () => {
    const run = textOf(element(renderReport(validRun, assets), 'section', 'run'));
    expect(run).toContain('scenario none faults none sabotage none');
    // A run made before events sold seats S0001… of no event.
    expect(run).toContain('event none (a run made before events: seats S0001…)');
  });

  it('when rendered, the invariants table has a row per invariant with verdict, what was checked, violations and note', () => {
    const table = element(renderReport(invalidRun, assets), 'section', 'invariants');
    const rows = table.match(/<tr class="invariant[\s\S]*?<\/tr>/g)!.map(textOf);
    expect(rows).toHaveLength(8);
    expect(rows[2]).toBe('3 payment-only-for-holder net money is the price for CONFIRMED bookings, zero for the others invalid 30,000 bookings 2');
    expect(rows[4]).toMatch(/^5 exactly-once-effects .* invalid 30,000 bookings 7$/);
    expect(rows[6]).toContain('1 booking ESCALATED with 4200 at stake');
    expect(table).toContain('<tr class="invariant verdict-row-invalid" id="invariant-5">');
  });

  it('when an invariant is violated, each counterexample is a <details> under it: the message as summary, the time line inside', () => {
    const table = element(renderReport(invalidRun, assets), 'section', 'invariants');
    const details = detailsOf(table);
    expect(details).toHaveLength(3);
    // Right under invariant 5's row: its counterexamples, then the next invariant.
    const after5 = table.slice(table.indexOf('id="invariant-5"'), table.indexOf('id="invariant-6"'));
    expect(detailsOf(after5)).toHaveLength(2);
    expect(after5).toContain('… and 5 more violations, counted but not kept');

    const first = details.find((d) => d.includes('bk-004117 was captured twice'))!;
    expect(textOf(first.slice(0, first.indexOf('</summary>')))).toBe(
      'booking bk-004117 was captured twice: 4200 under key pay-bk-004117-1 and 4200 under key pay-bk-004117-2 (seat S-017 · bk-004117)',
    );
    const events = first.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!.map(textOf);
    expect(events).toEqual([
      '+12.031 s 07:40:24.031 bk-004117 request sent (202)',
      '+12.610 s 07:40:24.610 bk-004117 saga: ValidatePayment entered',
      '+12.655 s 07:40:24.655 bk-004117 charge captured 4200 (response lost)',
      '+13.102 s 07:40:25.102 bk-004117 saga: IssueTicket worker 4242 killed after 2 heartbeat(s)',
      '+19.880 s 07:40:31.880 bk-004117 reconciler: saga restarted with a new payment key',
      '+20.410 s 07:40:32.410 bk-004117 charge captured 4200',
      'at the end bk-004117 CONFIRMED now, net paid 8400',
    ]);
  });

  it('when events come out of order, the time line puts them in time order', () => {
    const details = detailsOf(renderReport(invalidRun, assets)).find((d) => d.includes('bk-009322 is REJECTED'))!;
    const times = [...details.matchAll(/<td class="num">(\+[\d.]+ s)<\/td>/g)].map((m) => m[1]);
    expect(times).toEqual(['+24.200 s', '+24.214 s', '+26.300 s', '+27.900 s']);
  });

  it('when data holds markup, it is shown as text: no script, tag or attribute from the data reaches the page', () => {
    const page = renderReport(invalidRun, assets);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>once</b>');
    expect(page).toContain('captured twice &lt;/script&gt;&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; &amp; refunded &lt;b&gt;once&lt;/b&gt;');
    expect(page).toContain('charge captured 4200 &lt;img src=x onerror=alert(1)&gt;');
    // The only scripts are the page's own: the chart data, uPlot and the chart code.
    expect(page.match(/<script\b/g)).toHaveLength(3);
  });

  it('when thresholds were given, the thresholds table shows each with the measured value and its verdict', () => {
    const invariants = element(renderReport(faultedRun, assets), 'section', 'invariants');
    const rows = invariants.slice(invariants.indexOf('<table class="thresholds">')).match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!;
    expect(rows.map(textOf)).toEqual(['api.p99<500 212.7 ms passed', "vip.decision.p99.9<1500 – unknown the run's histograms have no timeToDecisionByTier.VIP"]);
    expect(rows[1]).toContain('class="badge verdict-unknown"');
  });

  it('when the run was never verified, the invariants section says so instead of an empty table', () => {
    const invariants = textOf(element(renderReport(unverifiedRun, assets), 'section', 'invariants'));
    expect(invariants).toContain('No invariant was checked: run booksim verify on this run.');
    expect(invariants).toContain('No threshold was given.');
  });

  it('when rendered, the percentile table has count, p50, p90, p99, p99.9 and max per distribution and tier', () => {
    const latency = element(renderReport(validRun, assets), 'section', 'latency');
    const rows = latency.match(/<table class="percentiles">[\s\S]*?<\/table>/)![0].match(/<tr[\s\S]*?<\/tr>/g)!.map(textOf);
    expect(rows[0]).toBe('latency (ms) count p50 p90 p99 p99.9 max');
    expect(rows.slice(1).map((row) => row.split(' ')[0])).toEqual(['API', 'VIP', 'STANDARD', 'time', 'VIP', 'STANDARD']);
    expect(rows[1]).toBe('API 30,000 6.7 20.7 46.7 77.0 146.8');
    expect(rows[4]).toBe('time to decision 30,000 407.7 1,238.2 2,650.1 4,216.9 7,657.3');
  });

  it('when rendered, outcomes show bookings, saga outcomes, money in currency units and AWS calls per booking', () => {
    const outcomes = textOf(element(renderReport(invalidRun, assets), 'section', 'outcomes'));
    expect(outcomes).toContain('bookings accepted 29,962 confirmed 100 rejected 29,301 payment failed 560 escalated 1 undecided 0');
    expect(outcomes).toContain('saga outcomes confirmed 100 declined 512 compensated (refunded) 47 escalated 1');
    expect(outcomes).toContain('charged 7,266.00 refunded 2,688.00 net 4,578.00 at risk 378.00');
    expect(outcomes).toContain('total 176,880 5.9 dynamodb 70,210 2.3 sfn 49,110 1.6 sns 29,962 1.0 sqs 27,598 0.9');
    expect(outcomes).toContain('per confirmed booking 29.8 per rejected booking 5.1');
  });

  it('when the run has a cost, it is next to the AWS calls: per booking and per million by service, per confirmed and rejected booking, with the price table and its date', () => {
    const outcomes = textOf(element(renderReport({ ...invalidRun, cost }, assets), 'section', 'outcomes'));
    expect(outcomes).toContain('cost at aws-us-east-1 (prices of 2026-12-07) per booking per 1,000,000 total ($1.50) $0.0000500 $50.00 dynamodb $0.0000100 $10.00 sfn $0.0000400 $40.00');
    expect(outcomes).toContain('per confirmed booking $0.000163 per rejected booking $0.00000640');
  });

  it('when the run was made before cost, its cost is a dash', () => {
    expect(textOf(element(renderReport(invalidRun, assets), 'section', 'outcomes'))).toContain('cost per booking –');
  });

  it('when faults were injected, the fault table lists each with its period, count, first, last and an example; then detection and the reconciler', () => {
    const faults = element(renderReport(invalidRun, assets), 'section', 'faults');
    const rows = faults.match(/<table class="faults">[\s\S]*?<\/table>/)![0].match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!.map(textOf);
    expect(rows).toEqual([
      'crash-mid-heartbeat +0.000 s → +92.000 s 12 +3.120 s +58.020 s killed IssueTicket worker 4200 after 2 heartbeat(s)',
      'gateway-lost-response +10.000 s → +30.000 s 187 +10.004 s +29.987 s charge bk-001877 captured, response lost',
      'refund-timeout +30.000 s → +40.000 s 41 +30.220 s +39.870 s refund bk-002310 held past the task timeout',
    ]);
    expect(textOf(faults)).toContain('crash detection (kill → timeout, ms) count by heartbeat only by task timeout p50 p90 p99 p99.9 max 12 11 1 5,104.2 5,871.6 6,020.1 6,020.1 6,020.1');
    expect(textOf(faults)).toContain('reconciler sagas restarted 9 refunds finished 5 gave up 1');
  });

  it('when no fault was injected, the faults section says so', () => {
    expect(textOf(element(renderReport(validRun, assets), 'section', 'faults'))).toBe('Faults No fault was injected.');
  });

  it('when rendered, the chart data block parses back to a chart per figure on the page', () => {
    const page = renderReport(invalidRun, assets);
    const { charts } = chartData(page);
    expect(charts.map((chart) => chart.id)).toEqual([
      'chart-api-distribution',
      'chart-decision-distribution',
      'chart-throughput',
      'chart-api-over-time',
      'chart-decision-over-time',
      'chart-system',
    ]);
    for (const chart of charts) expect(page).toContain(`<div class="chart-plot" id="${chart.id}" data-chart>`);
    expect(page.match(/class="chart-plot"/g)).toHaveLength(charts.length);
  });

  it('when a distribution chart is drawn, x is 1/(1 − p), a line per tier, the max one step past the line\'s last percentile', () => {
    expect(percentileX([{ percentile: 0, ms: 1 }, { percentile: 90, ms: 2 }, { percentile: 99, ms: 3 }, { percentile: 100, ms: 9 }])).toEqual([1, 10, 100, 125.8925412]);
    const api = chartData(renderReport(validRun, assets)).charts.find((chart) => chart.id === 'chart-api-distribution')!;
    expect(api.kind).toBe('percentile');
    expect(api.series.map((s) => s.label)).toEqual(['all', 'VIP', 'STANDARD']);
    expect(api.x[0]).toBe(1);
    expect(api.x).toEqual([...api.x].sort((a, b) => a - b));
    // 30,000 requests resolve percentiles up to p99.99 (x 10^4); 3,012 VIP requests up to x 10^3.4.
    const all = api.series[0]!;
    expect(all.values.at(-1)).toBe(validRun.latency.api[0]!.summary.max);
    expect(api.x.at(-1)).toBeCloseTo(10_000 * 10 ** 0.1, 3);
    const vip = api.series[1]!;
    const vipLast = vip.values.findLastIndex((v) => v !== null);
    expect(vip.values[vipLast]).toBe(validRun.latency.api[1]!.summary.max);
    expect(api.x[vipLast]).toBeCloseTo(10 ** 3.5, 3);
  });

  it('when the run had faults, every time chart has the overlay legend and the data carries the periods, markers and phases in seconds', () => {
    const page = renderReport(invalidRun, assets);
    const { charts, overlay } = chartData(page);
    expect(overlay.periods).toEqual([
      { fault: 'crash-mid-heartbeat', from: 0, to: 92 },
      { fault: 'gateway-lost-response', from: 10, to: 30 },
      { fault: 'refund-timeout', from: 30, to: 40 },
    ]);
    expect(overlay.markers).toHaveLength(12);
    expect(overlay.markers[0]).toEqual({ fault: 'crash-mid-heartbeat', at: 3.12 });
    expect(overlay.phases).toEqual([
      { label: 'load end', at: 60 },
      { label: 'settled', at: 92 },
    ]);
    expect(Object.keys(overlay.colours)).toEqual(['crash-mid-heartbeat', 'gateway-lost-response', 'refund-timeout']);
    expect(new Set(Object.values(overlay.colours)).size).toBe(3);

    const timeCharts = charts.filter((chart): chart is TimeChart => chart.kind === 'time');
    expect(timeCharts).toHaveLength(4);
    for (const chart of timeCharts) expect(chart.xMax).toBe(92);
    const figures = page.match(/<figure class="chart">[\s\S]*?<\/figure>/g)!;
    const withLegend = figures.filter((figure) => figure.includes('class="overlay-legend"'));
    expect(withLegend).toHaveLength(4);
    expect(textOf(withLegend[0]!)).toContain('crash-mid-heartbeat gateway-lost-response refund-timeout load end settled');
  });

  it('when the settle gave up, the phase line says so', () => {
    expect(chartData(renderReport(faultedRun, assets)).overlay.phases).toEqual([
      { label: 'load end', at: 45 },
      { label: 'settle gave up', at: 105 },
    ]);
  });

  it('when a series is empty, its chart is replaced by a note and left out of the data', () => {
    const model: ReportModel = { ...validRun, series: { ...validRun.series, system: [] } };
    const page = renderReport(model, assets);
    expect(page).toContain('The run has no samples of queues and sagas.');
    expect(chartData(page).charts.map((chart) => chart.id)).not.toContain('chart-system');
  });

  it('when JavaScript is off, every chart area holds a note saying the tables have the numbers', () => {
    const page = renderReport(validRun, assets);
    const notes = page.match(/<p class="chart-note">[^<]*<\/p>/g)!;
    expect(notes).toHaveLength(6);
    expect(notes[0]).toContain('the tables on this page have its numbers');
  });

  it('when rendered with uPlot, the page refers to nothing on the network: no src, href or url() but in-page anchors and a data: icon', async () => {
    const page = renderReport(invalidRun, await loadReportAssets());
    const tags = page.match(/<[a-z][^>]*>/gi)!;
    const references = tags.flatMap((tag) => [...tag.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]!));
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference).toMatch(/^(#|data:)/);
    expect(page).not.toMatch(/url\(\s*["']?(?!data:)/i);
    expect(page).not.toMatch(/@import/i);
    expect(textOf(page.match(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/)![0].replace(/^.*content="|">$/g, ''))).toMatch(/^default-src 'none'; /);
    // The endpoint is text, not a reference.
    expect(page).toContain('<code>http://127.0.0.1:4566</code>');
  });

  it('when rendered with uPlot, each fixture page stays well under 1 MB', async () => {
    const real = await loadReportAssets();
    expect(real.chartJs.length).toBeGreaterThan(40_000);
    for (const model of [validRun, invalidRun, faultedRun]) expect(Buffer.byteLength(renderReport(model, real))).toBeLessThan(200_000);
  });

  it('when parsed, the chart code is valid JavaScript', () => {
    expect(() => new Function(chartsClient)).not.toThrow();
    expect(chartsClient).toContain(`document.getElementById('${chartDataId}')`);
  });
});

describe('the HTML comparison of runs', () => {
  const models = [validRun, invalidRun, faultedRun];

  it('when runs are compared, the header lists each with its topology, scenario and verdict', () => {
    const runs = element(renderComparison(models, assets), 'section', 'runs');
    const rows = runs.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!;
    expect(rows.map((row) => textOf(row).split(' ').slice(0, 4))).toEqual([
      ['2026-11-23T07-40-12Z-1f3a', 'valid', 'fifo-fanout', 'fast'],
      ['2026-11-23T08-02-55Z-9c0d', 'invalid', 'fifo-fanout', 'fast'],
      ['2026-11-23T08-31-07Z-44b2', 'unknown', 'standard-fanout', 'fast'],
    ]);
    expect(rows[2]).toContain('throttling');
    expect(rows[1]).toContain('class="badge verdict-invalid"');
  });

  it('when runs are compared, the invariants are a matrix with a column per run: verdict and violations', () => {
    const matrix = element(renderComparison(models, assets), 'section', 'invariants');
    expect(matrix.match(/<th class="run num">/g)).toHaveLength(3);
    const rows = matrix.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!;
    expect(rows).toHaveLength(9);
    for (const row of rows) expect(row.match(/<td/g)).toHaveLength(3);
    expect(textOf(rows[0]!)).toBe('verdict valid invalid unknown');
    expect(textOf(rows[5]!)).toBe('5 exactly-once-effects valid invalid 7 valid');
  });

  it('when the runs come with what each should give (booksim compare), the page opens with the answer in one table: expected, found, whether they match, what broke', () => {
    const answer = element(renderComparison([validRun, invalidRun, faultedRun], assets, { expected: ['valid', 'invalid', 'invalid'] }), 'section', 'answer');
    const rows = answer.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!.map(textOf);
    expect(rows.map((row) => row.split(' ').slice(0, 5))).toEqual([
      ['fifo-fanout', 'valid', 'valid', '✓', 'as'],
      ['fifo-fanout', 'invalid', 'invalid', '✓', 'as'],
      ['standard-fanout', 'invalid', 'unknown', '✗', 'not'],
    ]);
    expect(rows[1]).toContain('exactly-once-effects invalid');
    // The cost column: a run made before cost has a dash; the heading names the one price table the runs share.
    expect(textOf(answer)).toContain('AWS calls per booking cost per booking fifo-fanout');
    const withCost = element(renderComparison([{ ...validRun, cost }, invalidRun], assets, { expected: ['valid', 'invalid'] }), 'section', 'answer');
    expect(withCost).toContain('cost per booking (aws-us-east-1, 2026-12-07)');
    expect(withCost.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!.map((row) => textOf(row).split(' ').at(-1))).toEqual(['$0.0000500', '–']);
    expect(renderComparison(models, assets)).not.toContain('id="answer"');
  });

  it('when one run was never verified, its column says so and its invariants are dashes', () => {
    const matrix = element(renderComparison([validRun, unverifiedRun], assets), 'section', 'invariants');
    const rows = matrix.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!.map(textOf);
    expect(rows[0]).toBe('verdict valid not verified');
    expect(rows[1]).toBe('1 no-double-booking valid –');
  });

  it('when runs are compared, their distributions are overlaid: a line per run on the API and the decision chart', () => {
    const { charts, overlay } = chartData(renderComparison(models, assets));
    expect(charts.map((chart) => chart.id)).toEqual(['chart-compare-api', 'chart-compare-decision']);
    for (const chart of charts) {
      expect(chart.series.map((s) => s.label)).toEqual(['2026-11-23T07-40-12Z-1f3a (fifo-fanout)', '2026-11-23T08-02-55Z-9c0d (fifo-fanout)', '2026-11-23T08-31-07Z-44b2 (standard-fanout)']);
      for (const line of chart.series) expect(line.values).toHaveLength(chart.x.length);
    }
    expect(overlay.periods).toEqual([]);
  });

  it('when runs are compared, percentiles, throughput and AWS calls per booking are side by side', () => {
    const page = renderComparison(models, assets);
    const percentiles = textOf(element(page, 'section', 'latency'));
    expect(percentiles).toContain('API latency count 30,000 29,962 13,377 p50 6.7');
    expect(percentiles).toContain('time to decision count 30,000 29,962 13,319');
    const throughput = textOf(element(page, 'section', 'throughput'));
    expect(throughput).toContain('achieved rps 494.6 471.3 281.9');
    expect(throughput).toContain('per booking 5.0 5.9 7.4');
    expect(throughput).toContain('per rejected booking 4.9 5.1 6.8');
    expect(throughput).toContain('cost per booking – – –');
  });

  it('when a run id holds markup, it is text on the page and JSON that parses back unchanged', () => {
    const evil = { ...invalidRun, run: { ...invalidRun.run, runId: 'x</script><script>alert(1)</script>' } };
    const page = renderComparison([validRun, evil], assets);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('x&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(chartData(page).charts[0]!.series[1]!.label).toBe('x</script><script>alert(1)</script> (fifo-fanout)');
  });
});

describe("the report's AWS quotas", () => {
  const throughput = (model: ReportModel) => element(renderReport(model, assets), 'section', 'throughput');

  it('when the run hit a quota, the throughput section has a row for it: the resource, the limit linked to AWS, the booking rate that hit it, the throttles and the lift', () => {
    const section = throughput({ ...validRun, quotas: { region: 'us-east-1', hits: [paymentQueueHit] } });
    expect(textOf(section)).toContain(
      'AWS quotas hit (us-east-1 figures) resource quota first hit throttled lift booksim-payment.fifo SendMessage 300 transactions/s per queue and API action hit at 310 bookings/s 412 deploy --high-throughput',
    );
    expect(section).toContain(`<a href="${paymentQueueHit.source}">`);
  });

  it('when the endpoint enforced quotas and none was hit, it says so; without quotas it says nothing of them', () => {
    expect(textOf(throughput({ ...validRun, quotas: { region: 'eu-west-1', hits: [] } }))).toContain('AWS quotas: no quota hit (eu-west-1 figures).');
    expect(textOf(throughput(validRun))).not.toContain('quota');
  });
});
