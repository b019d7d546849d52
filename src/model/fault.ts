/**
 * The fault catalog (docs/faults.md) as data: what a fault is called, how it is given on the
 * command line (`--fault NAME:key=value,…`), and what the run's fault log records when one
 * starts, strikes and heals. Each fault is a package in src/faults/ (registry.ts lists
 * them); they all log through a {@link FaultLogger}.
 */

/** Where a fault is injected: the payment gateway, AWS calls (through the chaos proxy), or the worker processes. */
export type FaultTarget = 'gateway' | 'aws' | 'worker';

/**
 * Every fault, in the order the catalog lists them: where it is injected, and whether it
 * strikes at moments (a kill, a hang, a stop: drawn as marks in the report) rather than
 * over a window. The one list of fault names: src/faults/registry.ts has a package for
 * each (the compiler checks it), and the parsers, the storm and the report read them.
 */
export const faultCatalog = {
  'payment-decline': { target: 'gateway', momentary: false },
  'gateway-error': { target: 'gateway', momentary: false },
  'gateway-lost-response': { target: 'gateway', momentary: false },
  'refund-timeout': { target: 'gateway', momentary: false },
  'crash-mid-heartbeat': { target: 'worker', momentary: true },
  'worker-hang': { target: 'worker', momentary: true },
  'worker-crash': { target: 'worker', momentary: true },
  'duplicate-delivery': { target: 'worker', momentary: false },
  'late-delivery': { target: 'worker', momentary: false },
  'cold-start': { target: 'worker', momentary: false },
  'slow-task': { target: 'worker', momentary: false },
  'stuck-task': { target: 'worker', momentary: true },
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
 * (undefined: to the end of the run). The fault starts when its window opens and heals
 * when it closes.
 */
export interface FaultWindow {
  fromMs: number;
  forMs?: number;
}

/**
 * What a fault log line records:
 * - `started`: the fault's window opened and it injects from now on;
 * - `injected`: one injection (a declined charge, a killed worker);
 * - `undone`: one injection ended by itself (a hung worker resumed);
 * - `failed`: an injection, a start or a heal that could not be done;
 * - `healed`: the fault stopped injecting (its window closed, or the run ended).
 * A fault's lane in the report runs from its `started` line to its `healed` line.
 */
export const faultPhases = ['started', 'injected', 'undone', 'failed', 'healed'] as const;
export type FaultPhase = (typeof faultPhases)[number];

/** One line of the run's fault log (faults.json): what was injected, when, to what. */
export interface FaultLogEntry {
  /** ISO time. */
  at: string;
  fault: FaultName;
  /** Absent in runs recorded before run format 2, whose lines say it only in words (src/faults/fault-log.ts reads them). */
  phase?: FaultPhase;
  /** What happened, in a few words: "declined the charge", "killed worker 4242 (IssueTicket) after 2 heartbeat(s)", "healed after 5000 ms". */
  action: string;
  bookingId?: string;
  /** Anything else worth keeping: service and operation, pid, attempt, status code… */
  detail?: Record<string, unknown>;
}

/** A fault log line as an injector reports it: the time is added by whoever keeps the log, and the phase is `injected` unless given. */
export type FaultReport = Omit<FaultLogEntry, 'at'>;

/** How injectors report a fault. */
export type FaultLogger = (entry: FaultReport) => void;
