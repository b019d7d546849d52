/**
 * The fault catalog (docs/faults.md) as data: what a fault is called, how it is given on the
 * command line (`--fault NAME:key=value,…`), and what the run's fault log records when one
 * fires. The modules that inject faults (src/gateway for the payment gateway,
 * src/chaos/proxy.ts for AWS calls, src/chaos/workers.ts for worker processes, the
 * reconciler for sabotage) all log through a {@link FaultLogger}.
 */

export const faultNames = [
  'payment-decline',
  'gateway-error',
  'gateway-lost-response',
  'refund-timeout',
  'crash-mid-heartbeat',
  'worker-hang',
  'duplicate-delivery',
  'late-delivery',
  'cold-start',
  'aws-latency',
  'aws-throttle',
  'aws-error',
  'aws-drop',
  'aws-lost-response',
  'stop-execution',
] as const;
export type FaultName = (typeof faultNames)[number];

/** A fault's parameters as given: numbers, booleans and words, checked by the module that injects it. */
export type FaultParams = Record<string, string | number | boolean>;

/** One fault of a run: its name and parameters (`crash-mid-heartbeat:after=2,times=3`). */
export interface FaultSpec {
  name: FaultName;
  params: FaultParams;
}

/**
 * When a fault is active, relative to the start of the load: from `fromMs` for `forMs`
 * (undefined: to the end of the run). Leaving the window is the fault's heal step.
 */
export interface FaultWindow {
  fromMs: number;
  forMs?: number;
}

/** One line of the run's fault log (faults.json): what was injected, when, to what. */
export interface FaultLogEntry {
  /** ISO time. */
  at: string;
  fault: FaultName;
  /** What happened, in a few words: "declined charge", "killed worker 4242 (IssueTicket) after 2 heartbeats", "healed". */
  action: string;
  bookingId?: string;
  /** Anything else worth keeping: service and operation, pid, attempt, status code… */
  detail?: Record<string, unknown>;
}

/** How injectors report a fault; the time is added by whoever keeps the log. */
export type FaultLogger = (entry: Omit<FaultLogEntry, 'at'>) => void;

/**
 * Safeguards that can be switched off on purpose, to see what breaks without them (a
 * teaching feature, and the negative controls of the chaos tests).
 * - `new-key-on-retry`: the reconciler restarts a saga with a new payment idempotency key,
 *   so a booking charged before is charged again.
 * - `no-conditional-write`: the inventory function places a booking by read-then-write,
 *   and the saga's ReserveSeat sells the seat to its booking without checking it holds
 *   it: where one seat's bookings are handled at once (standard-fanout), two can both
 *   become holder and both be confirmed.
 */
export const sabotageNames = ['new-key-on-retry', 'no-conditional-write'] as const;
export type Sabotage = (typeof sabotageNames)[number];
