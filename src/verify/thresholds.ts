import { BooksimError, ExitCode } from '../errors.js';
import { valueAtPercentile } from '../load/histograms.js';
import type { RunHistograms } from '../run-dir/schema.js';
import type { Threshold, ThresholdResult } from '../model/verdict.js';

/** A metric a threshold can name: what it measures, and where histograms.json keeps it. */
interface ThresholdMetric {
  description: string;
  /** The histogram's path in RunHistograms, for notes. */
  source: string;
  histogram(histograms: RunHistograms): string | undefined;
}

/** The metrics a threshold can name, by name. */
export const thresholdMetrics: Readonly<Record<string, ThresholdMetric>> = {
  api: { description: 'booking API latency, corrected for coordinated omission', source: 'apiLatency', histogram: (h) => h.apiLatency },
  decision: { description: 'time from request to CONFIRMED, REJECTED or PAYMENT_FAILED', source: 'timeToDecision', histogram: (h) => h.timeToDecision },
  'vip.decision': { description: 'time to decision of VIP bookings', source: 'timeToDecisionByTier.VIP', histogram: (h) => h.timeToDecisionByTier?.VIP },
  'standard.decision': {
    description: 'time to decision of STANDARD bookings',
    source: 'timeToDecisionByTier.STANDARD',
    histogram: (h) => h.timeToDecisionByTier?.STANDARD,
  },
};

const metricNames = Object.keys(thresholdMetrics);
// Longest first, so that `vip.decision.p99` is not read as a metric `vip`.
const metricsByLength = [...metricNames].sort((a, b) => b.length - a.length);

/** The syntax in one line, for `--threshold`'s help; every parse error ends with it. */
export const thresholdSyntax =
  `<metric>.<statistic><operator><ms>, e.g. --threshold "decision.p99<2000"; metrics ${metricNames.join(', ')}; ` +
  'statistics p50, p90, p99, p99.9, any p<number> up to p100, max; operators <, <=, >, >=';

const operators = ['<=', '>=', '<', '>'] as const;

function invalid(expression: string, problem: string): BooksimError {
  return new BooksimError(
    `invalid threshold "${expression}": ${problem}. Write ${thresholdSyntax}.`,
    ExitCode.usage,
    metricNames.map((name) => `${name}: ${thresholdMetrics[name]!.description}`),
  );
}

/** The percentile a statistic asks for (100 for max), or undefined unless it is `max` or `p<number>` in (0, 100]. */
function percentileOf(statistic: string): number | undefined {
  if (statistic === 'max') return 100;
  const match = /^p([0-9]+(?:\.[0-9]+)?)$/.exec(statistic);
  const percentile = match ? Number(match[1]) : NaN;
  return percentile > 0 && percentile <= 100 ? percentile : undefined;
}

/** Splits `metric.statistic` (lower case) and checks both; `comparison` is the rest of the expression, for examples. */
function parseSubject(expression: string, subject: string, comparison: string): { metric: string; statistic: string } {
  const metric = metricsByLength.find((name) => subject === name || subject.startsWith(`${name}.`));
  if (metric === undefined) {
    // An older spelling, statistic first (`p99_decision<2000`): point to the dotted one.
    const underscored = /^(p[0-9.]+|max)_([a-z]+)_?([a-z]*)$/.exec(subject);
    const named = underscored && [underscored[2], underscored[3]].filter(Boolean).join('.');
    if (named && metricNames.includes(named)) throw invalid(expression, `the metric comes first, then a dot: "${named}.${underscored[1]}${comparison}"`);
    const name = subject.replace(/\.(p[0-9.]*|max)$/, '');
    throw invalid(expression, `unknown metric "${name}" (known: ${metricNames.join(', ')})`);
  }
  if (subject === metric) throw invalid(expression, `no statistic after "${metric}": add one, as in "${metric}.p99${comparison}"`);
  const statistic = subject.slice(metric.length + 1);
  if (percentileOf(statistic) === undefined) {
    throw invalid(expression, `unknown statistic "${statistic}": use p50, p90, p99, p99.9, any p<number> above 0 and up to p100, or max, as in "${metric}.p99${comparison}"`);
  }
  return { metric, statistic };
}

