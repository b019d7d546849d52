import type { CostSummary } from '../../model/run.js';
import { formatMoney } from '../cost-text.js';
import { html, type Html } from './render-html.js';

/** A cost in the report's money: its currency's, "–" for none (a run made before cost). */
export const costCell = (cost: CostSummary | undefined, value: (cost: CostSummary) => number | null) => (cost ? formatMoney(value(cost), cost.pricing.currency) : '–');

/**
 * What the run's AWS usage cost, next to its calls: in total and per accepted booking, by
 * service, per 1,000,000 bookings; per confirmed and per rejected booking (each with the
 * shared share); captioned with the price table and the date its prices were read. A run
 * made before cost shows a dash.
 */
export function costTable(cost: CostSummary | undefined): Html {
  if (!cost) {
    return html`<table class="figures">
<caption>cost</caption>
<tbody><tr><th scope="row">per booking</th><td class="num">–</td></tr></tbody>
</table>`;
  }
  const money = (value: number | null) => formatMoney(value, cost.pricing.currency);
  const services = Object.entries(cost.byService).sort(([a], [b]) => a.localeCompare(b));
  return html`<table class="figures">
<caption>cost at ${cost.pricing.name} (prices of ${cost.pricing.readOn})</caption>
<thead><tr><th></th><th class="num">per booking</th><th class="num">per 1,000,000</th></tr></thead>
<tbody>
<tr class="metric"><th scope="row">total (${money(cost.total)})</th><td class="num">${money(cost.perBooking)}</td><td class="num">${money(cost.perBooking === null ? null : cost.perBooking * 1_000_000)}</td></tr>
${services.map(([service]) => html`<tr class="tier"><th scope="row">${service}</th><td class="num">${money(cost.perMillion === null ? null : cost.perMillion[service]! / 1_000_000)}</td><td class="num">${money(cost.perMillion?.[service] ?? null)}</td></tr>\n`)}<tr><th scope="row">per confirmed booking</th><td class="num">${money(cost.perConfirmed)}</td><td></td></tr>
<tr><th scope="row">per rejected booking</th><td class="num">${money(cost.perRejected)}</td><td></td></tr>
</tbody>
</table>`;
}
