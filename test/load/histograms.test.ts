import { describe, expect, it } from 'vitest';
import { BooksimError } from '../../src/errors.js';
import { latencyRecorder, mergeHistograms, percentiles } from '../../src/load/histograms.js';

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