/** Reads the limit: a non-negative number of milliseconds, `ms` optional. */
function parseLimit(expression: string, text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?:ms)?$/.exec(text);
  if (match) return Number(match[1]);
  const seconds = /^([0-9]+(?:\.[0-9]+)?)\s*s$/.exec(text);
  if (seconds) throw invalid(expression, `the limit is in milliseconds: write ${Number(seconds[1]) * 1000}, not ${text}`);
  throw invalid(expression, text === '' ? 'no limit after the operator' : `the limit "${text}" is not a number of milliseconds`);
}

/**
 * Parses a k6-style threshold, `<metric>.<statistic><operator><number>[ms]`: spaces are
 * allowed around the operator, metric and statistic are read case-insensitively (and
 * kept in lower case). Throws BooksimError (exit 2) that says what is wrong and how to
 * write it.
 */
export function parseThreshold(expression: string): Threshold {
  const text = expression.trim();
  if (text === '') throw invalid(expression, 'it is empty');
  const at = text.search(/[<>=!]/);
  if (at < 0) throw invalid(expression, 'there is no comparison: add an operator and a limit, as in "<2000"');
  const operator = operators.find((op) => text.startsWith(op, at));
  const rest = operator === undefined ? '' : text.slice(at + operator.length);
  if (operator === undefined || /^[<>=!]/.test(rest)) throw invalid(expression, `unknown operator "${/^[<>=!]+/.exec(text.slice(at))![0]}": use <, <=, > or >=`);
  const subject = text.slice(0, at).trim().toLowerCase();
  if (subject === '') throw invalid(expression, 'nothing comes before the operator: name a metric and a statistic, as in "decision.p99"');
  const { metric, statistic } = parseSubject(expression, subject, text.slice(at).replace(/\s+/g, ''));
  return { expression, metric, statistic, operator, limit: parseLimit(expression, rest.trim().toLowerCase()) };
}

const holds = (measured: number, operator: Threshold['operator'], limit: number): boolean =>
  operator === '<' ? measured < limit : operator === '<=' ? measured <= limit : operator === '>' ? measured > limit : measured >= limit;

function evaluate(threshold: Threshold, histograms: RunHistograms | undefined): ThresholdResult {
  const unknown = (note: string): ThresholdResult => ({ ...threshold, verdict: 'unknown', note });
  const metric = thresholdMetrics[threshold.metric];
  const percentile = percentileOf(threshold.statistic);
  if (metric === undefined || percentile === undefined) return unknown(`"${threshold.metric}.${threshold.statistic}" is not a statistic booksim measures`);
  if (histograms === undefined) return unknown('the run has no histograms (histograms.json)');
  const encoded = metric.histogram(histograms);
  if (encoded === undefined) return unknown(`the run's histograms have no ${metric.source}`);
  let measured: number | undefined;
  try {
    measured = valueAtPercentile(encoded, percentile);
  } catch (error) {
    return unknown(`the ${metric.source} histogram cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (measured === undefined) return unknown(`nothing was recorded in ${metric.source}`);
  return { ...threshold, verdict: holds(measured, threshold.operator, threshold.limit) ? 'passed' : 'breached', measured };
}

/**
 * Evaluates thresholds against a run's histograms (pure). A threshold is unknown, with a
 * note, when there are no histograms, not the one it names, that one is empty or does
 * not decode: never a pass. Measured values are as precise as the histograms (3
 * significant digits, reported as the highest value of their bucket).
 */
export function evaluateThresholds(thresholds: Threshold[], histograms: RunHistograms | undefined): ThresholdResult[] {
  return thresholds.map((threshold) => evaluate(threshold, histograms));
}
