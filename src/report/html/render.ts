import type { ReportAssets } from './assets.js';
import { comparisonCharts, runCharts, runOverlay, type ChartOverlay } from './charts-data.js';
import type { ReportModel } from './model.js';
import { chartFigure, overlayLegend } from './render-charts.js';
import type { Verdict } from '../../model/verdict.js';
import type { SabotageMatrix } from '../../model/sabotage-matrix.js';
import { answerTable, invariantMatrix, percentileComparison, runsTable, throughputComparison } from './render-comparison.js';
import { faultsSection } from './render-faults.js';
import { html } from './render-html.js';
import { invariantsTable, thresholdsTable } from './render-invariants.js';
import { percentileTable } from './render-latency.js';
import { outcomes } from './render-outcomes.js';
import { page } from './render-page.js';
import { quotasTable } from './render-quotas.js';
import { runParameters } from './render-run.js';
import { sabotageMatrixSection } from './render-sabotage.js';
import { sagaStepsSection } from './render-saga-steps.js';
import { runVerdict, verdictBanner } from './render-verdict.js';

const noOverlay: ChartOverlay = { colours: {}, periods: [], markers: [], phases: [] };

/**
 * The HTML report of one run (pure): one self-contained document with the verdict and
 * the run's parameters on top, the invariants with their counterexamples, the thresholds,
 * latency, throughput, queues, the saga's steps, faults and outcomes. Every figure is in server-rendered
 * HTML; the charts (uPlot, from `assets`) are drawn over it by inline script, with the
 * run's faults shaded and marked on every time chart.
 */
export function renderReport(model: ReportModel, assets: ReportAssets): string {
  const { run } = model;
  const charts = runCharts(model);
  const overlay = runOverlay(model);
  const legend = overlayLegend(overlay);
  const loadStartedAt = Date.parse(run.startedAt);
  const body = html`<header>
<h1>booksim report <span class="muted">· run <code>${run.runId}</code></span></h1>
<p class="muted">${run.topology} · ${run.profile}${run.scenario ? ` · ${run.scenario}` : ''} · started ${run.startedAt}</p>
</header>
${verdictBanner(model)}
<nav><a href="#run">run</a><a href="#invariants">invariants</a><a href="#latency">latency</a><a href="#throughput">throughput and queues</a><a href="#saga-steps">saga steps</a><a href="#faults">faults</a><a href="#outcomes">outcomes</a></nav>
<section id="run"><h2>Run</h2>
${runParameters(run)}
</section>
<section id="invariants"><h2>Invariants</h2>
${invariantsTable(model.invariants, loadStartedAt)}
<h3>Thresholds</h3>
${thresholdsTable(model.thresholds)}
</section>
<section id="latency"><h2>Latency</h2>
${percentileTable(model.latency)}
<div class="charts">
${chartFigure(charts.apiDistribution, 'No API latency was recorded.')}
${chartFigure(charts.decisionDistribution, 'No time to decision was recorded.')}
${chartFigure(charts.apiOverTime, 'No request was logged: no API latency over time.', legend)}
${chartFigure(charts.decisionOverTime, 'No booking was decided: no time to decision over time.', legend)}
</div>
</section>
<section id="throughput"><h2>Throughput and queues</h2>
<div class="charts">
${chartFigure(charts.throughput, 'No request was logged: no throughput over time.', legend)}
${chartFigure(charts.system, 'The run has no samples of queues and sagas.', legend)}
</div>
${quotasTable(model.quotas)}
</section>
<section id="saga-steps"><h2>Saga steps</h2>
${sagaStepsSection(model.saga)}
</section>
<section id="faults"><h2>Faults</h2>
${faultsSection(model.faults, overlay.colours)}
</section>
<section id="outcomes"><h2>Outcomes</h2>
${outcomes(model)}
</section>`;
  const chartList = Object.values(charts);
  const title = `booksim ${runVerdict(model) === 'unverified' ? 'not verified' : runVerdict(model)}: ${run.runId}`;
  return page(title, body, { charts: chartList, overlay }, assets);
}

/**
 * What heads a comparison, when the runs were judged: the verdict each topology should
 * give (`booksim compare`), or the sabotage matrix (`booksim sabotage`).
 */
export type ComparisonHeading = { expected: Verdict[] } | { sabotage: SabotageMatrix };

/**
 * Several runs compared (pure): with a heading, first the design question's answer in
 * one table (`booksim compare`) or the sabotage matrix (`booksim sabotage`); then the runs and their verdicts, the invariants side by side,
 * every run's latency distribution overlaid on one chart per metric, percentiles,
 * throughput and AWS calls per booking side by side: a column per run, in the order given.
 */
export function renderComparison(models: ReportModel[], assets: ReportAssets, heading?: ComparisonHeading): string {
  const charts = comparisonCharts(models);
  const expected = heading !== undefined && 'expected' in heading ? heading.expected : undefined;
  const matrix = heading !== undefined && 'sabotage' in heading ? heading.sabotage : undefined;
  const body = html`<header>
<h1>booksim comparison <span class="muted">· ${models.length} runs</span></h1>
</header>
<nav>${expected ? html`<a href="#answer">the answer</a>` : ''}${matrix ? html`<a href="#sabotage">sabotage matrix</a>` : ''}<a href="#runs">runs</a><a href="#invariants">invariants</a><a href="#latency">latency</a><a href="#throughput">throughput and AWS calls</a></nav>
${
  expected
    ? html`<section id="answer"><h2>The design question, answered</h2>
<p class="muted">The same storm against each topology, and the verdict each is expected to give (docs/design.md, Topologies).</p>
${answerTable(models, expected)}
</section>`
    : ''
}
${
  matrix
    ? html`<section id="sabotage"><h2>Sabotage matrix</h2>
<p class="muted">Each safeguard switched off in turn, in the run that exposes it: the checks that should catch it, and what they found (docs/faults.md, Sabotage).</p>
${sabotageMatrixSection(matrix)}
</section>`
    : ''
}
<section id="runs"><h2>Runs</h2>
${runsTable(models)}
</section>
<section id="invariants"><h2>Invariants</h2>
${invariantMatrix(models)}
</section>
<section id="latency"><h2>Latency</h2>
<div class="charts">
${chartFigure(charts.api, 'No run recorded API latency.')}
${chartFigure(charts.decision, 'No run recorded time to decision.')}
</div>
${percentileComparison(models)}
</section>
<section id="throughput"><h2>Throughput and AWS calls</h2>
${throughputComparison(models)}
</section>`;
  return page(`booksim comparison: ${models.map((m) => m.run.runId).join(', ')}`, body, { charts: Object.values(charts), overlay: noOverlay }, assets);
}
