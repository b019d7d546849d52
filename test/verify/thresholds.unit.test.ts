import { describe, expect, it } from 'vitest';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { latencyRecorder } from '../../src/load/histograms.js';
import type { RunHistograms } from '../../src/run-dir/schema.js';
import type { Threshold } from '../../src/model/verdict.js';
import { evaluateThresholds, parseThreshold } from '../../src/verify/thresholds.js';

/** An encoded histogram of these latencies (ms). */
function histogram(latencies: number[]): string {
  const recorder = latencyRecorder();
  for (const latency of latencies) recorder.record(latency);
  return recorder.encode();
}

/** 1..1000 ms, one each: p50 ≈ 500, p99 ≈ 990, p99.9 ≈ 999, max 1000 (within HDR's 0.1%). */
const oneToThousand = histogram(Array.from({ length: 1000 }, (_, i) => i + 1));

function parseError(expression: string): BooksimError {
  try {
    parseThreshold(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    return error as BooksimError;
  }
  throw new Error(`"${expression}" parsed`);
}

describe('parsing a threshold', () => {
  it.each([
    ['decision.p99<2000', { metric: 'decision', statistic: 'p99', operator: '<', limit: 2000 }],
    ['api.p50 <= 25ms', { metric: 'api', statistic: 'p50', operator: '<=', limit: 25 }],
    ['vip.decision.p99.9 < 1500', { metric: 'vip.decision', statistic: 'p99.9', operator: '<', limit: 1500 }],
    ['standard.decision.max>=0.5', { metric: 'standard.decision', statistic: 'max', operator: '>=', limit: 0.5 }],
    ['  Decision.P95>10 ms ', { metric: 'decision', statistic: 'p95', operator: '>', limit: 10 }],
    ['api.p99.99<.5', { metric: 'api', statistic: 'p99.99', operator: '<', limit: 0.5 }],
    ['api.p100<3000', { metric: 'api', statistic: 'p100', operator: '<', limit: 3000 }],
  ])('when the expression is %j, it reads metric, statistic, operator and limit in ms', (expression, expected) => {
    expect(parseThreshold(expression)).toEqual({ expression, ...expected, unit: 'ms' });
  });

  it.each([
    ['', /it is empty/],
    ['decision.p99', /there is no comparison/],
    ['decision.p99 = 2000', /unknown operator "="/],
    ['decision.p99 == 2000', /unknown operator "=="/],
    ['decision.p99 =< 2000', /unknown operator "=<"/],
    ['decision.p99 << 2000', /unknown operator "<<"/],
    ['<2000', /nothing comes before the operator/],
    ['latency.p99<2000', /unknown metric "latency" \(known: api, decision, vip.decision, standard.decision, saga.success_rate, .*; <step> is validate, reserve, .*\)/],
    ['gold.decision.p99<2000', /unknown metric "gold.decision"/],
    ['p99_decision<2000', /the metric comes first, then a dot: "decision.p99<2000"/],
    ['p99_vip_decision < 1500', /"vip.decision.p99<1500"/],
    ['decision<2000', /no statistic after "decision": add one, as in "decision.p99<2000"/],
    ['decision.avg<2000', /unknown statistic "avg"/],
    ['decision.p0<2000', /unknown statistic "p0"/],
    ['decision.p101<2000', /unknown statistic "p101"/],
    ['decision.p(99)<2000', /unknown statistic "p\(99\)"/],
    ['decision.p99<', /no limit after the operator/],
    ['decision.p99<2s', /the limit is in milliseconds: write 2000, not 2s/],
    ['decision.p99<-5', /the limit "-5" is not a number of milliseconds/],
    ['decision.p99<fast', /the limit "fast" is not a number/],
  ])('when the expression is %j, it is a usage error that says what is wrong and shows how to write one', (expression, problem) => {
    const error = parseError(expression);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`invalid threshold "${expression}"`);
    expect(error.message).toContain('--threshold "decision.p99<2000"');
    expect(error.message).toContain('--threshold "saga.success_rate>0.99"');
    expect(error.suggestions).toContain('api: booking API latency, corrected for coordinated omission');
    expect(error.suggestions).toContain('saga.success_rate: saga executions SUCCEEDED, of those that ended (a ratio 0–1)');
  });
});

