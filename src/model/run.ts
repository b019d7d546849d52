import type { Tier } from './booking.js';
import type { QuotaHit } from './quotas.js';
import type { Topology } from './topology.js';
import type { Verdict, VerifyReport } from './verdict.js';

/**
 * What a storm reports, as every layer reads it: the summary (run.json's, `storm --json`)
 * and the figures it is made of. The storm engine (src/storm/) fills them; src/report/
 * renders them.
 */

/** Percentiles of a latency histogram, in milliseconds; all zero when it is empty. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Bookings by outcome. `accepted` is every booking the API acknowledged; `undecided` those not in a final status. */
export interface BookingCounts {
  accepted: number;
  confirmed: number;
  rejected: number;
  paymentFailed: number;
  escalated: number;
  undecided: number;
}

/** What one poll of {@link waitForQuiescence} saw. */
export interface QuiescenceSnapshot {
  /** The inventory and payment queues' depths. */
  queues: Array<{ name: string; visible: number; inFlight: number }>;
  /** Messages in the two dead-letter queues (visible and in flight): work the system gave up on. Not part of being quiet. */
  deadLetter: number;
  /**
   * Saga executions RUNNING, as far as one page of ListExecutions shows: at most
   * {@link runningPageSize}, a lower bound when `moreRunning` is set.
   */
  runningExecutions: number;
  /** More executions run than `runningExecutions` counts. */
  moreRunning?: boolean;
  /** Bookings not yet decided, when the caller knows (settling does not read bookings: a scan per poll is not cheap). */
  undecided?: number;
}

/**
 * What a storm reports, as plain data (run.json's summary, `storm --json`): the storm
 * engine fills it, {@link stormSummaryText} renders it. Durations in ms, rates in
 * requests per second.
 */
export interface StormSummary {
  runId: string;
  runDir: string;
  endpoint: string;
  stack: string;
  /** The saga's timing profile. */
  profile: string;
  seed: number;
  /** The event whose seats were on sale (src/event.ts); absent in runs made before events. */
  event?: string;
  seats: number;
  /** Of those seats, how many were sold before the load: counted when the event was named (a new one has none). */
  seatsSoldBefore?: number;
  rate: { target: number; achieved: number };
  /** How long the load ran. */
  durationMs: number;
  requests: { sent: number; completed: number; errors: number; non2xx: number };
  bookings: BookingCounts;
  seatsSold: number;
  settle: { settled: boolean; waitedMs: number };
  /** AWS API calls made by the system under test during the run. A mean is null when there is no booking to divide by. */
  awsCalls: {
    total: number;
    /** By service: sqs, sns, dynamodb, sfn. */
    byService: Record<string, number>;
    /** Mean calls made for one CONFIRMED booking: its own calls only. */
    perConfirmed: number | null;
    /** Mean calls made for one REJECTED booking: its own calls only. */
    perRejected: number | null;
    /** Calls made for no single booking (start-up lookups, batched receives and deletes, polls) per accepted booking. */
    sharedPerBooking: number | null;
  };
  /** Faults of the run (docs/faults.md): absent when none was asked for. */
  chaos?: {
    scenario?: string;
    /** The faults as given (`crash-mid-heartbeat:after=1`). */
    faults: string[];
    /** Safeguards switched off on purpose. */
    sabotage?: string[];
    /** Injections by fault name, from the fault log. */
    injected: Record<string, number>;
    /** Crash detection: kill → the timeout that noticed it, when workers were killed mid-task. */
    detectionMs?: Percentiles;
    /** Which timeout noticed each crash, told apart by timing (both are States.Timeout on AWS). */
    detectedBy?: DetectedBy;
    /** What the reconciler recovered. */
    reconciler?: { restarted: number; refunded: number; gaveUp: number };
  };
  /** Where the saga's time went, from the executions' histories (absent in runs made before step timings, or when no saga ran). */
  saga?: SagaSummary;
  /** What the run used of each billed AWS meter, measured (absent in runs made before cost). */
  usage?: RunUsage;
  /** What that usage costs at the run's price table (absent in runs made before cost). */
  cost?: CostSummary;
  /** AWS's throughput quotas, when the endpoint enforced them (`--aws-quotas`): the region whose figures applied and every quota the run hit. */
  quotas?: { region: string; hits: QuotaHit[] };
  latency: {
    /** Booking API latency, corrected for coordinated omission. */
    api: Percentiles;
    /** Request to CONFIRMED / REJECTED / PAYMENT_FAILED. */
    timeToDecision: Percentiles;
    timeToDecisionByTier: Record<Tier, Percentiles>;
  };
}

