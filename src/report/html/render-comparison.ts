import type { Percentiles } from '../../model/run.js';
import type { Verdict } from '../../model/verdict.js';
import type { ReportModel } from './model.js';
import { formatCount, formatDecimal, formatSeconds, formatShare } from './render-format.js';
import { html, type Html, type HtmlPart } from './render-html.js';
import { percentileCell, percentileColumns } from './render-latency.js';
import { callsPerBooking } from './render-outcomes.js';
import { costCell } from './render-cost.js';
import { specList } from './render-run.js';
import { runVerdict, verdictBadge } from './render-verdict.js';

/** The 'all' row of a metric, or nothing when the run did not record it. */
const allSummary = (distributions: ReportModel['latency']['api']) => distributions.find((d) => d.label === 'all')?.summary;

/** A row of a side-by-side table: what it shows, then a cell per run. */
interface RunRow {
  name: string;
  cells: HtmlPart[];
  /** A group heading rather than figures. */
  heading?: boolean;
}

/** Metrics down, runs across: a column per run, headed by its id and topology. */
function sideBySide(className: string, corner: string, models: ReportModel[], rows: RunRow[]): Html {
  return html`<table class="${className} side-by-side">
<thead><tr><th>${corner}</th>${models.map((model) => html`<th class="run num"><code>${model.run.runId}</code><br><span class="muted">${model.run.topology}</span></th>`)}</tr></thead>
<tbody>
${rows.map((row) =>
  row.heading
    ? html`<tr class="group"><th colspan="${models.length + 1}">${row.name}</th></tr>\n`
    : html`<tr><th scope="row">${row.name}</th>${row.cells.map((cell) => html`<td class="num">${cell}</td>`)}</tr>\n`,
)}</tbody>
</table>`;
}

/** The runs compared: what each was, and its verdict (the load is in {@link throughputComparison}). */
export function runsTable(models: ReportModel[]): Html {
  const row = (model: ReportModel) => {
    const { run } = model;
    return html`<tr><td><code>${run.runId}</code></td><td>${verdictBadge(runVerdict(model))}</td><td>${run.topology}</td><td>${run.profile}</td><td>${run.scenario ?? ''}</td>
<td>${specList(run.faults)}</td><td>${specList(run.sabotage)}</td></tr>\n`;
  };
  return html`<table class="runs">
<thead><tr><th>run</th><th>verdict</th><th>topology</th><th>profile</th><th>scenario</th><th>faults</th><th>sabotage</th></tr></thead>
<tbody>
${models.map(row)}</tbody>
</table>`;
}

/**
 * The design question's answer in one table, when the runs were compared against what each
 * topology should give (`booksim compare`): a row per run — topology, verdict expected and
 * found, whether they match, what broke, API and decision p99, AWS calls and cost per
 * booking (at the price table the heading names, when the runs share one).
 */
export function answerTable(models: ReportModel[], expected: Verdict[]): Html {
  const p99 = (distributions: ReportModel['latency']['api']) => {
    const summary = allSummary(distributions);
    return summary ? percentileCell(summary, 'p99') : '–';
  };
  const row = (model: ReportModel, i: number) => {
    const found = runVerdict(model);
    const matches = found === expected[i];
    const broken = model.invariants.filter((r) => r.verdict !== 'valid').map((r) => `${r.key} ${r.verdict}`);
    return html`<tr><td>${model.run.topology}</td><td>${verdictBadge(expected[i]!)}</td><td>${verdictBadge(found)}</td>
<td class="${matches ? 'good' : 'bad'}">${matches ? '✓ as expected' : '✗ not as expected'}</td><td>${broken.join(', ') || '–'}</td>
<td class="num">${p99(model.latency.api)}</td><td class="num">${p99(model.latency.decision)}</td><td class="num">${callsPerBooking(model.awsCalls.total, model)}</td>
<td class="num">${costCell(model.cost, (cost) => cost.perBooking)}</td></tr>\n`;
  };
  return html`<table class="answer">
<thead><tr><th>topology</th><th>expected</th><th>verdict</th><th>as expected</th><th>invariants not valid</th><th class="num">API p99 (ms)</th><th class="num">decision p99 (ms)</th><th class="num">AWS calls per booking</th><th class="num">cost per booking${pricingNote(models)}</th></tr></thead>
<tbody>
${models.map(row)}</tbody>
</table>`;
}

