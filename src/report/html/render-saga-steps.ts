import type { Percentiles, SagaPath, SagaPathSegment, SagaSummary } from '../../model/run.js';
import { formatCount, formatDecimal, formatDuration, formatMs, formatSeconds } from './render-format.js';
import { html, type Html } from './render-html.js';

/**
 * The report's "saga steps" section (pure): where the saga's time went, from the
 * executions' histories. A time line of the median and the p99 booking's path, state by
 * state, in waiting for a worker, working and backing off between retries; then a table
 * per state, the slowest marked. Plain inline SVG: it needs no script and no chart library.
 */

const phaseColours: Record<SagaPathSegment['phase'], string> = { wait: '#f59e0b', work: '#2563eb', backoff: '#9ca3af' };
const phaseWords: Record<SagaPathSegment['phase'], string> = { wait: 'waiting for a worker', work: 'work', backoff: 'backoff before a retry' };

const width = 960;
const labelWidth = 180;
const rowHeight = 20;
const axisHeight = 22;

/** Round steps for the time axis: the first that gives at most 8 ticks. */
const tickSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

/** The section's body: a line saying why there is nothing when the run has no saga figures. */
export function sagaStepsSection(saga: SagaSummary | undefined): Html {
  if (!saga) return html`<p class="muted">This run has no saga step timings: it was made before booksim read the executions' histories.</p>`;
  if (saga.executions === 0 || saga.steps.length === 0) return html`<p class="muted">No saga execution of this run was found.</p>`;
  return html`${overview(saga)}
${saga.paths ? timelines(saga.paths, saga.steps.map((step) => step.state)) : ''}
${stepsTable(saga)}`;
}

function overview(saga: SagaSummary): Html {
  const slowest = saga.steps.find((step) => step.state === saga.slowest);
  const statuses = Object.entries(saga.byStatus)
    .map(([status, count]) => `${formatCount(count)} ${status}`)
    .join(', ');
  return html`<p>${formatCount(saga.executions)} executions (${statuses}), ${formatCount(saga.stateTransitions)} state transitions (${formatDecimal(saga.stateTransitions / saga.executions)} per execution, as Step Functions Standard bills them), ${formatCount(saga.compensated)} entered a compensating step.${
    slowest
      ? html` Slowest step: <strong class="slowest-step">${slowest.state}</strong>, p99 ${formatDuration(slowest.total.p99)} in state (per attempt p99: wait ${formatDuration(slowest.wait.p99)}, work ${formatDuration(slowest.work.p99)}).`
      : ''
  }</p>`;
}

/** Both paths on one time scale (the longer one's), so that they compare at a glance. */
function timelines(paths: NonNullable<SagaSummary['paths']>, order: string[]): Html {
  const scaleMs = Math.max(paths.p50.durationMs, paths.p99.durationMs, 1);
  return html`<div class="saga-timelines">
${timeline('median booking', paths.p50, order, scaleMs)}
${timeline('p99 booking', paths.p99, order, scaleMs)}
${legend()}
</div>`;
}

function timeline(title: string, path: SagaPath, order: string[], scaleMs: number): Html {
  const states = [...new Set(path.segments.map((segment) => segment.state))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const plotWidth = width - labelWidth - 10;
  const x = (ms: number) => labelWidth + (Math.max(0, ms) / scaleMs) * plotWidth;
  const height = states.length * rowHeight + axisHeight;
  const step = tickSteps.find((candidate) => scaleMs / candidate <= 8) ?? tickSteps.at(-1)!;
  const ticks = Array.from({ length: Math.floor(scaleMs / step) + 1 }, (_, i) => i * step);
  const rows = states.map((state, row) => {
    const y = row * rowHeight;
    const bars = path.segments
      .filter((segment) => segment.state === state)
      .map(
        (segment) =>
          html`<rect x="${x(segment.startMs).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(segment.endMs) - x(segment.startMs)).toFixed(1)}" height="${rowHeight - 6}" fill="${phaseColours[segment.phase]}" data-phase="${segment.phase}"><title>${state} ${phaseWords[segment.phase]}: ${formatMs(segment.endMs - segment.startMs)} ms (from +${formatMs(segment.startMs)} ms)</title></rect>`,
      );
    return html`<text x="${labelWidth - 8}" y="${y + rowHeight - 6}" text-anchor="end">${state}</text>${bars}\n`;
  });
  const axis = ticks.map(
    (ms) => html`<line x1="${x(ms).toFixed(1)}" x2="${x(ms).toFixed(1)}" y1="0" y2="${height - axisHeight + 4}" stroke="#e5e7eb"></line><text x="${x(ms).toFixed(1)}" y="${height - 6}" text-anchor="middle" fill="#6b7280">${tickLabel(ms, step)}</text>`,
  );
  return html`<figure class="saga-path" data-path="${title}">
<figcaption>${title}: <code>${path.bookingId}</code>, ${formatSeconds(path.durationMs)} start to end</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${title}'s path through the saga" font-size="12" font-family="system-ui, sans-serif">
${axis}
${rows}</svg>
</figure>`;
}

const tickLabel = (ms: number, step: number) => (step >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

function legend(): Html {
  const swatch = (phase: SagaPathSegment['phase']) =>
    html`<li><svg width="14" height="10" aria-hidden="true"><rect width="14" height="10" fill="${phaseColours[phase]}"></rect></svg> ${phaseWords[phase]}</li>`;
  return html`<ul class="overlay-legend saga-legend">${swatch('wait')}${swatch('work')}${swatch('backoff')}</ul>`;
}

const stats: ReadonlyArray<[keyof Percentiles, string]> = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['max', 'max'],
];
const cells = (p: Percentiles) => stats.map(([key]) => html`<td class="num">${formatMs(p.count === 0 ? undefined : p[key])}</td>`);

/** Per state: entries, failed entries, retries, wait and work per attempt (ms), time in state p99, and failed attempts by error; the slowest state marked. */
function stepsTable(saga: SagaSummary): Html {
  const rows = saga.steps.map((step) => {
    const slowest = step.state === saga.slowest;
    const failures = Object.entries(step.failures)
      .map(([error, count]) => `${error} ${formatCount(count)}`)
      .join(', ');
    return html`<tr${slowest ? html` class="slowest"` : ''}><th scope="row">${slowest ? html`<strong>${step.state}</strong> <span class="badge">slowest</span>` : step.state}</th>
<td class="num">${formatCount(step.entered)}</td><td class="num${step.failed > 0 ? ' bad' : ''}">${formatCount(step.failed)}</td><td class="num">${formatCount(step.retries)}</td>
${cells(step.wait)}${cells(step.work)}<td class="num">${formatMs(step.total.count === 0 ? undefined : step.total.p99)}</td><td>${failures || '–'}</td></tr>\n`;
  });
  const heads = stats.map(([, title]) => html`<th class="num">${title}</th>`);
  return html`<table class="percentiles saga-steps">
<thead><tr><th rowspan="2">state</th><th class="num" rowspan="2">entered</th><th class="num" rowspan="2">failed</th><th class="num" rowspan="2">retries</th><th colspan="4">wait per attempt (ms)</th><th colspan="4">work per attempt (ms)</th><th class="num" rowspan="2">in state p99 (ms)</th><th rowspan="2">failed attempts by error</th></tr>
<tr>${heads}${heads}</tr></thead>
<tbody>
${rows}</tbody>
</table>`;
}
