import type { ThresholdResult, Verdict } from '../../model/verdict.js';
import type { ReportModel } from './model.js';
import { html, type Html } from './render-html.js';

/** A run's verdict, or `unverified` when `booksim verify` never looked at it. */
export type RunVerdict = Verdict | 'unverified';

/** What verdicts are called on the page; the CSS class is `verdict-<verdict>`, coloured green, red, amber or grey. */
const words: Record<RunVerdict | ThresholdResult['verdict'], string> = {
  valid: 'valid',
  invalid: 'invalid',
  unknown: 'unknown',
  unverified: 'not verified',
  passed: 'passed',
  breached: 'breached',
};

export const runVerdict = (model: ReportModel): RunVerdict => model.verdict ?? 'unverified';

/** A small coloured label for a table cell. */
export const verdictBadge = (verdict: RunVerdict | ThresholdResult['verdict']): Html => html`<span class="badge verdict-${verdict}">${words[verdict]}</span>`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line under the verdict: what decided it, as `booksim verify` ends its report. */
function verdictReason(model: ReportModel): string {
  if (model.verdict === undefined) return 'booksim verify has not checked this run: run it, then booksim report again, to see the invariants.';
  const count = (verdict: Verdict) => model.invariants.filter((r) => r.verdict === verdict).length;
  const breached = model.thresholds.filter((t) => t.verdict === 'breached').length;
  const unknownThresholds = model.thresholds.filter((t) => t.verdict === 'unknown').length;
  const total = model.invariants.length;
  const parts = [
    ...(count('invalid') > 0 ? [`${count('invalid')} of ${total} invariants violated`] : []),
    ...(breached > 0 ? [`${plural(breached, 'threshold')} breached`] : []),
    ...(count('unknown') > 0 ? [`${plural(count('unknown'), 'invariant')} could not be decided`] : []),
    ...(unknownThresholds > 0 ? [`${plural(unknownThresholds, 'threshold')} could not be decided`] : []),
  ];
  if (model.verdict !== 'valid') return parts.join(', ') || 'nothing was checked';
  const thresholds = model.thresholds.length > 0 ? `, ${model.thresholds.length === 1 ? 'the threshold passed' : `all ${model.thresholds.length} thresholds passed`}` : '';
  return `${total === 1 ? 'the invariant holds' : `all ${total} invariants hold`}${thresholds}`;
}

/** The verdict, big and coloured, with the reason for it. */
export function verdictBanner(model: ReportModel): Html {
  const verdict = runVerdict(model);
  return html`<section id="verdict" class="banner verdict-${verdict}" aria-label="verdict">
<p class="verdict-word">${words[verdict]}</p>
<p class="verdict-reason">${verdictReason(model)}</p>
</section>`;
}
