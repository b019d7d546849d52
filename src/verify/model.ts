import type { Booking, Seat, Ticket } from '../functions/model.js';
import type { LedgerEntry } from '../gateway/ledger.js';
import type { RequestLogEntry } from '../load/run-load.js';

/**
 * What `booksim verify` decides from, and what it decides. The evidence is read once
 * (src/verify/collect.ts from the stack, src/verify/run-files.ts from the run directory);
 * the checkers (src/verify/invariants/) are pure functions of it.
 */

/** valid: checked and held; invalid: a violation was found (with evidence); unknown: the data to decide is missing. */
export type Verdict = 'valid' | 'invalid' | 'unknown';

/** A seat as the seats table holds it, with `seen`: every booking the inventory function ever placed on it. */
export interface SeatRecord extends Seat {
  seen: string[];
}

/** An execution of the stack's saga, as ListExecutions reports it (name = bookingId). */
export interface ExecutionRecord {
  name: string;
  executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  /** Epoch ms. */
  startDate: number;
  stopDate?: number;
}

/** Messages a queue of the stack still holds: visible, and received but not deleted. */
export interface QueueRecord {
  name: string;
  /** A dead-letter queue: anything in it is work the system gave up on. */
  deadLetter: boolean;
  visible: number;
  inFlight: number;
}

/** The gateway ledger, as the run directory has it. */
export type Ledger = LedgerEntry[];

/**
 * Everything the checkers look at. A part that could not be read is undefined, and the
 * checkers that need it answer unknown rather than valid.
 */
export interface VerifyEvidence {
  runId: string;
  /** Every requestId of the run begins with this (`<runId>-`): how the run's bookings are told from other runs' on the stack. */
  requestIdPrefix: string;
  /** Every booking of the stack, of every run (seat checks look at a seat's whole history). */
  bookings: Booking[];
  /** Every seat row of the stack. */
  seats: SeatRecord[];
  /** Every ticket of the stack. */
  tickets: Ticket[];
  /** Every execution of the stack's saga. */
  executions: ExecutionRecord[];
  /** The stack's queues (booking queues and their DLQs), read now. */
  queues: QueueRecord[];
  /** The run's gateway ledger; undefined when the run directory has none. */
  ledger?: Ledger;
  /** The run's request log; undefined when the run directory has none. */
  requests?: RequestLogEntry[];
  /** Whether the storm saw the system settle (run.json); undefined when unknown. */
  settled?: boolean;
  /** How the booking stream was wired (run.json); fifo-fanout when unknown. Only that topology records a FIFO sequence. */
  topology?: string;
  /** The event whose seats the run sold (run.json): the seat rules look at its seats only; at every seat of the stack when undefined (runs before events). */
  event?: string;
}

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

/** A checker: pure, one invariant. */
export type InvariantChecker = (evidence: VerifyEvidence) => InvariantResult;

/** At most this many counterexamples are kept per invariant (all are counted). */
export const maxCounterexamples = 20;

/** The run's HDR histograms as histograms.json has them (hdr-histogram-js compressed base64, microseconds); each may be missing. */
export interface RunHistograms {
  apiLatency?: string;
  timeToDecision?: string;
  timeToDecisionByTier?: { VIP?: string; STANDARD?: string };
}

/** A k6-style threshold (`decision.p99<2000`), parsed. Values are milliseconds. */
export interface Threshold {
  /** As the user wrote it. */
  expression: string;
  /** `api`, `decision`, `vip.decision`, `standard.decision`. */
  metric: string;
  /** `p50`, `p90`, `p99`, `p99.9`, any `p<number>`, or `max`. */
  statistic: string;
  operator: '<' | '<=' | '>' | '>=';
  limit: number;
}

/** passed / breached, or unknown when the run has no such histogram (or it is empty). */
export interface ThresholdResult extends Threshold {
  verdict: 'passed' | 'breached' | 'unknown';
  /** The measured value in ms, when there was one. */
  measured?: number;
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
