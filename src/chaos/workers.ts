import { GetExecutionHistoryCommand, ListExecutionsCommand, paginateGetExecutionHistory, paginateListExecutions, StopExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../aws/clients.js';
import type { Clock, Timer } from '../clock.js';
import { sagaTasks, timingProfile, type SagaTask, type TimingProfileName } from '../deploy/saga-profiles.js';
import { BooksimError, describeError, ExitCode } from '../errors.js';
import type { Random } from '../random.js';
import type { Supervisor, SupervisorEvents } from '../runtime/supervisor.js';
import { workerFunctions, type WorkerFunction, type WorkerSettings } from '../runtime/worker-messages.js';
import { FaultParamReader, isActive } from './faults.js';
import { faultsAt, type FaultLogEntry, type FaultLogger, type FaultName, type FaultSpec, type FaultWindow } from '../model/fault.js';

/**
 * The faults of booksim's worker processes (docs/design.md, Where the functions run; docs/faults.md). Two live in the workers
 * and are switched on and off through {@link Supervisor.configure} as their windows open
 * and close: duplicate delivery, and the cold start (with the task work that makes
 * crash-mid-heartbeat possible). The rest act on the processes from the storm's process:
 * SIGKILL mid-heartbeat, SIGSTOP/SIGCONT, scaling, and StopExecution on running sagas.
 * Windows (`from`, `for`) count from the start of the load, which is when
 * {@link startWorkerChaos} is called.
 */

/** The faults this module injects. */
export const workerFaultNames: ReadonlySet<FaultName> = new Set(faultsAt('worker'));

const scaleDirections = ['up', 'down', 'both'] as const;

interface DuplicateRule {
  window: FaultWindow;
  rate: number;
}

interface LateRule {
  window: FaultWindow;
  rate: number;
  ms: number;
}

interface ColdStartRule {
  window: FaultWindow;
  ms: number;
  scale?: (typeof scaleDirections)[number];
  everyMs: number;
  max: number;
  /** The functions scaled; undefined: every function of the plan. */
  functions?: WorkerFunction[];
}

interface CrashRule {
  window: FaultWindow;
  after: number;
  task: SagaTask;
  times: number;
  everyMs: number;
  /** The task's work between heartbeats; undefined: enough for `after` heartbeats, from the profile. */
  workMs?: number;
}

interface HangRule {
  fromMs: number;
  forMs: number;
  target: WorkerFunction;
  times: number;
  everyMs: number;
}

interface StopRule {
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
function settingsAt(plan: WorkerFaultPlan, profile: TimingProfileName, elapsedMs: number): WorkerSettings {
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
function checkedPlan(specs: readonly FaultSpec[], profile: TimingProfileName): WorkerFaultPlan {
  const plan = parseWorkerFaults(specs);
  for (const rule of plan.crashes) taskWorkMs(rule, profile);
  return plan;
}

export interface WorkerChaosOptions {
  supervisor: Supervisor;
  clients: Pick<AwsClients, 'sfn'>;
  /** The stack's saga, whose RUNNING executions stop-execution stops. */
  stateMachineArn: string;
  /** The run's faults; those that are not worker faults are ignored. */
  specs: readonly FaultSpec[];
  /** The deployed saga's profile: heartbeat intervals and timeouts. */
  profile: TimingProfileName;
  /** Draws the workers' duplicate seed, which workers to hang and which executions to stop. */
  random: Random;
  log: FaultLogger;
  clock: Clock;
}

/** The running worker faults. */
export interface WorkerChaos {
  /**
   * Heals and stops: resumes hung workers, closes every window (workers back to no
   * faults), stops scheduling, and waits for the scaling and stopping in progress.
   */
  stop(): Promise<void>;
}

/** Refuses a fault aimed at a function no worker hosts (inventory and payment in the direct-chain topology, where the booking API calls them). */
function refuseUnhosted(plan: WorkerFaultPlan, supervisor: Supervisor): void {
  const hosted = new Set(supervisor.planned().map((entry) => entry.function));
  const targets = [...plan.coldStarts.flatMap((rule) => rule.functions ?? []), ...plan.hangs.map((rule) => rule.target)];
  const unhosted = [...new Set(targets.filter((fn) => !hosted.has(fn)))];
  if (unhosted.length > 0) {
    throw new BooksimError(`no worker hosts ${unhosted.join(', ')} in this stack's topology, so a fault cannot target it`, ExitCode.usage, [
      `Aim function= at one of: ${[...hosted].join(', ')}.`,
    ]);
  }
}

/**
 * Starts the worker faults of `specs` against a started supervisor; call it when the load
 * starts (windows count from here). Logs every injection through `log`, including those
 * the workers report (the supervisor's 'fault' events). The `crash-mid-heartbeat` entries
 * carry what {@link detectionLatencies} reads. Throws a usage error for bad parameters
 * before anything is injected.
 */
export function startWorkerChaos(options: WorkerChaosOptions): WorkerChaos {
  const plan = checkedPlan(options.specs, options.profile);
  refuseUnhosted(plan, options.supervisor);
  // A run without worker faults leaves the workers exactly as they were started.
  if (Object.values(plan).every((rules: unknown[]) => rules.length === 0)) return { stop: async () => undefined };
  const { supervisor, clock, log } = options;
  const startedAt = clock.now();
  const schedule = new Schedule(clock);
  const work = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    const tracked = promise.finally(() => work.delete(tracked));
    work.add(tracked);
  };
  const elapsed = () => clock.now() - startedAt;
  const listeners: Array<() => void> = [];
  const listen = <K extends keyof SupervisorEvents>(event: K, listener: (...args: SupervisorEvents[K]) => void) => {
    supervisor.on(event, listener as never);
    listeners.push(() => supervisor.off(event, listener as never));
  };

  listen('fault', (entry) => log(entry));
  // The workers' own faults: set now, and again at every window's edge.
  const initial = settingsAt(plan, options.profile, 0);
  supervisor.configure({ ...initial, faults: { ...initial.faults, seed: Math.floor(options.random() * 2 ** 31) } });
  // The edges of every rule with a window, not of a list of the kinds settingsAt reads: a kind left off such a list never opened nor healed (late-delivery once). Where nothing changes, the same settings are set again.
  const windows = Object.values(plan)
    .flat()
    .flatMap((rule) => ('window' in rule ? [rule.window] : []));
  const edges = new Set(windows.flatMap((window) => [window.fromMs, windowEnd(window)]));
  // Read at the edge itself, not the time the timer fired: a timer may fire a millisecond early.
  for (const edge of edges) if (edge > 0 && edge < Infinity) schedule.at(edge, () => supervisor.configure(settingsAt(plan, options.profile, edge)));

  for (const rule of plan.coldStarts) if (rule.scale) scaleWorkers(rule, { supervisor, schedule, track, log });
  for (const rule of plan.crashes) listen('heartbeat', crashController(rule, { ...options, elapsed }));
  const hangs = plan.hangs.map((rule) => hangController(rule, { ...options, schedule, listen }));
  for (const rule of plan.stops) stopExecutions(rule, { ...options, schedule, track, elapsed });

  return {
    async stop() {
      schedule.cancel();
      for (const off of listeners.splice(0)) off();
      for (const hang of hangs) hang.heal();
      await Promise.allSettled([...work]);
      supervisor.configure({ coldStartMs: 0, faults: { duplicateDeliveryRate: 0, lateDelivery: { rate: 0, ms: 0 }, taskWorkMs: {} } });
    },
  };
}

const windowEnd = (window: FaultWindow): number => (window.forMs === undefined ? Infinity : window.fromMs + window.forMs);

/** Timers on the run's clock, cancelled together. */
class Schedule {
  private readonly timers = new Set<Timer>();
  private readonly origin: number;
  private cancelled = false;

  constructor(private readonly clock: Clock) {
    this.origin = clock.now();
  }

  /** Runs `fn` once, `delayMs` from now; nothing after cancel(). */
  after(delayMs: number, fn: () => void): void {
    if (this.cancelled) return;
    const timer = this.clock.setTimer(delayMs, () => {
      this.timers.delete(timer);
      fn();
    });
    this.timers.add(timer);
  }

  /** Runs `fn` once, `ms` after the schedule was made (at once if that is past). */
  at(ms: number, fn: () => void): void {
    this.after(this.origin + ms - this.clock.now(), fn);
  }

  cancel(): void {
    this.cancelled = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }
}

/**
 * cold-start with `scale`: one step every `everyMs` while the window is open, each scaled
 * function one process up or down between 1 and `max` (down first jumps to `max`; both
 * goes up to `max`, then down to 1, and again). Each step is logged with the workers it
 * started (cold) and retired; a step due while the last is still in progress is skipped.
 */
function scaleWorkers(
  rule: ColdStartRule,
  deps: { supervisor: Supervisor; schedule: Schedule; track(promise: Promise<unknown>): void; log: FaultLogger },
): void {
  const { supervisor, log } = deps;
  const functions = rule.functions ?? supervisor.planned().map((entry) => entry.function);
  const direction = new Map<WorkerFunction, 1 | -1>(functions.map((fn) => [fn, rule.scale === 'down' ? -1 : 1]));
  const next = (fn: WorkerFunction, processes: number): number => {
    if (rule.scale === 'both') {
      if (processes >= rule.max) direction.set(fn, -1);
      else if (processes <= 1) direction.set(fn, 1);
    }
    return Math.min(rule.max, Math.max(1, processes + direction.get(fn)!));
  };
  const scaleTo = async (fn: WorkerFunction, from: number, to: number) => {
    if (from === to) return;
    try {
      const { started, retired } = await supervisor.scale(fn, to);
      log({
        fault: 'cold-start',
        action: `scaled ${fn} from ${from} to ${to} worker(s)`,
        detail: { function: fn, processes: to, started: started.map((worker) => worker.pid), retired: retired.map((worker) => worker.pid), coldStartMs: rule.ms },
      });
    } catch (error) {
      log({ fault: 'cold-start', action: `scaling ${fn} to ${to} worker(s) failed: ${describeError(error)}`, detail: { function: fn, processes: to } });
    }
  };
  let busy = false;
  const step = (first: boolean) => {
    if (busy) return;
    busy = true;
    const now = new Map(supervisor.planned().map((entry) => [entry.function, entry.processes]));
    const steps = functions.map((fn) => {
      const processes = now.get(fn) ?? 0;
      return scaleTo(fn, processes, first && rule.scale === 'down' ? rule.max : next(fn, processes));
    });
    deps.track(Promise.all(steps).finally(() => (busy = false)));
  };
  const tick = (n: number) => {
    step(n === 0);
    const at = rule.window.fromMs + (n + 1) * rule.everyMs;
    if (at < windowEnd(rule.window)) deps.schedule.at(at, () => tick(n + 1));
  };
  deps.schedule.at(rule.window.fromMs, () => tick(0));
}

/**
 * crash-mid-heartbeat: counts the heartbeats of each task of `rule.task` (by worker and
 * booking) while the window is open; when one reaches `after`, SIGKILLs its worker (the
 * supervisor restarts it, as Lambda would) and logs the kill with what
 * {@link detectionLatencies} needs: the pid, the time, the bookings of the tasks it held
 * and the saga's ARN. At most `times` kills, `everyMs` apart.
 */
function crashController(
  rule: CrashRule,
  deps: { supervisor: Supervisor; stateMachineArn: string; log: FaultLogger; clock: Clock; elapsed(): number },
): (heartbeat: SupervisorEvents['heartbeat'][0]) => void {
  const heartbeats = new Map<string, number>();
  const killed = new Set<number>();
  let kills = 0;
  let lastKillAt = -Infinity;
  return (heartbeat) => {
    if (heartbeat.function !== rule.task || killed.has(heartbeat.pid) || kills >= rule.times || !isActive(rule.window, deps.elapsed())) return;
    const key = `${heartbeat.pid}/${heartbeat.bookingId ?? ''}`;
    const count = (heartbeats.get(key) ?? 0) + 1;
    heartbeats.set(key, count);
    const now = deps.clock.now();
    if (count < rule.after || now - lastKillAt < rule.everyMs) return;
    if (!deps.supervisor.kill(heartbeat.pid, 'SIGKILL')) return;
    killed.add(heartbeat.pid);
    kills += 1;
    lastKillAt = now;
    deps.log({
      fault: 'crash-mid-heartbeat',
      action: `killed worker ${heartbeat.pid} (${rule.task}) after ${count} heartbeat(s)`,
      ...(heartbeat.bookingId === undefined ? {} : { bookingId: heartbeat.bookingId }),
      detail: { pid: heartbeat.pid, task: rule.task, heartbeats: count, killedAt: now, bookingIds: heartbeat.holding, stateMachineArn: deps.stateMachineArn },
    });
  };
}

interface Hang {
  /** Resumes the worker hung now, if one is. */
  heal(): void;
}

/**
 * worker-hang: from `fromMs`, `times` times with starts `everyMs` apart, SIGSTOPs a
 * worker of `rule.target` (one that just sent a heartbeat, for an activity, so that it
 * hangs holding a task; one drawn at random for a queue function), and SIGCONTs it
 * `forMs` later: alive and silent meanwhile. Both logged.
 */
function hangController(
  rule: HangRule,
  deps: {
    supervisor: Supervisor;
    schedule: Schedule;
    listen<K extends keyof SupervisorEvents>(event: K, listener: (...args: SupervisorEvents[K]) => void): void;
    random: Random;
    log: FaultLogger;
    clock: Clock;
  },
): Hang {
  const { supervisor, schedule, log, clock } = deps;
  const activity = (sagaTasks as readonly string[]).includes(rule.target);
  /** Hangs started so far, and those due by now (the schedule arms them one by one). */
  let hangs = 0;
  let due = 0;
  let hung: { pid: number; since: number } | undefined;
  const hang = (pid: number, bookingId?: string, holding: string[] = []) => {
    if (!supervisor.kill(pid, 'SIGSTOP')) return;
    hangs += 1;
    hung = { pid, since: clock.now() };
    log({ fault: 'worker-hang', action: `stopped worker ${pid} (${rule.target}) for ${rule.forMs} ms`, ...(bookingId === undefined ? {} : { bookingId }), detail: { pid, function: rule.target, forMs: rule.forMs, bookingIds: holding } });
    schedule.after(rule.forMs, heal);
  };
  /** A queue function's worker is drawn at once; an activity's waits for a heartbeat (see below). */
  const tryHang = () => {
    if (activity || hung || hangs >= due) return;
    const candidates = supervisor.running().filter((worker) => worker.function === rule.target);
    const chosen = candidates[Math.floor(deps.random() * candidates.length)];
    if (chosen) hang(chosen.pid);
  };
  const heal = () => {
    if (!hung) return;
    const { pid, since } = hung;
    hung = undefined;
    const resumed = supervisor.kill(pid, 'SIGCONT');
    log({ fault: 'worker-hang', action: resumed ? `healed: resumed worker ${pid} (${rule.target})` : `healed: worker ${pid} (${rule.target}) had gone`, detail: { pid, function: rule.target, hungMs: clock.now() - since } });
    // A hang that fell due meanwhile starts now.
    tryHang();
  };
  const arm = (n: number) => {
    due = n + 1;
    if (n + 1 < rule.times) schedule.at(rule.fromMs + (n + 1) * rule.everyMs, () => arm(n + 1));
    tryHang();
  };
  if (activity) {
    deps.listen('heartbeat', (heartbeat) => {
      if (!hung && hangs < due && heartbeat.function === rule.target) hang(heartbeat.pid, heartbeat.bookingId, heartbeat.holding);
    });
  }
  schedule.at(rule.fromMs, () => arm(0));
  return { heal };
}

/**
 * stop-execution: while the window is open, stops RUNNING executions of the saga (drawn
 * from the first page of ListExecutions), one every 1/rate s, or `count` at once (again
 * every second until that many were stopped), `count` in all. Stopped sagas leave their
 * bookings stuck for the reconciler. Each stop is logged with its bookingId (the
 * execution's name).
 */
function stopExecutions(
  rule: StopRule,
  deps: { clients: Pick<AwsClients, 'sfn'>; stateMachineArn: string; schedule: Schedule; track(promise: Promise<unknown>): void; random: Random; log: FaultLogger; elapsed(): number },
): void {
  const stopped = new Set<string>();
  const remaining = () => (rule.count === undefined ? Infinity : rule.count - stopped.size);
  const intervalMs = rule.rate === undefined ? 1000 : 1000 / rule.rate;
  const tick = async () => {
    if (!isActive(rule.window, deps.elapsed()) || remaining() <= 0) return;
    try {
      const { executions = [] } = await deps.clients.sfn.send(
        // One page is enough to draw from; a stop needs no complete list.
        new ListExecutionsCommand({ stateMachineArn: deps.stateMachineArn, statusFilter: 'RUNNING', maxResults: 100 }),
      );
      const running = executions.filter((execution) => !stopped.has(execution.executionArn!));
      const candidates = rule.state === undefined ? running : await inState(deps.clients, running, rule.state);
      for (let n = Math.min(rule.rate === undefined ? remaining() : 1, candidates.length); n > 0; n--) {
        const [execution] = candidates.splice(Math.floor(deps.random() * candidates.length), 1);
        const { executionArn, name } = execution!;
        await deps.clients.sfn.send(new StopExecutionCommand({ executionArn, error: 'booksim.StopExecution', cause: 'stop-execution fault: the booking is left stuck for the reconciler' }));
        stopped.add(executionArn!);
        deps.log({ fault: 'stop-execution', action: 'stopped the running saga', ...(name ? { bookingId: name } : {}), detail: { executionArn } });
      }
    } catch (error) {
      // An execution that ended meanwhile, or a failing call: the next tick tries again.
      deps.log({ fault: 'stop-execution', action: `could not stop an execution: ${describeError(error)}` });
    }
  };
  const loop = () => {
    deps.track(
      tick().finally(() => {
        if (remaining() > 0 && deps.elapsed() + intervalMs < windowEnd(rule.window)) deps.schedule.after(intervalMs, loop);
      }),
    );
  };
  deps.schedule.at(rule.window.fromMs, loop);
}

/** The executions whose latest state entered is `state` (one short reverse history page each). */
async function inState<T extends { executionArn?: string }>(clients: Pick<AwsClients, 'sfn'>, executions: T[], state: SagaTask): Promise<T[]> {
  const current = await Promise.all(
    executions.map(async (execution) => {
      const { events = [] } = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, reverseOrder: true, maxResults: 20 }));
      return events.find((event) => event.type === 'TaskStateEntered')?.stateEnteredEventDetails?.name;
    }),
  );
  return executions.filter((_, i) => current[i] === state);
}

