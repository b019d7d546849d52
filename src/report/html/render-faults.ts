import type { ReportFaults } from './model.js';
import { faultSwatch } from './render-charts.js';
import { formatCount, formatOffset } from './render-format.js';
import { html, type Html } from './render-html.js';
import { percentileCell, percentileColumns } from './render-latency.js';

/** A row per fault, whether it was active over a period, injected, or both. */
function faultTable(faults: ReportFaults, colours: Record<string, string>): Html {
  const names = Object.keys(colours);
  if (names.length === 0) return html`<p class="muted">No fault was injected.</p>`;
  const rows = names.map((fault) => {
    const periods = faults.periods.filter((period) => period.fault === fault);
    const injected = faults.table.find((row) => row.fault === fault);
    return html`<tr>
<th scope="row">${faultSwatch(colours[fault]!, periods.length > 0 ? 'period' : 'marker')}<code>${fault}</code></th>
<td>${periods.length === 0 ? '' : periods.map((p) => `${formatOffset(p.fromMs)} → ${formatOffset(p.toMs)}`).join(', ')}</td>
<td class="num">${formatCount(injected?.count ?? 0)}</td>
<td class="num">${injected ? formatOffset(injected.firstMs) : ''}</td>
<td class="num">${injected ? formatOffset(injected.lastMs) : ''}</td>
<td>${injected?.example ?? ''}</td>
</tr>\n`;
  });
  return html`<table class="faults">
<thead><tr><th>fault</th><th>active (since load start)</th><th class="num">injections</th><th class="num">first</th><th class="num">last</th><th>example</th></tr></thead>
<tbody>
${rows}</tbody>
</table>`;
}

/** Kill → timeout: how long the system took to notice a dead worker, and whether heartbeats or only the task's timeout did. */
function detection(detectionMs: NonNullable<ReportFaults['detectionMs']>, by: ReportFaults['detectedBy']): Html {
  const byColumns = by ? html`<th class="num">by heartbeat</th><th class="num">only by task timeout</th>` : '';
  const byCells = by ? html`<td class="num">${formatCount(by.heartbeatTimeout)}</td><td class="num${by.taskTimeout > 0 ? ' bad' : ''}">${formatCount(by.taskTimeout)}</td>` : '';
  return html`<table class="percentiles">
<caption>crash detection (kill → timeout, ms)</caption>
<thead><tr><th class="num">count</th>${byColumns}${percentileColumns.map(([, title]) => html`<th class="num">${title}</th>`)}</tr></thead>
<tbody><tr><td class="num">${formatCount(detectionMs.count)}</td>${byCells}${percentileColumns.map(([key]) => html`<td class="num">${percentileCell(detectionMs, key)}</td>`)}</tr></tbody>
</table>`;
}

function reconciler(figures: NonNullable<ReportFaults['reconciler']>): Html {
  return html`<table class="figures">
<caption>reconciler</caption>
<tbody>
<tr><th scope="row">sagas restarted</th><td class="num">${formatCount(figures.restarted)}</td></tr>
<tr><th scope="row">refunds finished</th><td class="num">${formatCount(figures.refunded)}</td></tr>
<tr><th scope="row">gave up</th><td class="num${figures.gaveUp > 0 ? ' bad' : ''}">${formatCount(figures.gaveUp)}</td></tr>
</tbody>
</table>`;
}

/** What was injected and when, in the colours the charts use; crash detection and the reconciler's recoveries when the run had them. */
export function faultsSection(faults: ReportFaults, colours: Record<string, string>): Html {
  return html`${faultTable(faults, colours)}
<div class="cards">
${faults.detectionMs ? detection(faults.detectionMs, faults.detectedBy) : ''}
${faults.reconciler ? reconciler(faults.reconciler) : ''}
</div>`;
}
