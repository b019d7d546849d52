import { sagaTasks, timingProfile, type SagaTask, type TimingProfileName } from '../deploy/saga-profiles.js';
import { BooksimError, ExitCode } from '../errors.js';
import { workerFunctions, type WorkerFunction, type WorkerSettings } from '../runtime/worker-messages.js';
import { FaultParamReader, isActive } from './spec.js';
import { faultsAt, type FaultName, type FaultSpec, type FaultWindow } from '../model/fault.js';

/**
 * The worker faults of a run, read once from their specs (docs/faults.md): each fault's
 * rule with its window, the settings the workers take while windows are open, and the
 * checks that refuse what cannot be injected.
 */

/** The faults this module injects. */
export const workerFaultNames: ReadonlySet<FaultName> = new Set(faultsAt('worker'));

const scaleDirections = ['up', 'down', 'both'] as const;

export interface DuplicateRule {
  window: FaultWindow;
  rate: number;
}

export interface LateRule {
  window: FaultWindow;
  rate: number;
  ms: number;
}

export interface ColdStartRule {
  window: FaultWindow;
  ms: number;
  scale?: (typeof scaleDirections)[number];
  everyMs: number;
  max: number;
  /** The functions scaled; undefined: every function of the plan. */
  functions?: WorkerFunction[];
}

export interface CrashRule {
  window: FaultWindow;
  after: number;
  task: SagaTask;
  times: number;
  everyMs: number;
  /** The task's work between heartbeats; undefined: enough for `after` heartbeats, from the profile. */
  workMs?: number;
}

export interface HangRule {
  fromMs: number;
  forMs: number;
  target: WorkerFunction;
  times: number;
  everyMs: number;
}

export interface StopRule {
  window: FaultWindow;
  /** Stops per second; undefined: `count` at once. */
  rate?: number;
  /** Stops in all; undefined: as many as the rate gives while the window lasts. */
  count?: number;
  /** Only sagas in this state (its task entered last): `in=IssueTicket` stops sagas that have charged and sold the seat. */
  state?: SagaTask;
}

/** A run's worker faults, their parameters read and checked. */
export interface WorkerFaultPlan {
  duplicates: DuplicateRule[];
  lates: LateRule[];
  coldStarts: ColdStartRule[];
  crashes: CrashRule[];
  hangs: HangRule[];
  stops: StopRule[];
}

/**
 * Reads and checks the worker faults among `specs` (others are left to their modules);
 * throws a usage error (BooksimError) naming the fault and parameter for a bad value or
 * an unknown parameter. Plain numbers of a duration parameter are milliseconds.
 * - `duplicate-delivery`: `rate` (0.1), the share of deliveries handed over twice.
 * - `late-delivery`: `rate` (0.2), the share of queue messages a worker sits on for `ms`
 *   (1000) before handling them, as a standard queue may deliver late: a FIFO group waits
 *   with its message, a standard queue's later messages overtake it.
 * - `cold-start`: `ms` (1000), paid by each worker's first invocation; `scale` up|down|both
 *   to add and retire worker processes during the run (new ones start cold): one step
 *   every `every` (5s), between 1 and `max` (3) processes, of `function` (default all).
 * - `crash-mid-heartbeat`: SIGKILL of the worker running a `task` (IssueTicket) once it
 *   sent `after` (2) heartbeats for it, `times` (1) times at least `every` (0) apart;
 *   `work` (default from the profile) is the pause the task takes between heartbeats.
 * - `worker-hang`: SIGSTOP of a worker hosting `task` or `function` (IssueTicket; an
 *   activity's worker is stopped holding a task) for `for` (5s), then SIGCONT; from
 *   `from` (0), `times` (1) times, starts at least `every` (twice `for`) apart.
 * - `stop-execution`: StopExecution of RUNNING sagas, `rate` per second or `count` (1) at
 *   once, from `after` (or `from`, 0); with `in` (a saga task), only sagas in that state.
 * Every fault but worker-hang also takes its window, `from` and `for`.
 */
