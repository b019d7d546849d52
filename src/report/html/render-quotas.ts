import type { StormSummary } from '../../model/run.js';
import { hitRateText, shortLimit } from '../storm-text.js';
import { formatCount } from './render-format.js';
import { html, type Html } from './render-html.js';

/**
 * Which of AWS's throughput quotas the run hit, as the terminal summary says it: a row per
 * quota and resource with its limit, the booking rate when it was first hit, how often it
 * throttled and how to lift it, linked to AWS's page; that none was hit when the endpoint
 * enforced them; nothing for a run without quotas.
 */
export function quotasTable(quotas: StormSummary['quotas']): Html | undefined {
  if (!quotas) return undefined;
  if (quotas.hits.length === 0) return html`<p class="good">AWS quotas: no quota hit (${quotas.region} figures).</p>`;
  return html`<table class="figures quotas">
<caption>AWS quotas hit (${quotas.region} figures)</caption>
<thead><tr><th>resource</th><th>quota</th><th>first hit</th><th class="num">throttled</th><th>lift</th></tr></thead>
<tbody>
${quotas.hits.map(
  (hit) => html`<tr><th scope="row"><code>${hit.resource}</code></th><td><a href="${hit.source}">${shortLimit(hit.limit)}</a></td><td class="bad">${hitRateText(hit)}</td><td class="num">${formatCount(hit.throttled)}</td><td>${hit.lift ?? html`<span class="muted">–</span>`}</td></tr>\n`,
)}</tbody>
</table>`;
}
