import { GetExecutionHistoryCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import { sagaTasks, type SagaTask, type TimingProfileName } from '../deploy/saga-profiles.js';
import { BooksimError, describeError, ExitCode } from '../errors.js';
import type { Random } from '../random.js';
import type { Supervisor, SupervisorEvents } from '../runtime/supervisor.js';
import { type WorkerFunction } from '../runtime/worker-messages.js';
import { isActive } from './spec.js';
import { type FaultLogger, type FaultSpec } from '../model/fault.js';
import { Schedule, windowEnd } from './schedule.js';
import { checkedPlan, settingsAt, type ColdStartRule, type CrashRule, type HangRule, type StopRule, type WorkerFaultPlan } from './worker-fault-plan.js';

/**
 * The faults of booksim's worker processes (docs/design.md, Where the functions run; docs/faults.md). Two live in the workers
 * and are switched on and off through {@link Supervisor.configure} as their windows open
 * and close: duplicate delivery, and the cold start (with the task work that makes
 * crash-mid-heartbeat possible). The rest act on the processes from the storm's process:
 * SIGKILL mid-heartbeat, SIGSTOP/SIGCONT, scaling, and StopExecution on running sagas.
 * Windows (`from`, `for`) count from the start of the load, which is when
 * {@link startWorkerChaos} is called.
 */

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