/**
 * How long Step Functions took to notice each kill of crash-mid-heartbeat: for every kill
 * logged (entries of another fault, or without `killedAt`, are skipped) and every booking
 * whose task the killed worker held, the time from the kill to the ActivityTimedOut
 * (HeartbeatTimeout; States.Timeout on some emulators) of the attempt that was running,
 * read from the execution's history. A task that ended otherwise (it finished before the
 * kill landed) gives no figure. Reads ListExecutions (to find the executions, named by
 * bookingId) and GetExecutionHistory; SDK errors pass through.
 */
export async function detectionLatencies(clients: Pick<AwsClients, 'sfn'>, kills: ReadonlyArray<Pick<FaultLogEntry, 'fault' | 'detail'>>): Promise<number[]> {
  const wanted = kills.flatMap((entry) => {
    const detail = entry.detail ?? {};
    if (entry.fault !== 'crash-mid-heartbeat' || typeof detail.killedAt !== 'number' || typeof detail.stateMachineArn !== 'string') return [];
    const bookingIds = Array.isArray(detail.bookingIds) ? detail.bookingIds.filter((id): id is string => typeof id === 'string') : [];
    return bookingIds.map((bookingId) => ({ killedAt: detail.killedAt as number, stateMachineArn: detail.stateMachineArn as string, bookingId }));
  });
  const arns = new Map<string, Map<string, string>>();
  for (const [stateMachineArn, names] of groupBy(wanted, (kill) => kill.stateMachineArn)) {
    arns.set(stateMachineArn, await executionArns(clients, stateMachineArn, new Set(names.map((kill) => kill.bookingId))));
  }
  const latencies: number[] = [];
  for (const kill of wanted) {
    const executionArn = arns.get(kill.stateMachineArn)!.get(kill.bookingId);
    if (executionArn === undefined) continue;
    const latency = detectionLatency(await executionHistory(clients, executionArn), kill.killedAt);
    if (latency !== undefined) latencies.push(latency);
  }
  return latencies;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** The ARNs of the executions with these names (ARNs are read, never built); stops listing once all are found. */
async function executionArns(clients: Pick<AwsClients, 'sfn'>, stateMachineArn: string, names: ReadonlySet<string>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const page of paginateListExecutions({ client: clients.sfn, pageSize: 1000 }, { stateMachineArn })) {
    for (const execution of page.executions ?? []) if (names.has(execution.name!)) found.set(execution.name!, execution.executionArn!);
    if (found.size === names.size) break;
  }
  return found;
}

async function executionHistory(clients: Pick<AwsClients, 'sfn'>, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: clients.sfn, pageSize: 1000 }, { executionArn })) events.push(...(page.events ?? []));
  return events;
}

const activityEnds = new Set(['ActivitySucceeded', 'ActivityFailed', 'ActivityTimedOut']);

/**
 * Pure part of {@link detectionLatencies}: the attempt running at `killedAt` is the last
 * activity started by then (the saga runs one task at a time); ms from the kill to its
 * end, when that end is a timeout.
 */
export function detectionLatency(history: readonly HistoryEvent[], killedAt: number): number | undefined {
  const started = history.findLastIndex((event) => event.type === 'ActivityStarted' && event.timestamp!.getTime() <= killedAt);
  if (started < 0) return undefined;
  const end = history.slice(started + 1).find((event) => activityEnds.has(event.type!));
  return end?.type === 'ActivityTimedOut' ? end.timestamp!.getTime() - killedAt : undefined;
}
