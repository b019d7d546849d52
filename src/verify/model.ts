import type { Booking, Seat, Ticket } from '../model/booking.js';
import type { LedgerEntry } from '../gateway/ledger.js';
import type { RequestLogEntry } from '../load/run-load.js';
import type { InvariantResult } from '../model/verdict.js';

/**
 * What `booksim verify` decides from (what it decides is src/model/verdict.ts). The evidence is read once
 * (src/verify/collect.ts from the stack, src/run-dir/read.ts from the run directory);
 * the checkers (src/verify/invariants/) are pure functions of it.
 */

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
  /** Why it failed (DescribeExecution's error: the Fail state's, or the uncaught one's), for a FAILED execution of the run's bookings; absent when the endpoint does not say. */
  error?: string;
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

/** A checker: pure, one invariant. */
export type InvariantChecker = (evidence: VerifyEvidence) => InvariantResult;

/** At most this many counterexamples are kept per invariant (all are counted). */
export const maxCounterexamples = 20;