/** Invariants down, runs across: each run's verdict and violations; a dash where a run did not check the invariant. */
export function invariantMatrix(models: ReportModel[]): Html {
  const invariants = [...new Map(models.flatMap((model) => model.invariants).map((r) => [r.id, r] as const)).values()].sort((a, b) => a.id - b.id);
  const rows: RunRow[] = [
    { name: 'verdict', cells: models.map((model) => verdictBadge(runVerdict(model))) },
    ...invariants.map((invariant) => ({
      name: `${invariant.id} ${invariant.key}`,
      cells: models.map((model) => {
        const result = model.invariants.find((r) => r.id === invariant.id);
        if (result === undefined) return '–';
        return html`${verdictBadge(result.verdict)}${result.violations > 0 ? html` <span class="bad">${formatCount(result.violations)}</span>` : ''}`;
      }),
    })),
  ];
  return sideBySide('invariant-matrix', 'invariant', models, rows);
}

function percentileRows(name: string, summaries: Array<Percentiles | undefined>): RunRow[] {
  return [
    { name, cells: [], heading: true },
    { name: 'count', cells: summaries.map((s) => (s ? formatCount(s.count) : '–')) },
    ...percentileColumns.map(([key, title]) => ({ name: title, cells: summaries.map((s) => (s ? percentileCell(s, key) : '–')) })),
  ];
}

/** API latency and time to decision of all requests, a column per run, in ms. */
export function percentileComparison(models: ReportModel[]): Html {
  return sideBySide('percentiles', 'latency (ms)', models, [
    ...percentileRows('API latency', models.map((model) => allSummary(model.latency.api))),
    ...percentileRows('time to decision', models.map((model) => allSummary(model.latency.decision))),
  ]);
}

/** The load each run achieved, what the bookings came to, and what they cost in AWS calls and in money (a dash for a run made before cost). */
export function throughputComparison(models: ReportModel[]): Html {
  const row = (name: string, cell: (model: ReportModel) => HtmlPart): RunRow => ({ name, cells: models.map(cell) });
  return sideBySide('throughput', 'load', models, [
    row('seats', (m) => formatCount(m.run.seats)),
    row('target rps', (m) => formatCount(m.run.rps.target)),
    row('achieved rps', (m) => formatDecimal(m.run.rps.achieved)),
    row('of target', (m) => formatShare(m.run.rps.achieved, m.run.rps.target)),
    row('duration', (m) => formatSeconds(m.run.durationMs)),
    row('requests sent', (m) => formatCount(m.run.requests.sent)),
    row('errors and non-2xx', (m) => formatCount(m.run.requests.errors + m.run.requests.non2xx)),
    row('bookings accepted', (m) => formatCount(m.bookings.accepted)),
    row('confirmed', (m) => formatCount(m.bookings.confirmed)),
    row('escalated', (m) => formatCount(m.bookings.escalated)),
    { name: 'AWS calls', cells: [], heading: true },
    row('total', (m) => formatCount(m.awsCalls.total)),
    row('per booking', (m) => callsPerBooking(m.awsCalls.total, m)),
    row('per confirmed booking', (m) => formatDecimal(m.awsCalls.perConfirmed)),
    row('per rejected booking', (m) => formatDecimal(m.awsCalls.perRejected)),
    { name: 'cost', cells: [], heading: true },
    row('per booking', (m) => costCell(m.cost, (cost) => cost.perBooking)),
    row('per confirmed booking', (m) => costCell(m.cost, (cost) => cost.perConfirmed)),
    row('per rejected booking', (m) => costCell(m.cost, (cost) => cost.perRejected)),
    row('per 1,000,000 bookings', (m) => costCell(m.cost, (cost) => (cost.perBooking === null ? null : cost.perBooking * 1_000_000))),
    row('price table', (m) => (m.cost ? `${m.cost.pricing.name} (${m.cost.pricing.readOn})` : '–')),
  ]);
}

/** The price table of the runs' costs, for a column heading, when they all used the same one: " (aws-us-east-1, 2026-12-07)"; nothing otherwise (each run's is in its own report). */
function pricingNote(models: ReportModel[]): string {
  const tables = new Set(models.flatMap((model) => (model.cost ? [`${model.cost.pricing.name}, ${model.cost.pricing.readOn}`] : [])));
  return tables.size === 1 ? ` (${[...tables][0]})` : '';
}
