import { describe, expect, it } from 'vitest';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { latencyRecorder } from '../../src/load/histograms.js';
import type { Percentiles, SagaStepSummary, StormSummary } from '../../src/model/run.js';
import type { RunHistograms, SagaStepHistograms } from '../../src/run-dir/schema.js';
import { evaluateThresholds, parseThreshold, type ThresholdEvidence } from '../../src/verify/thresholds.js';

/** An encoded histogram of these latencies (ms). */
function histogram(latencies: number[]): string {
  const recorder = latencyRecorder();
  for (const latency of latencies) recorder.record(latency);
  return recorder.encode();
}

const noPercentiles: Percentiles = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
const step = (state: string, entered: number, failed: number): SagaStepSummary => ({
  state,
  entered,
  failed,
  retries: 0,
  failures: {},
  wait: noPercentiles,
  work: noPercentiles,
  backoff: noPercentiles,
  total: noPercentiles,
});
const stepHistograms = (wait: number[], work: number[]): SagaStepHistograms => ({ wait: histogram(wait), work: histogram(work), backoff: histogram([]), total: histogram([...wait, ...work]) });

/**
 * A run's summary with every figure a threshold reads: 100 executions, 97 SUCCEEDED of
 * 100 ended, 3 compensated; ReserveSeat failed 2 of 80 entries, FastReserveSeat 3 of 20
 * (so the reserve step 5 of 100); 2 undecided; 95 of 100 rps; 1500 calls for 100
 * bookings; 0.000012 USD a booking; crashes detected in 2.1–3 s.
 */
const summary = {
  profile: 'fast',
  rate: { target: 100, achieved: 95 },
  bookings: { accepted: 100, confirmed: 60, rejected: 36, paymentFailed: 2, escalated: 0, undecided: 2 },
  awsCalls: { total: 1500, byService: {}, perConfirmed: 20, perRejected: 5, sharedPerBooking: 3 },
  chaos: { faults: ['crash-mid-heartbeat:after=1'], injected: {}, detectionMs: { count: 3, p50: 2100, p90: 2500, p99: 2900, p999: 2950, max: 3000 } },
  saga: {
    executions: 100,
    byStatus: { SUCCEEDED: 97, FAILED: 2, ABORTED: 1 },
    stateTransitions: 900,
    compensated: 3,
    steps: [step('FastReserveSeat', 20, 3), step('ValidatePayment', 80, 0), step('ReserveSeat', 80, 2), step('IssueTicket', 95, 0)],
  },
  cost: {
    pricing: { name: 'aws-us-east-1', region: 'us-east-1', currency: 'USD', readOn: '2026-12-01' },
    total: 0.0012,
    byService: {},
    perConfirmed: 0.00002,
    perRejected: 0.000005,
    perBooking: 0.000012,
    perMillion: {},
  },
} as unknown as StormSummary;

const histograms: RunHistograms = {
  sagaSteps: {
    ReserveSeat: stepHistograms([10, 20, 30], [100, 200]),
    FastReserveSeat: stepHistograms([400], [50]),
  },
};

const evidence: ThresholdEvidence = { summary, histograms };
const evaluate = (expression: string, from: ThresholdEvidence = evidence) => evaluateThresholds([parseThreshold(expression)], from)[0]!;

