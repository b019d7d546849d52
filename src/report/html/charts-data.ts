import type { LatencyDistribution, PercentilePoint, ReportModel, ReportSeries } from './model.js';

/**
 * What the page's charts draw, as plain data: the renderer embeds it as JSON and the
 * browser-side code (charts-client.ts) only hands it to uPlot. Every decision about axes,
 * colours and fault overlays is made here, where it can be tested.
 */

/** One line: a value (or null, a gap) per x of its chart. */
export interface ChartSeries {
  label: string;
  colour: string;
  values: Array<number | null>;
  /** Drawn dashed: a reference line (the target rate) rather than a measurement. */
  dashed?: boolean;
}

/**
 * An HdrHistogram-style percentile distribution: x is 1/(1 − p) on a log scale (1 at
 * p0, 10 at p90, 100 at p99, …), y is ms.
 */
export interface PercentileChart {
  kind: 'percentile';
  id: string;
  title: string;
  x: number[];
  series: ChartSeries[];
}

/** Values over the run, x in seconds since the load started, with the fault overlay drawn on it. */
export interface TimeChart {
  kind: 'time';
  id: string;
  title: string;
  yLabel: string;
  x: number[];
  /** The right end of the x axis, in seconds: the settle's end, so that every time chart of a run spans the same time. */
  xMax: number;
  series: ChartSeries[];
}

export type ChartSpec = PercentileChart | TimeChart;

/** Faults and phases of a run, in seconds since the load started, drawn on every time chart. */
export interface ChartOverlay {
  /** Fault name → colour (#rrggbb: the page adds transparency), in order of first appearance. */
  colours: Record<string, string>;
  /** Shaded: a fault active over a period. */
  periods: Array<{ fault: string; from: number; to: number }>;
  /** Vertical lines: single injections. */
  markers: Array<{ fault: string; at: number }>;
  /** Dashed vertical lines: the load's end, the settle's end. */
  phases: Array<{ label: string; at: number }>;
}

/** All a page's charts; `overlay` is empty on a comparison page, which has no time charts. */
export interface ChartData {
  charts: ChartSpec[];
  overlay: ChartOverlay;
}

/** The charts of one run by name; a chart without any data is missing. */
export interface RunCharts {
  apiDistribution?: PercentileChart;
  decisionDistribution?: PercentileChart;
  throughput?: TimeChart;
  apiOverTime?: TimeChart;
  decisionOverTime?: TimeChart;
  system?: TimeChart;
}

/** Lines told apart: tiers, runs, statistics. */
const linePalette = ['#1d4ed8', '#ea580c', '#15803d', '#9333ea', '#0e7490', '#be123c', '#a16207', '#4b5563'];
/** Faults told apart from each other; shaded lightly, so that they read as background. */
const faultPalette = ['#dc2626', '#d97706', '#7c3aed', '#0d9488', '#db2777', '#65a30d', '#0284c7', '#78716c'];

const lineColour = (index: number) => linePalette[index % linePalette.length]!;
const seconds = (ms: number) => Math.round(ms) / 1000;
/** Keys x values so that the same percentile computed twice falls on one x. */
const exact = (x: number) => Number(x.toPrecision(10));

/**
 * Where a percentile sits on the x axis: 1/(1 − p). p100 (the max) has no finite place;
 * it is drawn one step (a tenth of a decade) past the line's last percentile, so that each
 * line ends with its max.
 */
export function percentileX(points: PercentilePoint[]): number[] {
  const xs: number[] = [];
  for (const point of points) {
    xs.push(exact(point.percentile >= 100 ? (xs.at(-1) ?? 1) * 10 ** 0.1 : 1 / (1 - point.percentile / 100)));
  }
  return xs;
}

/** Distributions on one percentile chart: the union of their x, each line null where it has no point. */
function percentileChart(id: string, title: string, lines: Array<{ label: string; colour: string; distribution: LatencyDistribution }>): PercentileChart | undefined {
  const drawn = lines.filter((line) => line.distribution.points.length > 0);
  if (drawn.length === 0) return undefined;
  const byX = drawn.map(({ distribution }) => {
    const xs = percentileX(distribution.points);
    return new Map(xs.map((x, i) => [x, distribution.points[i]!.ms]));
  });
  const x = [...new Set(byX.flatMap((points) => [...points.keys()]))].sort((a, b) => a - b);
  return {
    kind: 'percentile',
    id,
    title,
    x,
    series: drawn.map((line, i) => ({ label: line.label, colour: line.colour, values: x.map((at) => byX[i]!.get(at) ?? null) })),
  };
}

