import { BooksimError, ExitCode } from '../errors.js';
import type { Threshold, ThresholdResult, ThresholdUnit } from '../model/verdict.js';
import {
  stepOfName,
  takesStatistic,
  thresholdMetric,
  thresholdMetricLines,
  thresholdMetricNames,
  thresholdStepNames,
  type ThresholdEvidence,
  type ThresholdMetric,
} from './threshold-metrics.js';

export type { ThresholdEvidence } from './threshold-metrics.js';

const knownMetrics = `${thresholdMetricNames.join(', ')}; <step> is ${thresholdStepNames.join(', ')}`;

/** The syntax in one line; every parse error ends with it (an unknown metric's names the metrics). */
const thresholdSyntax =
  '<metric>.<statistic><operator><ms> for a latency (statistics p50, p90, p99, p99.9, any p<number> up to p100, max), ' +
  '<metric><operator><number> for a rate (a ratio 0–1, or 99%), a count or a cost; operators <, <=, >, >=; ' +
  'e.g. --threshold "decision.p99<2000" --threshold "saga.success_rate>0.99"';

const operators = ['<=', '>=', '<', '>'] as const;

function invalid(expression: string, problem: string): BooksimError {
  return new BooksimError(`invalid threshold "${expression}": ${problem}. Write ${thresholdSyntax}.`, ExitCode.usage, [...thresholdMetricLines]);
}

/** The error for a subject that names no metric, pointing to the likeliest fix. */
function unknownMetric(expression: string, subject: string, comparison: string): BooksimError {
  // An older spelling, statistic first (`p99_decision<2000`): point to the dotted one.
  const underscored = /^(p[0-9.]+|max)_([a-z]+)_?([a-z]*)$/.exec(subject);
  const named = underscored && [underscored[2], underscored[3]].filter(Boolean).join('.');
  if (named && thresholdMetric(named)) return invalid(expression, `the metric comes first, then a dot: "${named}.${underscored[1]}${comparison}"`);
  const name = subject.replace(/\.(p[0-9.]*|max)$/, '');
  const step = stepOfName(name);
  if (step !== undefined) return invalid(expression, `unknown saga step "${step}" (known: ${thresholdStepNames.join(', ')})`);
  return invalid(expression, `unknown metric "${name}" (known: ${knownMetrics})`);
}

/** Splits `metric[.statistic]` (lower case), the longest metric name first, and checks both; `comparison` is the rest of the expression, for examples. */
function parseSubject(expression: string, subject: string, comparison: string): { metric: string; statistic?: string; definition: ThresholdMetric } {
  const whole = thresholdMetric(subject);
  if (whole !== undefined) {
    if (whole.statistics !== 'none') throw invalid(expression, `no statistic after "${subject}": add one, as in "${subject}.p99${comparison}"`);
    return { metric: subject, definition: whole };
  }
  const metric = [...subject.matchAll(/\./g)]
    .map((dot) => subject.slice(0, dot.index))
    .reverse()
    .find((prefix) => thresholdMetric(prefix) !== undefined);
  if (metric === undefined) throw unknownMetric(expression, subject, comparison);
  const definition = thresholdMetric(metric)!;
  const statistic = subject.slice(metric.length + 1);
  if (definition.statistics === 'none') throw invalid(expression, `"${metric}" is one number and takes no statistic: write "${metric}${comparison}"`);
  if (!takesStatistic(definition, statistic)) {
    const known = definition.statistics === 'summary' ? 'p50, p90, p99, p99.9 or max (run.json keeps only those)' : 'p50, p90, p99, p99.9, any p<number> above 0 and up to p100, or max';
    throw invalid(expression, `unknown statistic "${statistic}": use ${known}, as in "${metric}.p99${comparison}"`);
  }
  return { metric, statistic, definition };
}

const number = '([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)';

