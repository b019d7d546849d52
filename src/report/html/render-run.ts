import type { ReportRun } from './model.js';
import { formatCount, formatDecimal, formatSeconds, formatShare } from './render-format.js';
import { html, type Html, type HtmlPart } from './render-html.js';

/** Fault specs, sabotage, as given, or "none"; a spec never breaks across lines, only between specs. */
export const specList = (items: string[]) => (items.length === 0 ? html`<span class="muted">none</span>` : html`<span class="specs">${items.map((item) => html`<code>${item}</code> `)}</span>`);

/** The run's parameters as a two-column table: what was run, against what, and how the load went. */
export function runParameters(run: ReportRun): Html {
  const rows: Array<[string, HtmlPart]> = [
    ['run', html`<code>${run.runId}</code>`],
    ['started', run.startedAt],
    ['endpoint', html`<code>${run.endpoint}</code>`],
    ['stack', run.stack],
    ['topology', run.topology],
    ['profile', run.profile],
    ['scenario', run.scenario ?? html`<span class="muted">none</span>`],
    ['faults', specList(run.faults)],
    ['sabotage', run.sabotage.length > 0 ? html`<span class="bad">${specList(run.sabotage)} (a safeguard switched off on purpose)</span>` : specList([])],
    ['seed', run.seed],
    ['event', run.event !== undefined ? html`<code>${run.event}</code>` : html`<span class="muted">none (a run made before events: seats S0001…)</span>`],
    ['seats', run.seatsSoldBefore ? html`${formatCount(run.seats)} <span class="bad">(${formatCount(run.seatsSoldBefore)} sold before this run)</span>` : formatCount(run.seats)],
    ['rate', `target ${formatCount(run.rps.target)} rps, achieved ${formatDecimal(run.rps.achieved)} rps (${formatShare(run.rps.achieved, run.rps.target)} of target)`],
    ['duration', formatSeconds(run.durationMs)],
    [
      'requests',
      html`${formatCount(run.requests.sent)} sent, ${formatCount(run.requests.completed)} completed,
<span class="${run.requests.errors > 0 ? 'bad' : ''}">${formatCount(run.requests.errors)} errors</span>,
<span class="${run.requests.non2xx > 0 ? 'bad' : ''}">${formatCount(run.requests.non2xx)} non-2xx</span>`,
    ],
    ['settle', run.settle.settled ? html`<span class="good">settled in ${formatSeconds(run.settle.waitedMs)}</span>` : html`<span class="bad">not settled after ${formatSeconds(run.settle.waitedMs)}</span>`],
    ['versions', Object.entries(run.versions).map(([name, version]) => html`<span class="version">${name} ${version}</span> `)],
  ];
  return html`<table class="parameters">
${rows.map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>\n`)}</table>`;
}