describe('evaluating thresholds', () => {
  const histograms: RunHistograms = {
    apiLatency: oneToThousand,
    timeToDecision: histogram([100, 200, 300, 4000]),
    timeToDecisionByTier: { VIP: histogram([]), STANDARD: histogram([100, 200, 300, 4000]) },
  };
  const evaluate = (expression: string, runHistograms: RunHistograms | undefined = histograms) => evaluateThresholds([parseThreshold(expression)], { ...(runHistograms ? { histograms: runHistograms } : {}) })[0]!;

  it('when the measured value keeps the bound, it passes and says what was measured', () => {
    const result = evaluate('api.p99<1000');
    expect(result).toMatchObject({ expression: 'api.p99<1000', verdict: 'passed' });
    expect(result.measured).toBeCloseTo(990, -1);
    expect(result.note).toBeUndefined();
  });

  it('when the measured value crosses the bound, it is breached, whichever way the operator points', () => {
    expect(evaluate('decision.max<2000')).toMatchObject({ verdict: 'breached' });
    expect(evaluate('decision.max<2000').measured).toBeCloseTo(4000, -1);
    expect(evaluate('api.p50>600')).toMatchObject({ verdict: 'breached' });
    expect(evaluate('api.p50>=400')).toMatchObject({ verdict: 'passed' });
    expect(evaluate('standard.decision.p50<=150')).toMatchObject({ verdict: 'breached' });
  });

  it('when the statistic is any percentile, it reads that percentile of the histogram', () => {
    expect(evaluate('api.p75<1').measured).toBeCloseTo(750, -1);
    expect(evaluate('api.p99.9<1').measured).toBeCloseTo(999, -1);
    expect(evaluate('api.max<1').measured).toBeCloseTo(1000, -1);
  });

  it('when the run has no histograms, every threshold is unknown with a note, never a pass', () => {
    const results = evaluateThresholds([parseThreshold('api.p99<1000'), parseThreshold('decision.p99<1000')], {});
    expect(results.map((r) => r.verdict)).toEqual(['unknown', 'unknown']);
    expect(results[0]!.note).toMatch(/no histograms/);
    expect(results[0]!.measured).toBeUndefined();
  });

  it('when the histogram it names is missing, empty or broken, it is unknown and the note names it', () => {
    expect(evaluate('vip.decision.p99<1000', { apiLatency: oneToThousand })).toMatchObject({ verdict: 'unknown', note: "the run's histograms have no timeToDecisionByTier.VIP" });
    expect(evaluate('vip.decision.p99<1000')).toMatchObject({ verdict: 'unknown', note: 'nothing was recorded in timeToDecisionByTier.VIP' });
    expect(evaluate('api.p99<1000', { apiLatency: 'not a histogram' })).toMatchObject({ verdict: 'unknown' });
    expect(evaluate('api.p99<1000', { apiLatency: 'not a histogram' }).note).toMatch(/^the apiLatency histogram cannot be read/);
  });

  it('when a threshold was not made by parseThreshold and names no known statistic, it is unknown rather than a crash', () => {
    const made: Threshold = { expression: 'api.mean<1', metric: 'api', statistic: 'mean', operator: '<', limit: 1 };
    expect(evaluateThresholds([made], { histograms })[0]).toMatchObject({ verdict: 'unknown' });
  });

  it('when given several thresholds, it answers each in order with its parsed fields', () => {
    const results = evaluateThresholds(['api.p99<1000', 'decision.p99<1000', 'vip.decision.p99<1000'].map(parseThreshold), { histograms });
    expect(results.map((r) => [r.expression, r.metric, r.statistic, r.operator, r.limit, r.verdict])).toEqual([
      ['api.p99<1000', 'api', 'p99', '<', 1000, 'passed'],
      ['decision.p99<1000', 'decision', 'p99', '<', 1000, 'breached'],
      ['vip.decision.p99<1000', 'vip.decision', 'p99', '<', 1000, 'unknown'],
    ]);
  });
});
