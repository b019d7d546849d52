import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { BooksimError, ExitCode } from '../errors.js';
import type { Percentiles } from '../model/run.js';

/** Records latencies given in ms into an HDR histogram kept in microseconds. */
export interface LatencyRecorder {
  record(latencyMs: number): void;
  /** The histogram so far, as hdr-histogram-js's compressed base64. */
  encode(): string;
  /** The value at `percentile` (0–100] so far, in ms, read in place (no copy: cheap enough for a live display); undefined while nothing is recorded. */
  valueAt(percentile: number): number | undefined;
}

// Microseconds with 3 significant digits: 0.1% precision from 1 µs up; auto-resizing so
// that a pathological latency is recorded rather than thrown away.
function emptyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

function decode(encoded: string): Histogram {
  try {
    return decodeFromCompressedBase64(encoded);
  } catch (error) {
    throw new BooksimError(`not an encoded HDR histogram: ${error instanceof Error ? error.message : String(error)}`, ExitCode.invalid);
  }
}

/** A fresh recorder; latencies under 1 µs count as 1 µs. */
export function latencyRecorder(): LatencyRecorder {
  const histogram = emptyHistogram();
  return {
    record: (latencyMs) => histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000))),
    encode: () => encodeIntoCompressedBase64(histogram),
    valueAt: (percentile) => (histogram.totalCount === 0 ? undefined : histogram.getValueAtPercentile(percentile) / 1000),
  };
}

/** p50/p90/p99/p99.9/max in ms of an encoded microsecond histogram; throws BooksimError if it does not decode. */
export function percentiles(encoded: string): Percentiles {
  const histogram = decode(encoded);
  const ms = (percentile: number) => (histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000);
  return { count: histogram.totalCount, p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9), max: histogram.totalCount === 0 ? 0 : histogram.maxValue / 1000 };
}

/**
 * The value at any percentile in (0, 100] of an encoded microsecond histogram, in ms;
 * 100 gives the max, as {@link percentiles} does. Undefined when the histogram is empty;
 * throws BooksimError if it does not decode.
 */
export function valueAtPercentile(encoded: string, percentile: number): number | undefined {
  const histogram = decode(encoded);
  if (histogram.totalCount === 0) return undefined;
  return (percentile >= 100 ? histogram.maxValue : histogram.getValueAtPercentile(percentile)) / 1000;
}

/**
 * Adds encoded histograms into one (the raw counts, so percentiles of the result are
 * exact up to the histograms' precision, unlike averaged percentiles). An empty list gives
 * an empty histogram.
 */
export function mergeHistograms(encoded: string[]): string {
  const merged = emptyHistogram();
  for (const one of encoded) merged.add(decode(one));
  return encodeIntoCompressedBase64(merged);
}

/**
 * The distribution of an encoded microsecond histogram in the HdrHistogram style, in ms:
 * values at log-spaced percentiles (ten per decade of 1/(1 − p): 0%, 20.6%, … 90%, …
 * 99%, … 99.99%) as far as the recorded count resolves them, then the max at 100.
 * Empty for an empty histogram; throws BooksimError if it does not decode.
 */
export function percentileDistribution(encoded: string): Array<{ percentile: number; ms: number }> {
  const histogram = decode(encoded);
  if (histogram.totalCount === 0) return [];
  const points: Array<{ percentile: number; ms: number }> = [];
  for (let step = 0; step <= 40; step += 1) {
    const tail = 10 ** (-step / 10);
    // Beyond one value in the tail, further percentiles are all the max.
    if (tail * histogram.totalCount < 1) break;
    const percentile = 100 * (1 - tail);
    points.push({ percentile, ms: histogram.getValueAtPercentile(percentile) / 1000 });
  }
  points.push({ percentile: 100, ms: histogram.maxValue / 1000 });
  return points;
}
