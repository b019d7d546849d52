import { mergeHistograms, valueAtPercentile } from '../load/histograms.js';
import type { Percentiles, SagaStepSummary, StormSummary } from '../model/run.js';
import type { ThresholdUnit } from '../model/verdict.js';
import type { RunHistograms } from '../run-dir/schema.js';
import { sagaStepNamed, sagaStepNames, type SagaStep } from './saga-steps.js';

/**
 * The metrics a threshold can name, and how each is measured from a run: latencies from
 * histograms.json (any percentile), the rest from run.json's summary. A metric whose data
 * the run lacks measures nothing, with a note saying what is missing: never a pass.
 */

/** What thresholds are measured from; either part may be missing (an older run, a file moved away). */
export interface ThresholdEvidence {
  /** run.json's summary, as written (only what a metric reads is checked, when it reads it). */
  summary?: StormSummary;
  histograms?: RunHistograms;
}

/** A measured value (money with its currency), or why there is none. */
export type Measurement = { value: number; currency?: string } | { missing: string };

/**
 * A metric: its unit, the statistics it takes (`histogram`: any p<number> and max;
 * `summary`: the percentiles run.json keeps; `none`: it is one number) and how it is measured.
 */
export interface ThresholdMetric {
  description: string;
  unit: ThresholdUnit;
  statistics: 'histogram' | 'summary' | 'none';
  /** The largest limit that means anything: 1 for a rate. */
  maxLimit?: number;
  measure(evidence: ThresholdEvidence, statistic: string | undefined): Measurement;
}

/** The statistics run.json keeps of a latency (Percentiles), as thresholds write them. */
const summaryStatistics: Record<string, keyof Percentiles> = { p50: 'p50', p90: 'p90', p99: 'p99', 'p99.9': 'p999', max: 'max' };

/** The percentile a statistic asks for (100 for max), or undefined unless it is `max` or `p<number>` in (0, 100]. */
export function percentileOf(statistic: string): number | undefined {
  if (statistic === 'max') return 100;
  const match = /^p([0-9]+(?:\.[0-9]+)?)$/.exec(statistic);
  const percentile = match ? Number(match[1]) : NaN;
  return percentile > 0 && percentile <= 100 ? percentile : undefined;
}

/** Whether a metric takes this statistic (none for a one-number metric). */
export function takesStatistic(metric: ThresholdMetric, statistic: string | undefined): boolean {
  if (metric.statistics === 'none') return statistic === undefined;
  if (statistic === undefined) return false;
  return metric.statistics === 'histogram' ? percentileOf(statistic) !== undefined : statistic in summaryStatistics;
}

const missing = (why: string): Measurement => ({ missing: why });
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * A percentile of encoded histograms (several are merged first), `source` naming them in
 * notes; the statistic is one {@link takesStatistic} accepted.
 */
