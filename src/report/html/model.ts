import type { BookingCounts, CostSummary, DetectedBy, Percentiles, SagaSummary, StormSummary } from '../../model/run.js';
import type { InvariantResult, ThresholdResult, Verdict } from '../../model/verdict.js';

/**
 * What the HTML report shows of one run, aggregated: everything is already counted,
 * bucketed and reduced to points (src/report/html/build-model.ts reads a run directory
 * into it), so the page stays small and fast however many bookings the run had.
 * Times on charts are milliseconds since the load started; money is in cents.
 */
export interface ReportModel {
  run: ReportRun;
  /** verify's verdict; undefined when the run was never verified (the report then says so). */
  verdict?: Verdict;
  invariants: InvariantResult[];
  thresholds: ThresholdResult[];
  bookings: BookingCounts;
  /** Saga outcomes: how the holders' sagas ended. */
  sagas: { confirmed: number; declined: number; compensated: number; escalated: number };
  money: MoneyTotals;
  latency: {
    /** Booking API latency: 'all', then per tier when known. */
    api: LatencyDistribution[];
    /** Request → decision: 'all', 'VIP', 'STANDARD'. */
    decision: LatencyDistribution[];
  };
  series: ReportSeries;
  faults: ReportFaults;
  /** Where the saga's time went, step by step (run.json's summary); absent for a run made before step timings. */
  saga?: SagaSummary;
  awsCalls: { total: number; byService: Record<string, number>; perConfirmed: number | null; perRejected: number | null };
  /** What the run's usage cost at its price table (run.json's summary); absent for a run made before cost. */
  cost?: CostSummary;
  /** The AWS quotas the run hit, when its endpoint enforced them (run.json's summary). */
  quotas?: StormSummary['quotas'];
}

export interface ReportRun {
  runId: string;
  /** ISO time the load started. */
  startedAt: string;
  endpoint: string;
  stack: string;
  topology: string;
  profile: string;
  scenario?: string;
  /** Fault specs as given (`refund-timeout:for=10s`). */
  faults: string[];
  sabotage: string[];
  seed: number;
  /** The event whose seats were on sale; absent for a run made before events. */
  event?: string;
  seats: number;
  /** Of those, sold before the run (counted when the event was named). */
  seatsSoldBefore?: number;
  /** Target and achieved request rate, requests per second. */
  rps: { target: number; achieved: number };
  durationMs: number;
  requests: { sent: number; completed: number; errors: number; non2xx: number };
  settle: { settled: boolean; waitedMs: number };
  /** booksim, node, …: name → version. */
  versions: Record<string, string>;
}

export interface MoneyTotals {
  /** Captured charges, from the gateway ledger. */
  charged: number;
  refunded: number;
  /** charged − refunded. */
  net: number;
  /** Money of ESCALATED bookings and of charges whose outcome is uncertain: what a person must look at. */
  atRisk: number;
}

/** One point of a percentile distribution: `percentile` in 0–100 (e.g. 99.9), value in ms. */
export interface PercentilePoint {
  percentile: number;
  ms: number;
}

/**
 * A latency distribution in the HdrHistogram style: `points` run from p0 to the highest
 * percentile recorded (up to 99.99 and max), log-spaced, for a chart whose x axis is
 * 1/(1 − p) on a log scale.
 */
export interface LatencyDistribution {
  /** 'all', 'VIP' or 'STANDARD'. */
  label: string;
  count: number;
  summary: Percentiles;
  points: PercentilePoint[];
}

/** Per-second buckets over the run, each at `t` ms since the load started (the bucket's start). */
export interface ReportSeries {
  /** Requests per second: intended by the schedule (target) and completed (achieved). */
  rate: Array<{ t: number; target: number; achieved: number }>;
  /** API latency of the requests sent in each second. */
  apiLatency: Array<{ t: number; p50: number; p99: number; max: number }>;
  /** Time to decision of the bookings requested in each second. */
  decisionLatency: Array<{ t: number; p50: number; p99: number; max: number }>;
  /** Sampled during the load and the settle: messages per queue (visible, in flight), in the DLQs, and saga executions running. */
  system: Array<{ t: number; visible: number; inFlight: number; deadLetter: number; running: number }>;
  /** When the load ended and when the system settled (or the settle gave up), ms since the load started. */
  loadEndMs: number;
  settleEndMs: number;
}

/** A fault active over a period: shaded on every time chart. */
export interface FaultPeriod {
  fault: string;
  fromMs: number;
  toMs: number;
}

/** A single fault injection: a marker on every time chart (kills, stopped executions, scaling). */
export interface FaultMarker {
  fault: string;
  atMs: number;
  /** The fault log's action: "killed IssueTicket worker 4242 after 1 heartbeat(s)". */
  action: string;
}

export interface ReportFaults {
  periods: FaultPeriod[];
  /** At most a few hundred (the first of each fault first): what a chart can show. */
  markers: FaultMarker[];
  /** One row per fault name: how many injections, first and last. */
  table: Array<{ fault: string; count: number; firstMs: number; lastMs: number; example: string }>;
  /** Kill → the timeout that noticed it, when workers were killed mid-task. */
  detectionMs?: Percentiles;
  /** Which timeout noticed each crash. */
  detectedBy?: DetectedBy;
  reconciler?: { restarted: number; refunded: number; gaveUp: number };
}
