import type { ReportModel } from './model.js';
import { formatCents, formatCount, formatDecimal } from './render-format.js';
import { html, type Html, type HtmlPart } from './render-html.js';
import { costTable } from './render-cost.js';

/** A small table of named figures, numbers right-aligned; `bad` rows are red when not zero. */
function figures(caption: string, rows: Array<{ name: string; value: HtmlPart; bad?: boolean }>): Html {
  return html`<table class="figures">
<caption>${caption}</caption>
<tbody>
${rows.map((row) => html`<tr><th scope="row">${row.name}</th><td class="num${row.bad ? ' bad' : ''}">${row.value}</td></tr>\n`)}</tbody>
</table>`;
}

/** Calls per accepted booking, as the storm summary counts them; a dash with no booking. */
export const callsPerBooking = (calls: number, model: ReportModel) => formatDecimal(model.bookings.accepted === 0 ? null : calls / model.bookings.accepted);

function awsCalls(model: ReportModel): Html {
  const { awsCalls } = model;
  const services = Object.entries(awsCalls.byService).sort(([a], [b]) => a.localeCompare(b));
  return html`<table class="figures">
<caption>AWS calls</caption>
<thead><tr><th></th><th class="num">calls</th><th class="num">per booking</th></tr></thead>
<tbody>
<tr class="metric"><th scope="row">total</th><td class="num">${formatCount(awsCalls.total)}</td><td class="num">${callsPerBooking(awsCalls.total, model)}</td></tr>
${services.map(([service, calls]) => html`<tr class="tier"><th scope="row">${service}</th><td class="num">${formatCount(calls)}</td><td class="num">${callsPerBooking(calls, model)}</td></tr>\n`)}<tr><th scope="row">per confirmed booking</th><td></td><td class="num">${formatDecimal(awsCalls.perConfirmed)}</td></tr>
<tr><th scope="row">per rejected booking</th><td></td><td class="num">${formatDecimal(awsCalls.perRejected)}</td></tr>
</tbody>
</table>`;
}

/** How the bookings and their sagas ended, where the money went, and what it cost in AWS calls and in money at the run's price table. */
export function outcomes(model: ReportModel): Html {
  const { bookings, sagas, money } = model;
  return html`<div class="cards">
${figures('bookings', [
  { name: 'accepted', value: formatCount(bookings.accepted) },
  { name: 'confirmed', value: formatCount(bookings.confirmed) },
  { name: 'rejected', value: formatCount(bookings.rejected) },
  { name: 'payment failed', value: formatCount(bookings.paymentFailed) },
  { name: 'escalated', value: formatCount(bookings.escalated), bad: bookings.escalated > 0 },
  { name: 'undecided', value: formatCount(bookings.undecided), bad: bookings.undecided > 0 },
])}
${figures('saga outcomes', [
  { name: 'confirmed', value: formatCount(sagas.confirmed) },
  { name: 'declined', value: formatCount(sagas.declined) },
  { name: 'compensated (refunded)', value: formatCount(sagas.compensated) },
  { name: 'escalated', value: formatCount(sagas.escalated), bad: sagas.escalated > 0 },
])}
${figures('money (gateway ledger)', [
  { name: 'charged', value: formatCents(money.charged) },
  { name: 'refunded', value: formatCents(money.refunded) },
  { name: 'net', value: formatCents(money.net) },
  { name: 'at risk', value: formatCents(money.atRisk), bad: money.atRisk !== 0 },
])}
${awsCalls(model)}
${costTable(model.cost)}
</div>`;
}