export function parseWorkerFaults(specs: readonly FaultSpec[]): WorkerFaultPlan {
  const plan: WorkerFaultPlan = { duplicates: [], lates: [], coldStarts: [], crashes: [], hangs: [], stops: [] };
  for (const spec of specs) {
    if (!workerFaultNames.has(spec.name)) continue;
    const rateKey = spec.name === 'stop-execution' ? 'rate' : undefined;
    // FaultParamReader has no reader for a positive number (a rate per second): that one key is read here.
    const reader = new FaultParamReader(rateKey === undefined ? spec : { ...spec, params: Object.fromEntries(Object.entries(spec.params).filter(([key]) => key !== rateKey)) });
    switch (spec.name) {
      case 'duplicate-delivery':
        plan.duplicates.push({ window: reader.window(), rate: reader.probability('rate', 0.1) });
        break;
      case 'late-delivery':
        plan.lates.push({ window: reader.window(), rate: reader.probability('rate', 0.2), ms: reader.durationMs('ms', 1000) });
        break;
      case 'cold-start': {
        const scaled = spec.params.function === undefined ? undefined : [reader.choice('function', workerFunctions, 'payment')];
        const scale = spec.params.scale === undefined ? undefined : reader.choice('scale', scaleDirections, 'both');
        plan.coldStarts.push({
          window: reader.window(),
          ms: reader.durationMs('ms', 1000),
          everyMs: reader.durationMs('every', 5000),
          max: reader.integer('max', 3, 1),
          ...(scale ? { scale } : {}),
          ...(scaled ? { functions: scaled } : {}),
        });
        break;
      }
      case 'crash-mid-heartbeat': {
        const workMs = reader.durationMs('work', undefined);
        plan.crashes.push({
          window: reader.window(),
          after: reader.integer('after', 2, 1),
          task: reader.choice('task', sagaTasks, 'IssueTicket'),
          times: reader.integer('times', 1, 1),
          everyMs: reader.durationMs('every', 0),
          ...(workMs === undefined ? {} : { workMs }),
        });
        break;
      }
      case 'worker-hang': {
        if (spec.params.task !== undefined && spec.params.function !== undefined) throw usage(`--fault worker-hang: give task= or function=, not both`);
        const target = spec.params.function === undefined ? reader.choice('task', sagaTasks, 'IssueTicket') : reader.choice('function', workerFunctions, 'payment');
        const forMs = reader.durationMs('for', 5000);
        plan.hangs.push({ fromMs: reader.durationMs('from', 0), forMs, target, times: reader.integer('times', 1, 1), everyMs: reader.durationMs('every', 2 * forMs) });
        break;
      }
      case 'stop-execution': {
        if (spec.params.after !== undefined && spec.params.from !== undefined) throw usage(`--fault stop-execution: give after= or from=, not both`);
        const window = reader.window();
        const fromMs = reader.durationMs('after', window.fromMs);
        const rate = positiveNumber(spec, 'rate');
        const count = spec.params.count === undefined && rate !== undefined ? undefined : reader.integer('count', 1, 1);
        const state = spec.params.in === undefined ? undefined : reader.choice('in', sagaTasks, 'IssueTicket');
        plan.stops.push({ window: { ...window, fromMs }, ...(rate === undefined ? {} : { rate }), ...(count === undefined ? {} : { count }), ...(state ? { state } : {}) });
        break;
      }
      default:
        throw new Error(`${spec.name} is not a worker fault`);
    }
    reader.done();
  }
  return plan;
}

function usage(message: string): BooksimError {
  return new BooksimError(message, ExitCode.usage, ['Write it like NAME:key=value,… (e.g. crash-mid-heartbeat:after=2,times=3).']);
}

function positiveNumber(spec: FaultSpec, key: string): number | undefined {
  const value = spec.params[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
  throw usage(`--fault ${spec.name}: ${key}=${String(value)} is not a positive number`);
}

/** Heartbeats go every third of HeartbeatSeconds (src/runtime/activity-poller.ts). */
const heartbeatIntervalMs = (profile: TimingProfileName, task: SagaTask) => (timingProfile(profile).activities[task].heartbeatSeconds * 1000) / 3;

/**
 * The pause a crash rule's task takes before it starts and after each heartbeat it sends
 * (IssueTicket sends two, so it lives about three pauses): long enough for `after`
 * automatic heartbeats and one more, short enough that the attempt keeps well inside its
 * TimeoutSeconds (a usage error otherwise).
 */
function taskWorkMs(rule: CrashRule, profile: TimingProfileName): number {
  const workMs = rule.workMs ?? Math.ceil(((rule.after + 1) * heartbeatIntervalMs(profile, rule.task)) / 2);
  const timeoutMs = timingProfile(profile).activities[rule.task].timeoutSeconds * 1000;
  if (3 * workMs >= timeoutMs / 2) {
    throw usage(`--fault crash-mid-heartbeat: ${rule.task} cannot work ${workMs} ms between heartbeats (after=${rule.after}) within its ${timeoutMs / 1000} s timeout in the ${profile} profile`);
  }
  return workMs;
}

/**
 * The worker settings the faults call for `elapsedMs` after the load started: the cold
 * start, the duplicate rate, the late deliveries and the tasks' work of the windows open
 * then (the largest, when two overlap; zero when none is).
 */
export function settingsAt(plan: WorkerFaultPlan, profile: TimingProfileName, elapsedMs: number): WorkerSettings {
  const open = <T extends { window: FaultWindow }>(rules: T[]) => rules.filter((rule) => isActive(rule.window, elapsedMs));
  const work: Partial<Record<SagaTask, number>> = Object.fromEntries(sagaTasks.map((task) => [task, 0]));
  for (const rule of open(plan.crashes)) work[rule.task] = Math.max(work[rule.task]!, taskWorkMs(rule, profile));
  const lates = open(plan.lates);
  return {
    coldStartMs: Math.max(0, ...open(plan.coldStarts).map((rule) => rule.ms)),
    faults: {
      duplicateDeliveryRate: Math.max(0, ...open(plan.duplicates).map((rule) => rule.rate)),
      lateDelivery: { rate: Math.max(0, ...lates.map((rule) => rule.rate)), ms: Math.max(0, ...lates.map((rule) => rule.ms)) },
      taskWorkMs: work,
    },
  };
}

/**
 * The worker settings of `specs` at the start of the load, checked (usage errors as
 * {@link parseWorkerFaults}, and a crash whose task cannot fit its work in the profile's
 * timeout): for a supervisor's configuration, so that workers start with them.
 * {@link startWorkerChaos} applies them too; this is for workers that should have them
 * from their very start.
 */
export function workerFaultConfig(specs: readonly FaultSpec[], profile: TimingProfileName): WorkerSettings {
  return settingsAt(checkedPlan(specs, profile), profile, 0);
}

/** {@link parseWorkerFaults}, and every crash rule's work checked against the profile now, not when its window opens mid-run. */
export function checkedPlan(specs: readonly FaultSpec[], profile: TimingProfileName): WorkerFaultPlan {
  const plan = parseWorkerFaults(specs);
  for (const rule of plan.crashes) taskWorkMs(rule, profile);
  return plan;
}
