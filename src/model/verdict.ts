/**
 * What `booksim verify` decides, as every layer reads it: the verdict of each invariant
 * with its counterexamples, the thresholds, and the whole report (`--json`, verify.json).
 * What verify decides from (the evidence) is src/verify/model.ts.
 */

/** valid: checked and held; invalid: a violation was found (with evidence); unknown: the data to decide is missing. */
export type Verdict = 'valid' | 'invalid' | 'unknown';

/** One thing that happened to a booking or a seat, for a counterexample's time line. */
export interface TimelineEvent {
  /** Epoch ms; undefined for state read at the end (e.g. "holds the seat now"), listed after the timed events. */
  at?: number;
  bookingId?: string;
  /** One short phrase: "request sent (202)", "FIFO sequence 18", "charge captured 4200 (response lost)", "saga: ReleaseSeat entered". */
  what: string;
}

/** The evidence of one violation. */
export interface Counterexample {
  seatId?: string;
  /** The bookings involved, the culprit first. */
  bookingIds: string[];
  /** One sentence saying what went wrong, naming seat and bookings. */
  message: string;
  /** What happened to those bookings, in time order. */
  events: TimelineEvent[];
}

/** The verdict of one invariant (docs/design.md, Invariants). */
export interface InvariantResult {
  /** 1–8, as numbered in docs/design.md, Invariants. */
  id: number;
  /** kebab-case, stable: `no-double-booking`, … (JUnit test names, JSON keys). */
  key: string;
  /** One line: "at most one CONFIRMED booking per seat". */
  title: string;
  verdict: Verdict;
  /** How many things were checked, and what they were ("seats", "bookings", "executions"). */
  checked: number;
  checkedWhat: string;
  /** Every violation found; counterexamples holds the first few. */
  violations: number;
  counterexamples: Counterexample[];
  /** Why the verdict is unknown, or something worth saying that is not a violation (e.g. escalated bookings and the money at stake). */
  note?: string;
}

/** What a threshold's limit and measured value are in: milliseconds, a ratio (0–1 for rates), a count, or money in the price table's currency. */
export type ThresholdUnit = 'ms' | 'ratio' | 'count' | 'currency';

/** A k6-style threshold (`decision.p99<2000`, `saga.success_rate>0.99`), parsed (src/verify/threshold-metrics.ts lists the metrics). */
export interface Threshold {
  /** As the user wrote it (or as an SLO preset expanded it). */
  expression: string;
  /** In lower case: `api`, `decision`, `vip.decision`, `saga.success_rate`, `reserve.failure_rate`, `reserve.wait`, … */
  metric: string;
  /** `p50`, `p90`, `p99`, `p99.9`, any `p<number>`, or `max`; absent for a metric that is one number (a rate, a count). */
  statistic?: string;
  operator: '<' | '<=' | '>' | '>=';
  /** In the metric's unit (a ratio for rates, even when written `99%`). */
  limit: number;
  /** Absent in verify.json written before other units: ms. */
  unit?: ThresholdUnit;
  /** The SLO preset (`--slo design`) this threshold came from, when it did. */
  slo?: string;
}

/** passed / breached, or unknown (with a note) when the run lacks what the metric is measured from. */
export interface ThresholdResult extends Threshold {
  verdict: 'passed' | 'breached' | 'unknown';
  /** The measured value in the threshold's unit, when there was one. */
  measured?: number;
  /** The price table's currency (USD), for a threshold in money. */
  currency?: string;
  note?: string;
}

/** What `booksim verify` found: the whole answer, as `--json` prints it and verify.json keeps it. */
export interface VerifyReport {
  runId: string;
  runDir: string;
  stack: string;
  /** The event whose seats were judged; absent for a run made before events (every seat of the stack was). */
  event?: string;
  endpoint: string;
  /** ISO time of the verification. */
  verifiedAt: string;
  /** invalid if any invariant is invalid or any threshold breached; else unknown if any is unknown; else valid. */
  verdict: Verdict;
  /** 0 valid, 1 invalid, 3 unknown. */
  exitCode: 0 | 1 | 3;
  invariants: InvariantResult[];
  thresholds: ThresholdResult[];
}
