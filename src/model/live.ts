/**
 * What a storm shows while its load runs, about once a second: assembled by
 * src/storm/live-status.ts from the load's progress, the sampler's latest poll, the fault
 * log and the functions' decisions; rendered by src/report/live-text.ts. A picture for the
 * operator, not a measurement: the report's figures come from the run's artefacts.
 */
export interface LiveStatus {
  load: LiveLoad;
  bookings: LiveBookings;
  /** The system's state at the sampler's latest poll; undefined before its first answer. */
  system?: LiveSystem;
  /** Injections so far by fault name; undefined when the run has no faults. */
  faults?: Record<string, number>;
  /** The load's last status, given when it ended (every request sent and settled, or stopped). */
  final?: boolean;
}

/** The load generator's side: as in LoadResult, so far. */
export interface LiveLoad {
  elapsedMs: number;
  /** The plan's length at the target rate. */
  plannedMs: number;
  sent: number;
  /** Requests that got a response, whatever its status. */
  answered: number;
  targetRps: number;
  /** Responses per second since the start. */
  achievedRps: number;
  /** Sent and not yet settled. */
  inFlight: number;
  /** Requests that got no response. */
  errors: number;
  non2xx: number;
  /** API latency p99 so far (ms, from the intended send time); undefined before the first response. */
  p99Ms?: number;
}

/** Bookings the API took on, and where they stand. */
export interface LiveBookings {
  /** Distinct bookings the API answered with a 2xx and a bookingId. */
  accepted: number;
  /** Bookings the functions moved to a final status (the workers report them within 100 ms). */
  decided: number;
  /** accepted − decided, never below 0. */
  pending: number;
}

/** The system under test at one poll. */
export interface LiveSystem {
  /** Each booking queue's depth, named without the stack's prefix. */
  queues: Array<{ name: string; visible: number; inFlight: number }>;
  /** Messages in the dead-letter queues. */
  deadLetter: number;
  /** Saga executions running, as far as one ListExecutions page shows. */
  sagasRunning: number;
  /** More run than `sagasRunning` counts. */
  moreRunning?: boolean;
}
