import type { Percentiles } from '../../model/run.js';
import type { LatencyDistribution, ReportModel } from './model.js';
import { formatCount, formatMs } from './render-format.js';
import { html, type Html } from './render-html.js';

/** The statistics of a latency table, in order, with their headings. */
export const percentileColumns: ReadonlyArray<[keyof Omit<Percentiles, 'count'>, string]> = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
  ['max', 'max'],
];

/** A cell of a percentile: a dash when nothing was recorded. */
export const percentileCell = (summary: Percentiles, key: keyof Omit<Percentiles, 'count'>) => formatMs(summary.count === 0 ? undefined : summary[key]);

/** 'all' is the metric itself; a tier is a sub-row of it. */
const rowName = (metric: string, distribution: LatencyDistribution) => (distribution.label === 'all' ? metric : distribution.label);

function rows(metric: string, distributions: LatencyDistribution[]): Html[] {
  return distributions.map(
    (d) => html`<tr class="${d.label === 'all' ? 'metric' : 'tier'}"><th scope="row">${rowName(metric, d)}</th><td class="num">${formatCount(d.count)}</td>${percentileColumns.map(([key]) => html`<td class="num">${percentileCell(d.summary, key)}</td>`)}</tr>\n`,
  );
}

/** API latency and time to decision, with a row per tier: count, p50, p90, p99, p99.9, max in ms. */
export function percentileTable(latency: ReportModel['latency']): Html {
  if (latency.api.length === 0 && latency.decision.length === 0) return html`<p class="muted">No latency was recorded.</p>`;
  return html`<table class="percentiles">
<thead><tr><th>latency (ms)</th><th class="num">count</th>${percentileColumns.map(([, title]) => html`<th class="num">${title}</th>`)}</tr></thead>
<tbody>
${rows('API', latency.api)}${rows('time to decision', latency.decision)}</tbody>
</table>`;
}
