import { describe, expect, it } from 'vitest';
import { BooksimError } from '../../src/errors.js';
import { latencyRecorder, mergeHistograms, percentileDistribution, percentiles } from '../../src/load/histograms.js';

/** An encoded histogram of the given latencies (ms). */
function encoded(latenciesMs: number[]): string {
  const recorder = latencyRecorder();
  for (const latency of latenciesMs) recorder.record(latency);
  return recorder.encode();
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('percentiles', () => {
  it('when given 1…1000 ms, it gives p50 500, p90 900, p99 990, p99.9 999, max 1000 (to 0.1%)', () => {
    const result = percentiles(encoded(oneTo(1000)));
    expect(result.count).toBe(1000);
    for (const [actual, expected] of [
      [result.p50, 500],
      [result.p90, 900],
      [result.p99, 990],
      [result.p999, 999],
      [result.max, 1000],
    ] as const) {
      expect(Math.abs(actual - expected) / expected).toBeLessThan(0.001);
    }
  });

  it('when latencies are below a millisecond, it keeps microsecond precision', () => {
    expect(percentiles(encoded([0.25, 0.25, 0.25])).p50).toBeCloseTo(0.25, 3);
  });

  it('when the histogram is empty, every figure is 0', () => {
    expect(percentiles(encoded([]))).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });

  it('when a latency is far beyond the usual range, it is still recorded', () => {
    expect(percentiles(encoded([5, 120_000])).max).toBeGreaterThanOrEqual(119_900);
  });

  it('when the text is not an encoded histogram, it throws a BooksimError', () => {
    expect(() => percentiles('not a histogram')).toThrow(BooksimError);
  });
});

describe('mergeHistograms', () => {
  it('when given histograms, it adds their counts: the percentiles are those of all the values together', () => {
    const merged = mergeHistograms([encoded(oneTo(500)), encoded(oneTo(1000).slice(500))]);
    expect(percentiles(merged)).toEqual(percentiles(encoded(oneTo(1000))));
  });

  it('when one worker was much slower, the merged p99.9 shows it (averaging percentiles would not)', () => {
    const fast = encoded(new Array(990).fill(1));
    const slow = encoded(new Array(10).fill(800));
    expect(percentiles(mergeHistograms([fast, slow])).p999).toBeGreaterThan(799);
    expect(percentiles(mergeHistograms([fast, slow])).count).toBe(1000);
  });

  it('when given no histogram, it gives an empty one', () => {
    expect(percentiles(mergeHistograms([])).count).toBe(0);
  });
});

describe('latencyRecorder', () => {
  it('when read in place, it gives what the encoded histogram gives, and nothing while empty', () => {
    const recorder = latencyRecorder();
    expect(recorder.valueAt(99)).toBeUndefined();
    for (const latency of oneTo(1000)) recorder.record(latency);
    expect(recorder.valueAt(99)).toBe(percentiles(recorder.encode()).p99);
    expect(Math.abs(recorder.valueAt(99)! - 990) / 990).toBeLessThan(0.001);
  });
});

describe('percentileDistribution', () => {
  it('when 1000 latencies are recorded, it gives log-spaced points up to 99.9%, then the max at 100%', () => {
    const points = percentileDistribution(encoded(oneTo(1000)));
    expect(points[0]).toEqual({ percentile: 0, ms: expect.closeTo(1, 1) });
    expect(points.find((p) => Math.abs(p.percentile - 90) < 1e-9)?.ms).toBeCloseTo(900, -1);
    expect(points.find((p) => Math.abs(p.percentile - 99) < 1e-9)?.ms).toBeCloseTo(990, -1);
    // Three decades of 1/(1 − p) at ten points each, then the max.
    expect(points).toHaveLength(32);
    expect(points.at(-1)).toEqual({ percentile: 100, ms: expect.closeTo(1000, 0) });
    for (let i = 1; i < points.length; i += 1) expect(points[i]!.ms).toBeGreaterThanOrEqual(points[i - 1]!.ms);
  });

  it('when the histogram is empty, there are no points', () => {
    expect(percentileDistribution(encoded([]))).toEqual([]);
  });
});
