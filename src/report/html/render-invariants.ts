import type { Counterexample, InvariantResult, ThresholdResult, TimelineEvent } from '../../model/verdict.js';
import { formatClock, formatCount, formatOffset } from './render-format.js';
import { thresholdName, thresholdValue } from '../verify-text.js';
import { html, type Html } from './render-html.js';
import { verdictBadge } from './render-verdict.js';

/** Timed events in order, then the state read at the end (no time), as verify's terminal report lists them. */
const inTimeOrder = (events: TimelineEvent[]) => [...events].sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));

/** A counterexample's events: time since the load started and clock time (UTC), the booking, what happened. */
function timeline(events: TimelineEvent[], loadStartedAt: number): Html {
  const rows = inTimeOrder(events).map((event) => {
    const when = event.at === undefined ? html`<td class="num muted" colspan="2">at the end</td>` : html`<td class="num">${formatOffset(event.at - loadStartedAt)}</td><td class="num">${formatClock(event.at)}</td>`;
    return html`<tr>${when}<td><code>${event.bookingId ?? ''}</code></td><td>${event.what}</td></tr>\n`;
  });
  return html`<table class="timeline">
<thead><tr><th class="num">since load start</th><th class="num">clock (UTC)</th><th>booking</th><th>what happened</th></tr></thead>
<tbody>
${rows}</tbody>
</table>`;
}

/** Collapsed to its message; opening it (no JavaScript needed) shows the time line. */
function counterexample(example: Counterexample, loadStartedAt: number): Html {
  const about = [...(example.seatId ? [`seat ${example.seatId}`] : []), ...(example.bookingIds.length > 0 ? [example.bookingIds.join(', ')] : [])].join(' · ');
  return html`<details class="counterexample">
<summary><span class="message">${example.message}</span>${about ? html` <span class="muted">(${about})</span>` : ''}</summary>
${example.events.length > 0 ? timeline(example.events, loadStartedAt) : html`<p class="muted">no events recorded</p>`}
</details>\n`;
}

/** The counterexamples kept for an invariant, and how many violations were not kept. */
function counterexamples(result: InvariantResult, loadStartedAt: number): Html {
  const unkept = result.violations - result.counterexamples.length;
  return html`<tr class="counterexamples"><td></td><td colspan="5">
${result.counterexamples.length === 0 ? html`<p class="muted">no counterexample recorded</p>` : result.counterexamples.map((example) => counterexample(example, loadStartedAt))}
${unkept > 0 ? html`<p class="muted">… and ${formatCount(unkept)} more ${unkept === 1 ? 'violation' : 'violations'}, counted but not kept</p>` : ''}
</td></tr>\n`;
}

function invariantRow(result: InvariantResult, loadStartedAt: number): Html {
  return html`<tr class="invariant verdict-row-${result.verdict}" id="invariant-${result.id}">
<td class="num">${result.id}</td>
<td><code>${result.key}</code><br><span class="muted">${result.title}</span></td>
<td>${verdictBadge(result.verdict)}</td>
<td class="num">${formatCount(result.checked)} ${result.checkedWhat}</td>
<td class="num${result.violations > 0 ? ' bad' : ''}">${formatCount(result.violations)}</td>
<td>${result.note ?? ''}</td>
</tr>
${result.verdict === 'invalid' ? counterexamples(result, loadStartedAt) : ''}`;
}

/**
 * The invariants (docs/design.md, Invariants), one row each, with every violated invariant's
 * counterexamples right under it. `loadStartedAt` (epoch ms) is what event times are
 * shown relative to.
 */
export function invariantsTable(invariants: InvariantResult[], loadStartedAt: number): Html {
  if (invariants.length === 0) return html`<p class="muted">No invariant was checked: run <code>booksim verify</code> on this run.</p>`;
  return html`<table class="invariants">
<thead><tr><th class="num">#</th><th>invariant</th><th>verdict</th><th class="num">checked</th><th class="num">violations</th><th>note</th></tr></thead>
<tbody>
${invariants.map((result) => invariantRow(result, loadStartedAt))}</tbody>
</table>`;
}

/** The k6-style thresholds given to verify, with what was measured. */
export function thresholdsTable(thresholds: ThresholdResult[]): Html {
  if (thresholds.length === 0) return html`<p class="muted">No threshold was given.</p>`;
  return html`<table class="thresholds">
<thead><tr><th>threshold</th><th class="num">measured</th><th>verdict</th><th>note</th></tr></thead>
<tbody>
${thresholds.map((t) => html`<tr><td><code>${thresholdName(t)}</code></td><td class="num">${t.measured === undefined ? '–' : thresholdValue(t.measured, t)}</td><td>${verdictBadge(t.verdict)}</td><td>${t.note ?? ''}</td></tr>\n`)}</tbody>
</table>`;
}