/** A report written: where, and the verdict it shows. */
export interface WrittenReport {
  file: string;
  runIds: string[];
  verdicts: Array<Verdict | undefined>;
  bytes: number;
}

/** One topology's run, against what it should give. */
export interface TopologyOutcome {
  topology: Topology;
  stack: string;
  expected: Verdict;
  verdict: Verdict;
  matches: boolean;
  /** Keys of the invariants violated (or unknown), for the table. */
  violated: string[];
  /** The table's figures: p99 of API latency and of time to decision (undefined without samples), AWS calls per accepted booking (undefined without one). */
  apiP99Ms: number | undefined;
  decisionP99Ms: number | undefined;
  callsPerBooking: number | undefined;
  /** Cost per accepted booking at the run's price table (summary.cost); undefined without one, or without a booking. */
  costPerBooking: number | undefined;
  summary: StormSummary;
  verify: VerifyReport;
}

/** What `booksim compare` found: every topology's outcome, and whether each gave what the design predicts. */
export interface ComparisonResult {
  endpoint: string;
  outcomes: TopologyOutcome[];
  /** Every topology gave what it should. */
  matches: boolean;
  report: WrittenReport;
}

/** How many crashes a heartbeat timeout noticed, and how many only the task's TimeoutSeconds did. */
export interface DetectedBy {
  heartbeatTimeout: number;
  taskTimeout: number;
}

/** One saga state's timings over a run's executions (histograms.json keeps the raw histograms). */
export interface SagaStepSummary {
  /** The state's name in the definition: ValidatePayment, FastValidatePayment, ReleaseSeat, … */
  state: string;
  /** Times the state was entered. */
  entered: number;
  /** Entries that ended in an error once every retry was spent (caught by the saga or not). */
  failed: number;
  /** Attempts beyond the first of each entry. */
  retries: number;
  /** Failed attempts by error name (States.Timeout, PaymentDeclined, …), retried ones included. */
  failures: Record<string, number>;
  /** Per attempt, scheduled → started: waiting for a worker. */
  wait: Percentiles;
  /** Per attempt, started → succeeded, failed or timed out: the worker's work. */
  work: Percentiles;
  /** Per attempt that was retried, its end → the next attempt scheduled: the Retry's backoff. */
  backoff: Percentiles;
  /** Per entry, entered → left: the whole time in the state, retries and backoff included. */
  total: Percentiles;
}

/** One stretch of a booking's path through the saga, in ms from its execution's start. */
export interface SagaPathSegment {
  state: string;
  phase: 'wait' | 'work' | 'backoff';
  startMs: number;
  endMs: number;
}

/** One execution's path through the saga, for the report's time line. */
export interface SagaPath {
  bookingId: string;
  durationMs: number;
  segments: SagaPathSegment[];
}

/** Where the saga's time went in a run: per state, from every execution's history. */
export interface SagaSummary {
  /** Executions of the run's bookings whose history was read (reconciler restarts included). */
  executions: number;
  /** Those executions by status: SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RUNNING. */
  byStatus: Record<string, number>;
  /** State transitions the executions made, as Step Functions Standard bills them. */
  stateTransitions: number;
  /** Executions that entered a compensating step (RefundPayment or ReleaseSeat). */
  compensated: number;
  /** Every Task state that ran, in the order the saga first reaches them. */
  steps: SagaStepSummary[];
  /** The state with the highest p99 time in state, when any ran. */
  slowest?: string;
  /** The executions at the median and the p99 of duration, step by step. */
  paths?: { p50: SagaPath; p99: SagaPath };
}

/**
 * What a run used of each billed AWS meter (src/cost/), measured from the calls it made
 * and the state transitions its executions made. Keys are meter names of the price table.
 */
export type Usage = Record<string, number>;

/** A run's usage: in total, for a mean CONFIRMED and REJECTED booking (its own), and shared per accepted booking. */
export interface RunUsage {
  total: Usage;
  perConfirmed: Usage | null;
  perRejected: Usage | null;
  /** Usage no single booking caused, per accepted booking. */
  sharedPerBooking: Usage | null;
}

/** What a run's usage costs at a price table, in its currency. Per-booking figures include the shared share; null without a booking to divide by. */
export interface CostSummary {
  /** The price table used: its name, region, currency, and the date its prices were read. */
  pricing: { name: string; region: string; currency: string; readOn: string };
  total: number;
  byService: Record<string, number>;
  perConfirmed: number | null;
  perRejected: number | null;
  /** Total cost per accepted booking. */
  perBooking: number | null;
  /** perBooking × 1,000,000, by service. */
  perMillion: Record<string, number> | null;
}