/** Reads the limit in the metric's unit: ms (`ms` optional), a ratio (`0.99` or `99%`), a count or an amount of money. */
function parseLimit(expression: string, text: string, definition: ThresholdMetric): number {
  if (text === '') throw invalid(expression, 'no limit after the operator');
  if (definition.unit === 'ms') {
    const match = new RegExp(`^${number}\\s*(?:ms)?$`).exec(text);
    if (match) return Number(match[1]);
    const seconds = /^([0-9]+(?:\.[0-9]+)?)\s*s$/.exec(text);
    if (seconds) throw invalid(expression, `the limit is in milliseconds: write ${Number(seconds[1]) * 1000}, not ${text}`);
    throw invalid(expression, `the limit "${text}" is not a number of milliseconds`);
  }
  const percent = definition.unit === 'ratio' ? new RegExp(`^${number}\\s*%$`).exec(text) : null;
  const plain = new RegExp(`^${number}$`).exec(text);
  const limit = percent ? Number(percent[1]) / 100 : plain ? Number(plain[1]) : undefined;
  const what: Record<Exclude<ThresholdUnit, 'ms'>, string> = {
    ratio: definition.maxLimit === 1 ? 'a rate, a ratio from 0 to 1 (0.99, or 99%)' : 'a ratio (0.95, or 95%)',
    count: 'a count',
    currency: "an amount in the price table's currency",
  };
  if (limit === undefined) throw invalid(expression, `the limit "${text}" is not ${what[definition.unit]}`);
  if (definition.maxLimit !== undefined && limit > definition.maxLimit) {
    throw invalid(expression, `the limit ${text} is above ${definition.maxLimit}: it is ${what[definition.unit]}`);
  }
  return limit;
}

/**
 * Parses a k6-style threshold, `<metric>.<statistic><operator><ms>` for a latency or
 * `<metric><operator><number>` for a rate, count or cost: spaces are allowed around the
 * operator, metric and statistic are read case-insensitively (and kept in lower case).
 * Throws BooksimError (exit 2) that says what is wrong and how to write it.
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
  const { metric, statistic, definition } = parseSubject(expression, subject, text.slice(at).replace(/\s+/g, ''));
  const limit = parseLimit(expression, rest.trim().toLowerCase(), definition);
  return { expression, metric, ...(statistic === undefined ? {} : { statistic }), operator, limit, unit: definition.unit };
}

const holds = (measured: number, operator: Threshold['operator'], limit: number): boolean =>
  operator === '<' ? measured < limit : operator === '<=' ? measured <= limit : operator === '>' ? measured > limit : measured >= limit;

function evaluate(threshold: Threshold, evidence: ThresholdEvidence): ThresholdResult {
  const unknown = (note: string): ThresholdResult => ({ ...threshold, verdict: 'unknown', note });
  const metric = thresholdMetric(threshold.metric);
  const subject = threshold.statistic === undefined ? threshold.metric : `${threshold.metric}.${threshold.statistic}`;
  if (metric === undefined || !takesStatistic(metric, threshold.statistic)) return unknown(`"${subject}" is not a statistic booksim measures`);
  const measurement = metric.measure(evidence, threshold.statistic);
  if ('missing' in measurement) return unknown(measurement.missing);
  const { value, currency } = measurement;
  return { ...threshold, verdict: holds(value, threshold.operator, threshold.limit) ? 'passed' : 'breached', measured: value, ...(currency === undefined ? {} : { currency }) };
}

/**
 * Evaluates thresholds against a run's summary and histograms (pure). A threshold is
 * unknown, with a note, when the run lacks what its metric is measured from (no
 * histograms, not the one it names, an empty or broken one, no saga or cost figures, no
 * booking to divide by): never a pass. Latencies are as precise as the histograms (3
 * significant digits, reported as the highest value of their bucket).
 */
export function evaluateThresholds(thresholds: Threshold[], evidence: ThresholdEvidence): ThresholdResult[] {
  return thresholds.map((threshold) => evaluate(threshold, evidence));
}