describe('parsing a threshold on a rate, count, cost or saga step', () => {
  it.each([
    ['saga.success_rate>0.99', { metric: 'saga.success_rate', operator: '>', limit: 0.99, unit: 'ratio' }],
    ['saga.success_rate >= 99%', { metric: 'saga.success_rate', operator: '>=', limit: 0.99, unit: 'ratio' }],
    ['Compensation_Rate<0.1', { metric: 'compensation_rate', operator: '<', limit: 0.1, unit: 'ratio' }],
    ['Reserve.failure_rate<5%', { metric: 'reserve.failure_rate', operator: '<', limit: 0.05, unit: 'ratio' }],
    ['FASTRESERVESEAT.failure_rate<0.1', { metric: 'fastreserveseat.failure_rate', operator: '<', limit: 0.1, unit: 'ratio' }],
    ['escalaterefund.failure_rate<=0', { metric: 'escalaterefund.failure_rate', operator: '<=', limit: 0, unit: 'ratio' }],
    ['decision.undecided<1', { metric: 'decision.undecided', operator: '<', limit: 1, unit: 'count' }],
    ['rate.achieved_ratio>0.9', { metric: 'rate.achieved_ratio', operator: '>', limit: 0.9, unit: 'ratio' }],
    ['rate.achieved_ratio<110%', { metric: 'rate.achieved_ratio', operator: '<', limit: 1.1, unit: 'ratio' }],
    ['calls.per_booking<40', { metric: 'calls.per_booking', operator: '<', limit: 40, unit: 'count' }],
    ['cost.per_booking<0.0001', { metric: 'cost.per_booking', operator: '<', limit: 0.0001, unit: 'currency' }],
    ['crash.detection.p99<5000', { metric: 'crash.detection', statistic: 'p99', operator: '<', limit: 5000, unit: 'ms' }],
    ['crash.detection.p99.9<5000ms', { metric: 'crash.detection', statistic: 'p99.9', operator: '<', limit: 5000, unit: 'ms' }],
    ['IssueTicket.work.p99.9<1000', { metric: 'issueticket.work', statistic: 'p99.9', operator: '<', limit: 1000, unit: 'ms' }],
    ['reserve.wait.max<50', { metric: 'reserve.wait', statistic: 'max', operator: '<', limit: 50, unit: 'ms' }],
    ['notify.total.p50<10', { metric: 'notify.total', statistic: 'p50', operator: '<', limit: 10, unit: 'ms' }],
    ['release.backoff.p90<5000', { metric: 'release.backoff', statistic: 'p90', operator: '<', limit: 5000, unit: 'ms' }],
  ])('when the expression is %j, it reads the metric, its statistic if it takes one, and the limit in its unit', (expression, expected) => {
    expect(parseThreshold(expression)).toEqual({ expression, ...expected });
  });

  it.each([
    ['saga.success_rate>1.5', /the limit 1.5 is above 1: it is a rate, a ratio from 0 to 1 \(0.99, or 99%\)/],
    ['saga.success_rate>99', /the limit 99 is above 1/],
    ['compensation_rate<150%', /the limit 150% is above 1/],
    ['saga.success_rate>0.99ms', /the limit "0.99ms" is not a rate/],
    ['saga.success_rate.p99>0.9', /"saga.success_rate" is one number and takes no statistic: write "saga.success_rate>0.9"/],
    ['decision.undecided<few', /the limit "few" is not a count/],
    ['cost.per_booking<$1', /the limit "\$1" is not an amount in the price table's currency/],
    ['crash.detection<100', /no statistic after "crash.detection": add one, as in "crash.detection.p99<100"/],
    ['crash.detection.p75<100', /unknown statistic "p75": use p50, p90, p99, p99.9 or max \(run.json keeps only those\)/],
    ['reserve.wait<100', /no statistic after "reserve.wait"/],
    ['checkout.failure_rate<0.1', /unknown saga step "checkout" \(known: validate, reserve, issue, notify, refund, release, .*ReserveSeat.*\)/],
    ['escalate.failure_rate<0.1', /unknown saga step "escalate"/],
    ['saga.failure_rate<0.1', /unknown saga step "saga"/],
    ['success_rate>0.9', /unknown metric "success_rate" \(known: .*saga.success_rate.*<step>.failure_rate.*; <step> is validate, reserve/],
  ])('when the expression is %j, it is a usage error that says what is wrong', (expression, problem) => {
    let error: unknown;
    try {
      parseThreshold(expression);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    expect((error as BooksimError).message).toMatch(problem);
  });
});

describe('evaluating a threshold on a rate, count, cost or saga step', () => {
  it.each([
    // metric, a threshold that holds, one that is breached, the measured value
    ['saga.success_rate', 'saga.success_rate>0.95', 'saga.success_rate>0.99', 0.97],
    ['compensation_rate', 'compensation_rate<0.05', 'compensation_rate<=2%', 0.03],
    ['reserve.failure_rate (both paths)', 'reserve.failure_rate<=0.05', 'reserve.failure_rate<0.05', 0.05],
    ['reserveseat.failure_rate', 'reserveseat.failure_rate<0.05', 'reserveseat.failure_rate<0.02', 0.025],
    ['fastreserveseat.failure_rate', 'fastreserveseat.failure_rate<0.2', 'fastreserveseat.failure_rate<0.1', 0.15],
    ['validate.failure_rate', 'validate.failure_rate<=0', 'validate.failure_rate>0', 0],
    ['decision.undecided', 'decision.undecided<3', 'decision.undecided<1', 2],
    ['rate.achieved_ratio', 'rate.achieved_ratio>=0.95', 'rate.achieved_ratio>0.99', 0.95],
    ['crash.detection.p99', 'crash.detection.p99<3000', 'crash.detection.p99<2000', 2900],
    ['crash.detection.p99.9', 'crash.detection.p99.9<=2950', 'crash.detection.p99.9<2950', 2950],
    ['calls.per_booking', 'calls.per_booking<20', 'calls.per_booking<10', 15],
    ['cost.per_booking', 'cost.per_booking<0.00002', 'cost.per_booking<0.00001', 0.000012],
  ])('%s: it passes within the limit and is breached beyond it, with what was measured', (_metric, passing, breached, measured) => {
    expect(evaluate(passing)).toMatchObject({ verdict: 'passed', measured });
    expect(evaluate(breached)).toMatchObject({ verdict: 'breached', measured });
  });

  it('when the threshold is on money, it keeps the price table currency with the value', () => {
    expect(evaluate('cost.per_booking<1')).toMatchObject({ verdict: 'passed', currency: 'USD', unit: 'currency' });
  });

  it('when the threshold is on a saga step latency, it reads the step histograms, both paths merged for a short name', () => {
    expect(evaluate('reserveseat.work.max<250')).toMatchObject({ verdict: 'passed' });
    expect(evaluate('reserveseat.work.max<250').measured).toBeCloseTo(200, -1);
    expect(evaluate('reserveseat.wait.max<100').measured).toBeCloseTo(30, 0);
    expect(evaluate('reserve.wait.max<100')).toMatchObject({ verdict: 'breached' });
    expect(evaluate('reserve.wait.max<100').measured).toBeCloseTo(400, -1);
    expect(evaluate('reserve.total.p50<1000').measured).toBeGreaterThan(0);
  });

  it.each([
    ['saga.success_rate>0.99', { summary: { ...summary, saga: undefined } }, /no saga figures \(summary.saga\)/],
    ['compensation_rate<0.1', { summary: { ...summary, saga: undefined } }, /no saga figures/],
    ['reserve.failure_rate<0.05', { summary: { ...summary, saga: undefined } }, /no saga figures/],
    ['refund.failure_rate<0.05', evidence, /^RefundPayment never ran in this run/],
    ['saga.success_rate>0.99', { summary: { ...summary, saga: { ...summary.saga!, byStatus: { RUNNING: 3 } } } }, /no saga execution of the run ended/],
    ['compensation_rate<0.1', { summary: { ...summary, saga: { ...summary.saga!, executions: 0 } } }, /no saga execution of the run was read/],
    ['decision.undecided<1', { histograms }, /no summary \(run.json\)/],
    ['rate.achieved_ratio>0.9', { summary: { ...summary, rate: { target: 0, achieved: 0 } } }, /no target rate/],
    ['crash.detection.p99<5000', { summary: { ...summary, chaos: undefined } }, /no worker was killed mid-task/],
    ['crash.detection.p99<5000', { summary: { ...summary, chaos: { faults: [], injected: {}, detectionMs: noPercentiles } } }, /no worker was killed mid-task/],
    ['calls.per_booking<40', { summary: { ...summary, bookings: { ...summary.bookings, accepted: 0 } } }, /no booking was accepted/],
    ['cost.per_booking<1', { summary: { ...summary, cost: undefined } }, /no cost \(summary.cost\)/],
    ['cost.per_booking<1', { summary: { ...summary, cost: { ...summary.cost!, perBooking: null } } }, /no booking was accepted/],
    ['issue.work.p99<1000', evidence, /no sagaSteps.IssueTicket.work/],
    ['reserve.work.p99<1000', { summary }, /no histograms/],
    ['reserve.work.p99<1000', { histograms: { apiLatency: histogram([1]) } }, /no sagaSteps.FastReserveSeat\+ReserveSeat.work/],
    ['reserve.backoff.p99<1000', evidence, /nothing was recorded in sagaSteps/],
  ] as Array<[string, ThresholdEvidence, RegExp]>)('when %j has no data (%#), it is unknown with a note saying what is missing', (expression, from, note) => {
    const result = evaluate(expression, from);
    expect(result.verdict).toBe('unknown');
    expect(result.measured).toBeUndefined();
    expect(result.note).toMatch(note);
  });
});