function timeChart<Point extends { t: number }>(
  id: string,
  title: string,
  yLabel: string,
  points: Point[],
  lines: Array<{ label: string; value: (point: Point) => number; colour: string; dashed?: boolean }>,
  series: ReportSeries,
): TimeChart | undefined {
  if (points.length === 0) return undefined;
  const lastT = points.at(-1)!.t;
  return {
    kind: 'time',
    id,
    title,
    yLabel,
    x: points.map((point) => seconds(point.t)),
    xMax: seconds(Math.max(series.settleEndMs, series.loadEndMs, lastT + 1000)),
    series: lines.map(({ label, value, colour, dashed }) => ({ label, colour, values: points.map(value), ...(dashed ? { dashed } : {}) })),
  };
}

const byLabel = (distributions: LatencyDistribution[]) => distributions.map((distribution, i) => ({ label: distribution.label, colour: lineColour(i), distribution }));
const quantileLines = [
  { label: 'p50', value: (p: { p50: number }) => p.p50, colour: lineColour(0) },
  { label: 'p99', value: (p: { p99: number }) => p.p99, colour: lineColour(1) },
  { label: 'max', value: (p: { max: number }) => p.max, colour: lineColour(7) },
];

/** The charts of one run's page. Pure. */
export function runCharts(model: ReportModel): RunCharts {
  const { series } = model;
  const charts: RunCharts = {
    apiDistribution: percentileChart('chart-api-distribution', 'API latency by percentile (ms)', byLabel(model.latency.api)),
    decisionDistribution: percentileChart('chart-decision-distribution', 'Time to decision by percentile (ms)', byLabel(model.latency.decision)),
    throughput: timeChart('chart-throughput', 'Requests per second: target and achieved', 'requests/s', series.rate, [
      { label: 'target', value: (p) => p.target, colour: '#6b7280', dashed: true },
      { label: 'achieved', value: (p) => p.achieved, colour: lineColour(0) },
    ], series),
    apiOverTime: timeChart('chart-api-over-time', 'API latency over time (ms), by send time', 'ms', series.apiLatency, quantileLines, series),
    decisionOverTime: timeChart('chart-decision-over-time', 'Time to decision over time (ms), by request time', 'ms', series.decisionLatency, quantileLines, series),
    system: timeChart('chart-system', 'Queues and running sagas', 'messages / executions', series.system, [
      { label: 'visible', value: (p) => p.visible, colour: lineColour(0) },
      { label: 'in flight', value: (p) => p.inFlight, colour: lineColour(1) },
      { label: 'DLQ', value: (p) => p.deadLetter, colour: '#dc2626' },
      { label: 'running sagas', value: (p) => p.running, colour: lineColour(3) },
    ], series),
  };
  return Object.fromEntries(Object.entries(charts).filter(([, chart]) => chart !== undefined));
}

/** A run's fault names in order of first appearance (periods, then markers, then the fault table), each with its colour. */
function faultColours(model: ReportModel): Record<string, string> {
  const names = [...new Set([...model.faults.periods, ...model.faults.markers, ...model.faults.table].map((item) => item.fault))];
  return Object.fromEntries(names.map((name, i) => [name, faultPalette[i % faultPalette.length]!]));
}

/** What every time chart of a run draws over its lines: fault periods and injections, the load's and the settle's end. */
export function runOverlay(model: ReportModel): ChartOverlay {
  const { faults, series, run } = model;
  const settled = run.settle.settled ? 'settled' : 'settle gave up';
  return {
    colours: faultColours(model),
    periods: faults.periods.map((period) => ({ fault: period.fault, from: seconds(period.fromMs), to: seconds(period.toMs) })),
    markers: faults.markers.map((marker) => ({ fault: marker.fault, at: seconds(marker.atMs) })),
    phases: [{ label: 'load end', at: seconds(series.loadEndMs) }, ...(series.settleEndMs > series.loadEndMs ? [{ label: settled, at: seconds(series.settleEndMs) }] : [])],
  };
}

/** How a run is named on a comparison chart: its id and topology. */
const runLabel = (model: ReportModel) => `${model.run.runId} (${model.run.topology})`;

/** The comparison page's charts: each run's 'all' distribution of API latency and of time to decision, overlaid. Pure. */
export function comparisonCharts(models: ReportModel[]): { api?: PercentileChart; decision?: PercentileChart } {
  const lines = (pick: (model: ReportModel) => LatencyDistribution[]) =>
    models.flatMap((model, i) => {
      const distribution = pick(model).find((d) => d.label === 'all');
      // Coloured by the run's place, so that a run keeps its colour on both charts.
      return distribution ? [{ label: runLabel(model), colour: lineColour(i), distribution }] : [];
    });
  const charts = {
    api: percentileChart('chart-compare-api', 'API latency by percentile (ms), all requests', lines((model) => model.latency.api)),
    decision: percentileChart('chart-compare-decision', 'Time to decision by percentile (ms), all bookings', lines((model) => model.latency.decision)),
  };
  return Object.fromEntries(Object.entries(charts).filter(([, chart]) => chart !== undefined));
}