function fromHistograms(evidence: ThresholdEvidence, source: string, pick: (histograms: RunHistograms) => string[], statistic: string | undefined): Measurement {
  if (evidence.histograms === undefined) return missing('the run has no histograms (histograms.json)');
  const encoded = pick(evidence.histograms);
  if (encoded.length === 0) return missing(`the run's histograms have no ${source}`);
  let value: number | undefined;
  try {
    value = valueAtPercentile(encoded.length === 1 ? encoded[0]! : mergeHistograms(encoded), percentileOf(statistic!)!);
  } catch (error) {
    return missing(`the ${source} histogram cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return value === undefined ? missing(`nothing was recorded in ${source}`) : { value };
}

const latency = (description: string, source: string, pick: (histograms: RunHistograms) => string | undefined): ThresholdMetric => ({
  description,
  unit: 'ms',
  statistics: 'histogram',
  measure: (evidence, statistic) => fromHistograms(evidence, source, (h) => [pick(h)].filter((encoded) => encoded !== undefined), statistic),
});

/** A one-number metric of run.json's summary. */
const fromSummary = (description: string, unit: ThresholdUnit, measure: (summary: StormSummary) => Measurement, maxLimit?: number): ThresholdMetric => ({
  description,
  unit,
  statistics: 'none',
  ...(maxLimit === undefined ? {} : { maxLimit }),
  measure: ({ summary }) => (summary === undefined ? missing('the run has no summary (run.json)') : measure(summary)),
});

/** numerator / denominator, or the note when there is nothing to divide by. */
function ratio(numerator: unknown, denominator: unknown, what: string, none: string): Measurement {
  if (!finite(numerator) || !finite(denominator)) return missing(`the run's summary has no ${what}`);
  return denominator === 0 ? missing(none) : { value: numerator / denominator };
}

const noSaga =
  "the run has no saga figures (summary.saga): it was recorded before booksim read the executions' histories, or no saga ran";

/** The saga figures, or the note saying they are missing. */
const withSaga = (summary: StormSummary, measure: (saga: NonNullable<StormSummary['saga']>) => Measurement): Measurement =>
  summary.saga === undefined ? missing(noSaga) : measure(summary.saga);

const crashDetection: ThresholdMetric = {
  description: 'time from a worker killed mid-task to the timeout that noticed it (run.json keeps p50, p90, p99, p99.9, max)',
  unit: 'ms',
  statistics: 'summary',
  measure: ({ summary }, statistic) => {
    const detection = summary?.chaos?.detectionMs;
    const value = detection?.[summaryStatistics[statistic!]!];
    if (detection === undefined || detection.count === 0 || !finite(value)) return missing('no worker was killed mid-task, so no crash was detected (summary.chaos.detectionMs)');
    return { value };
  },
};

/** The metrics with fixed names. */
const namedMetrics: Readonly<Record<string, ThresholdMetric>> = {
  api: latency('booking API latency, corrected for coordinated omission', 'apiLatency', (h) => h.apiLatency),
  decision: latency('time from request to CONFIRMED, REJECTED or PAYMENT_FAILED', 'timeToDecision', (h) => h.timeToDecision),
  'vip.decision': latency('time to decision of VIP bookings', 'timeToDecisionByTier.VIP', (h) => h.timeToDecisionByTier?.VIP),
  'standard.decision': latency('time to decision of STANDARD bookings', 'timeToDecisionByTier.STANDARD', (h) => h.timeToDecisionByTier?.STANDARD),
  'saga.success_rate': fromSummary(
    'saga executions SUCCEEDED, of those that ended (a ratio 0–1)',
    'ratio',
    (summary) =>
      withSaga(summary, ({ byStatus }) => {
        const ended = Object.entries(byStatus).reduce((sum, [status, n]) => (status === 'RUNNING' ? sum : sum + n), 0);
        return ratio(byStatus.SUCCEEDED ?? 0, ended, 'summary.saga.byStatus', 'no saga execution of the run ended');
      }),
    1,
  ),
  compensation_rate: fromSummary(
    'saga executions that compensated (entered RefundPayment or ReleaseSeat), of all read (a ratio 0–1)',
    'ratio',
    (summary) => withSaga(summary, (saga) => ratio(saga.compensated, saga.executions, 'summary.saga.compensated', 'no saga execution of the run was read')),
    1,
  ),
  'decision.undecided': fromSummary('bookings left undecided at the end of the run (a count)', 'count', ({ bookings }) =>
    finite(bookings?.undecided) ? { value: bookings.undecided } : missing("the run's summary has no bookings.undecided"),
  ),
  'rate.achieved_ratio': fromSummary('requests per second achieved, over the target rate (a ratio)', 'ratio', ({ rate }) =>
    ratio(rate?.achieved, rate?.target, 'rate', 'the run had no target rate'),
  ),
  'crash.detection': crashDetection,
  'calls.per_booking': fromSummary('AWS calls of the system under test per accepted booking (a count)', 'count', ({ awsCalls, bookings }) =>
    ratio(awsCalls?.total, bookings?.accepted, 'awsCalls.total or bookings.accepted', 'no booking was accepted'),
  ),
  'cost.per_booking': fromSummary("what the run's AWS usage costs per accepted booking, in the price table's currency", 'currency', ({ cost }) => {
    if (cost === undefined) return missing('the run has no cost (summary.cost): it was recorded before booksim priced runs');
    if (!finite(cost.perBooking)) return missing('no booking was accepted, so there is no cost per booking');
    return { value: cost.perBooking, currency: cost.pricing.currency };
  }),
};

/** What a saga step's metrics read: failure rates from the summary, latencies from the histograms. */
const stepParts = ['failure_rate', 'wait', 'work', 'backoff', 'total'] as const;
type StepPart = (typeof stepParts)[number];

const stepPartPattern = new RegExp(`^(.+)\\.(${stepParts.join('|')})$`);

function stepFailureRate(step: SagaStep): ThresholdMetric {
  return fromSummary(
    `entries of ${step.label} that failed once every retry was spent (a ratio 0–1)`,
    'ratio',
    (summary) =>
      withSaga(summary, ({ steps }) => {
        const ran = steps.filter((s) => step.states.includes(s.state));
        const sum = (field: keyof Pick<SagaStepSummary, 'failed' | 'entered'>) => ran.reduce((total, s) => total + s[field], 0);
        return ratio(sum('failed'), sum('entered'), 'summary.saga.steps', `${step.label} never ran in this run (summary.saga.steps)`);
      }),
    1,
  );
}

function stepLatency(step: SagaStep, phase: Exclude<StepPart, 'failure_rate'>): ThresholdMetric {
  const source = `sagaSteps.${step.states.join('+')}.${phase}`;
  return {
    description: `${phase} of ${step.label} per attempt (per entry for total)`,
    unit: 'ms',
    statistics: 'histogram',
    measure: (evidence, statistic) =>
      fromHistograms(evidence, source, (h) => step.states.flatMap((state) => h.sagaSteps?.[state]?.[phase] ?? []), statistic),
  };
}

/** The metric a (lower-case) name means: a named one, or `<step>.<part>` of a saga step; undefined if none. */
export function thresholdMetric(name: string): ThresholdMetric | undefined {
  if (Object.hasOwn(namedMetrics, name)) return namedMetrics[name];
  const match = stepPartPattern.exec(name);
  const step = match ? sagaStepNamed(match[1]!) : undefined;
  if (!match || !step) return undefined;
  const part = match[2] as StepPart;
  return part === 'failure_rate' ? stepFailureRate(step) : stepLatency(step, part);
}

/** The step a `<step>.<part>` name tries to name, when it has that shape: for an error that names the known steps. */
export function stepOfName(name: string): string | undefined {
  return stepPartPattern.exec(name)?.[1];
}

/** Every metric name, the saga step ones as patterns, for help and errors. */
export const thresholdMetricNames: readonly string[] = [...Object.keys(namedMetrics), ...stepParts.map((part) => `<step>.${part}`)];

/** The steps `<step>` stands for. */
export const thresholdStepNames = sagaStepNames;

/** One line per metric, `name: what it measures`, for errors' suggestions. */
export const thresholdMetricLines: readonly string[] = [
  ...Object.entries(namedMetrics).map(([name, metric]) => `${name}: ${metric.description}`),
  '<step>.failure_rate: entries of a saga step that failed once every retry was spent (a ratio 0–1)',
  '<step>.wait, .work, .backoff, .total: a saga step waiting for a worker, working, backing off before a retry, in all (ms)',
  `<step>: ${sagaStepNames.join(', ')} (validate and reserve take the VIP fast path's states too)`,
];
