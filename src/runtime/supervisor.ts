import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { addUsage } from '../cost/meters.js';
import type { FaultReport } from '../model/fault.js';
import type { Usage } from '../model/run.js';
import { addBookingCalls, addCallCounts, type BookingCalls, type CallCounts } from './call-counter.js';
import type { RuntimeLog } from './runtime-log.js';
import { addBookingUsage, type BookingUsage, type UsageReport } from './usage-meter.js';
import { failureText, withSettings, workerConfigVariable, type ParentMessage, type WorkerConfig, type WorkerFailure, type WorkerFunction, type WorkerMessage, type WorkerSettings } from './worker-messages.js';

/** How many worker processes host a function, and how much each takes on at once. */
export interface WorkerPlanEntry {
  function: WorkerFunction;
  concurrency: number;
  processes: number;
}

export interface SupervisorOptions {
  plan: WorkerPlanEntry[];
  /** Everything of a worker's configuration but what the plan says. */
  config: Omit<WorkerConfig, 'function' | 'concurrency'>;
  /** The worker entry to run; default the built dist/runtime/worker-main.js next to this file. */
  script?: string;
  /** How long after an unexpected death a worker is started again (Lambda replaces a crashed one, not at once); default 250. */
  restartDelayMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL; default 15 000 (longer than a worker's own drain). */
  stopTimeoutMs?: number;
}

/** One running worker process. */
export interface WorkerInfo {
  pid: number;
  function: WorkerFunction;
}

/** What a worker's death looked like; `stderr` is the end of what it wrote there. */
export interface WorkerExit extends WorkerInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** The supervisor's events. It never prints: whoever runs it subscribes. */
export interface SupervisorEvents {
  ready: [WorkerInfo];
  /** A worker died while the supervisor was running (not during stop()). */
  exit: [WorkerExit];
  /** A replacement for the worker with `previousPid` started. */
  restart: [WorkerInfo & { previousPid: number }];
  /** The worker sent a task heartbeat: for `bookingId`'s task; `holding` lists the bookings of every task it holds now. */
  heartbeat: [WorkerInfo & { bookingId?: string; holding: string[] }];
  log: [WorkerInfo & RuntimeLog];
  /** A worker injected a fault (duplicate delivery, cold start); its pid and function are in the entry's detail. */
  fault: [FaultReport];
}

/** What {@link Supervisor.scale} did: the workers it started (ready) and those it retired (exited). */
export interface ScaleResult {
  started: WorkerInfo[];
  retired: WorkerInfo[];
}

interface Worker {
  child: ChildProcess;
  info: WorkerInfo;
  entry: WorkerPlanEntry;
  stderr: string;
  /** Why it is failing, as it told before exiting. */
  failure?: WorkerFailure;
  exited: Promise<unknown>;
}

/**
 * A worker that exited before it said ready: why, as it told (`failure`: which call and
 * what AWS answered, or a BooksimError's message), else with the end of its stderr.
 */
export class WorkerStartError extends Error {
  constructor(
    readonly worker: WorkerInfo,
    readonly failure: WorkerFailure | undefined,
    exit: string,
    stderr: string,
  ) {
    const which = `worker ${worker.pid} (${worker.function})`;
    super(failure ? `${which} could not start: ${failureText(failure)}` : `${which} exited before it was ready (${exit}): ${stderr}`);
    this.name = 'WorkerStartError';
  }
}

const stderrTailChars = 4000;
const defaultScript = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/**
 * Runs booksim's worker processes: `processes` per plan entry, each a child with an IPC
 * channel and its configuration in its environment. A worker that dies while the
 * supervisor runs is reported ('exit') and replaced after `restartDelayMs` ('restart'),
 * as Lambda replaces a crashed instance. Call counts and CPU times reported by workers are
 * kept per process, including dead ones, so {@link Supervisor.calls},
 * {@link Supervisor.callsByBooking} and {@link Supervisor.cpu} total the whole run (a killed worker's calls since
 * its last report are lost with it).
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly workers = new Map<number, Worker>();
  /** Each worker's last report of its calls, by pid. */
  private readonly reports = new Map<number, { counts: CallCounts; byBooking: BookingCalls }>();
  /** Each worker's billed usage, by pid: its last total, and every booking's usage as last reported. */
  private readonly usageReports = new Map<number, { total: Usage; byBooking: BookingUsage }>();
  /** Each worker's CPU time (ms, since it started) when it said ready and at its last report, by pid, with the function it hosts. */
  private readonly cpuReports = new Map<number, { function: WorkerFunction; readyMs: number; ms: number }>();
  /** Each worker's last count of the bookings its function decided, by pid. */
  private readonly decidedReports = new Map<number, number>();
  /** Pending restarts of dead workers, with the plan entry each will start. */
  private readonly restarts = new Map<NodeJS.Timeout, WorkerPlanEntry>();
  /** Workers told to stop by a scale-down: their exit is expected, and nobody replaces them. */
  private readonly retiring = new Set<number>();
  /** The plan, by function: `processes` is the number wanted now ({@link Supervisor.scale} changes it). */
  private readonly plan: Map<WorkerFunction, WorkerPlanEntry>;
  /** The configuration new workers get: the options' with {@link Supervisor.configure}'s changes. */
  private config: SupervisorOptions['config'];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.plan = new Map(options.plan.map((entry) => [entry.function, { ...entry }]));
    this.config = options.config;
  }

  /** Starts every worker of the plan; resolves once each has said ready, rejects (a {@link WorkerStartError}) if one dies first. */
  async start(): Promise<void> {
    await Promise.all([...this.plan.values()].flatMap((entry) => Array.from({ length: entry.processes }, () => this.spawn(entry))));
  }

  /**
   * Changes how many worker processes host `fn` (a function of the plan), as Lambda
   * scales: new workers start (and pay their cold start at their first invocation);
   * surplus ones are retired with SIGTERM, drain their work and exit (the newest first;
   * a pending restart of a dead worker is dropped before a live one is retired). Resolves
   * once the new workers are ready and the retired ones have exited; rejects if a new one
   * dies before it is ready (it is then restarted like any dead worker).
   */
  async scale(fn: WorkerFunction, processes: number): Promise<ScaleResult> {
    const entry = this.plan.get(fn);
    if (!entry) throw new Error(`no worker hosts ${fn}: it is not in the plan`);
    if (!Number.isInteger(processes) || processes < 0) throw new Error(`cannot run ${processes} workers`);
    if (this.stopping) return { started: [], retired: [] };
    entry.processes = processes;
    let surplus = this.wanted(fn) - processes;
    for (const [timer, restart] of this.restarts) {
      if (surplus <= 0) break;
      if (restart.function !== fn) continue;
      clearTimeout(timer);
      this.restarts.delete(timer);
      surplus -= 1;
    }
    const retired = this.live(fn).slice(Math.max(0, this.live(fn).length - surplus));
    for (const worker of retired) {
      this.retiring.add(worker.info.pid);
      worker.child.kill('SIGTERM');
      // A hung (SIGSTOPped) worker would keep the signal pending.
      worker.child.kill('SIGCONT');
    }
    const started = await Promise.all(Array.from({ length: Math.max(0, -surplus) }, () => this.spawn(entry)));
    await Promise.all(retired.map((worker) => worker.exited));
    return { started, retired: retired.map((worker) => ({ ...worker.info })) };
  }

  /** The plan as it is now: every hosted function, with the number of processes it should have. */
  planned(): WorkerPlanEntry[] {
    return [...this.plan.values()].map((entry) => ({ ...entry }));
  }

  /**
   * Changes workers' settings (a chaos window opening or closing): workers started from
   * now on get them in their configuration, running ones over IPC (`faults` merged key by
   * key; a new `coldStartMs` is paid by a worker not yet invoked).
   */
  configure(settings: WorkerSettings): void {
    this.config = withSettings(this.config, settings);
    const message: ParentMessage = { type: 'configure', settings };
    // A worker dying meanwhile misses it, as it should: the callback keeps its closed channel from raising an 'error'.
    for (const { child } of this.workers.values()) if (child.connected) child.send(message, () => undefined);
  }

  /** The workers running now. */
  running(): WorkerInfo[] {
    return [...this.workers.values()].map((worker) => ({ ...worker.info }));
  }

  /** Sends a signal to one worker (a fault: SIGKILL is a crash, SIGSTOP a hang); false if no such worker runs. */
  kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    return this.workers.get(pid)?.child.kill(signal) ?? false;
  }

  /** Calls made by every worker so far, by service and operation. */
  calls(): CallCounts {
    return addCallCounts(...[...this.reports.values()].map((report) => report.counts));
  }

  /** Calls made by every worker so far in the scope of a booking, by bookingId. */
  callsByBooking(): BookingCalls {
    return addBookingCalls(...[...this.reports.values()].map((report) => report.byBooking));
  }

  /** The billed usage of every worker so far (src/runtime/usage-meter.ts), in total and by booking; dead workers' included, as with calls. */
  usage(): UsageReport {
    const reports = [...this.usageReports.values()];
    return { total: addUsage(...reports.map((report) => report.total)), byBooking: addBookingUsage(...reports.map((report) => report.byBooking)) };
  }

  /**
   * Bookings the workers' functions have moved to a final status so far, as last reported
   * (within 100 ms of a decision: src/runtime/decision-reporter.ts): a live count, that
   * much behind, and short of what a killed worker decided since its last report.
   */
  decided(): number {
    let total = 0;
    for (const count of this.decidedReports.values()) total += count;
    return total;
  }

  /**
   * CPU time (user + system, ms) every worker has used since it said ready, by the
   * function it hosts: the sum over its processes, dead and retired ones included (a
   * killed worker's CPU since its last report is lost with it). Start-up (loading the
   * code, looking up the queue or activity) is left out: it says nothing of the cost of
   * the work.
   */
  cpu(): Partial<Record<WorkerFunction, number>> {
    const byFunction: Partial<Record<WorkerFunction, number>> = {};
    for (const report of this.cpuReports.values()) byFunction[report.function] = (byFunction[report.function] ?? 0) + report.ms - report.readyMs;
    return byFunction;
  }

  /** Stops every worker: SIGTERM, then SIGKILL for those still alive after `stopTimeoutMs`. Nothing is restarted from here on. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.restarts.keys()) clearTimeout(timer);
    const workers = [...this.workers.values()];
    for (const worker of workers) {
      worker.child.kill('SIGTERM');
      // A hung (SIGSTOPped) worker acts on SIGTERM only once it runs again.
      worker.child.kill('SIGCONT');
    }
    const timeout = setTimeout(() => workers.forEach((worker) => worker.child.kill('SIGKILL')), this.options.stopTimeoutMs ?? 15_000);
    await Promise.all(workers.map((worker) => worker.exited));
    clearTimeout(timeout);
  }

  /** The workers of `fn` that are not being retired, oldest first. */
  private live(fn: WorkerFunction): Worker[] {
    return [...this.workers.values()].filter((worker) => worker.info.function === fn && !this.retiring.has(worker.info.pid));
  }

  /** How many workers of `fn` there are or soon will be: live ones and pending restarts. */
  private wanted(fn: WorkerFunction): number {
    return this.live(fn).length + [...this.restarts.values()].filter((entry) => entry.function === fn).length;
  }

  private spawn(entry: WorkerPlanEntry, previousPid?: number): Promise<WorkerInfo> {
    const config: WorkerConfig = { ...this.config, function: entry.function, concurrency: entry.concurrency };
    const child = fork(this.options.script ?? defaultScript, [], {
      env: { ...process.env, [workerConfigVariable]: JSON.stringify(config) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const info: WorkerInfo = { pid: child.pid!, function: entry.function };
    // 'close', not 'exit': a worker counts as gone once its last reports (calls, CPU) are in.
    const worker: Worker = { child, info, entry, stderr: '', exited: once(child, 'close') };
    this.workers.set(info.pid, worker);
    child.stderr!.on('data', (chunk: Buffer) => (worker.stderr = (worker.stderr + chunk.toString()).slice(-stderrTailChars)));
    child.once('exit', (code, signal) => this.exited(worker, code, signal));
    const ready = new Promise<WorkerInfo>((resolve, reject) => {
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          this.cpuReports.set(info.pid, { function: info.function, readyMs: message.cpuMs, ms: message.cpuMs });
          resolve({ ...info });
          this.emit('ready', { ...info });
          if (previousPid !== undefined) this.emit('restart', { ...info, previousPid });
        } else if (message.type === 'failed') worker.failure = message.failure;
        else this.received(info, message);
      });
      // 'close' comes after the last IPC message and stderr chunk are in, unlike 'exit': the failure it told is known.
      child.once('close', (code, signal) => reject(new WorkerStartError({ ...info }, worker.failure, String(signal ?? code), worker.stderr)));
    });
    // A restarted worker that dies before it is ready is restarted again through its exit; nobody awaits it.
    if (previousPid !== undefined) ready.catch(() => undefined);
    return ready;
  }

  private received(info: WorkerInfo, message: WorkerMessage): void {
    if (message.type === 'calls') this.reports.set(info.pid, { counts: message.counts, byBooking: message.byBooking });
    else if (message.type === 'usage') {
      const kept = this.usageReports.get(info.pid) ?? { total: {}, byBooking: {} };
      this.usageReports.set(info.pid, { total: message.total, byBooking: Object.assign(kept.byBooking, message.byBooking) });
    }
    else if (message.type === 'cpu') {
      // A report before ready is start-up's, which cpu() leaves out.
      const report = this.cpuReports.get(info.pid);
      if (report) report.ms = message.ms;
    }
    else if (message.type === 'decided') this.decidedReports.set(info.pid, message.total);
    else if (message.type === 'heartbeat') this.emit('heartbeat', { ...info, holding: message.holding, ...(message.bookingId === undefined ? {} : { bookingId: message.bookingId }) });
    else if (message.type === 'log') this.emit('log', { ...info, ...message.entry });
    else if (message.type === 'fault') this.emit('fault', { ...message.entry, detail: { ...message.entry.detail, pid: info.pid, function: info.function } });
  }

  private exited(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker.info.pid);
    if (this.retiring.delete(worker.info.pid) || this.stopping) return;
    this.emit('exit', { ...worker.info, code, signal, stderr: worker.stderr });
    // A scale-down meanwhile may have made the replacement surplus.
    if (this.wanted(worker.entry.function) >= worker.entry.processes) return;
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      void this.spawn(worker.entry, worker.info.pid);
    }, this.options.restartDelayMs ?? 250);
    this.restarts.set(timer, worker.entry);
  }
}
