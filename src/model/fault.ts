/**
 * The fault catalog (docs/faults.md) as data: what a fault is called, how it is given on the
 * command line (`--fault NAME:key=value,…`), and what the run's fault log records when one
 * fires. The modules that inject faults (src/gateway for the payment gateway,
 * src/chaos/proxy.ts for AWS calls, src/chaos/workers.ts for worker processes, the
 * reconciler for sabotage) all log through a {@link FaultLogger}.
 */

/** Where a fault is injected: the payment gateway, AWS calls (through the chaos proxy), or the worker processes. */
export type FaultTarget = 'gateway' | 'aws' | 'worker';

/**
 * Every fault, in the order the catalog lists them: where it is injected, and whether it
 * strikes at moments (a kill, a hang, a stop: drawn as marks in the report) rather than
 * over a window. The one list of fault names: the parsers, the injectors, the storm and
 * the report read it.
 */
export const faultCatalog = {
  'payment-decline': { target: 'gateway', momentary: false },
  'gateway-error': { target: 'gateway', momentary: false },
  'gateway-lost-response': { target: 'gateway', momentary: false },
  'refund-timeout': { target: 'gateway', momentary: false },
  'crash-mid-heartbeat': { target: 'worker', momentary: true },
  'worker-hang': { target: 'worker', momentary: true },
  'duplicate-delivery': { target: 'worker', momentary: false },
  'late-delivery': { target: 'worker', momentary: false },
  'cold-start': { target: 'worker', momentary: false },
  'aws-latency': { target: 'aws', momentary: false },
  'aws-throttle': { target: 'aws', momentary: false },
  'aws-error': { target: 'aws', momentary: false },
  'aws-drop': { target: 'aws', momentary: false },
  'aws-lost-response': { target: 'aws', momentary: false },
  'stop-execution': { target: 'worker', momentary: true },
} as const satisfies Record<string, { target: FaultTarget; momentary: boolean }>;

export type FaultName = keyof typeof faultCatalog;
export const faultNames = Object.keys(faultCatalog) as FaultName[];

/** The faults injected at `target`, as a type. */
export type FaultAt<T extends FaultTarget> = { [K in FaultName]: (typeof faultCatalog)[K]['target'] extends T ? K : never }[FaultName];

/** The faults injected at `target`, in catalog order. */
export const faultsAt = <T extends FaultTarget>(target: T): Array<FaultAt<T>> => faultNames.filter((name): name is FaultAt<T> => faultCatalog[name].target === target);

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
