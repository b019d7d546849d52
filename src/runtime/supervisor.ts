import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { addBookingCalls, addCallCounts, type BookingCalls, type CallCounts } from './call-counter.js';
import type { RuntimeLog } from './runtime-log.js';
import { workerConfigVariable, type WorkerConfig, type WorkerFunction, type WorkerMessage } from './worker.js';

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
  /** The worker sent a task heartbeat. */
  heartbeat: [WorkerInfo];
  log: [WorkerInfo & RuntimeLog];
}

interface Worker {
  child: ChildProcess;
  info: WorkerInfo;
  entry: WorkerPlanEntry;
  stderr: string;
  exited: Promise<unknown>;
}

const stderrTailChars = 4000;
const defaultScript = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/**
 * Runs booksim's worker processes: `processes` per plan entry, each a child with an IPC
 * channel and its configuration in its environment. A worker that dies while the
 * supervisor runs is reported ('exit') and replaced after `restartDelayMs` ('restart'),
 * as Lambda replaces a crashed instance. Call counts reported by workers are kept per
 * process, including dead ones, so {@link Supervisor.calls} and
 * {@link Supervisor.callsByBooking} total the whole run (a killed worker's calls since
 * its last report are lost with it).
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly workers = new Map<number, Worker>();
  /** Each worker's last report of its calls, by pid. */
  private readonly reports = new Map<number, { counts: CallCounts; byBooking: BookingCalls }>();
  private readonly restarts = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    super();
  }

  /** Starts every worker of the plan; resolves once each has said ready, rejects if one dies first. */
  async start(): Promise<void> {
    await Promise.all(this.options.plan.flatMap((entry) => Array.from({ length: entry.processes }, () => this.spawn(entry))));
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

  /** Stops every worker: SIGTERM, then SIGKILL for those still alive after `stopTimeoutMs`. Nothing is restarted from here on. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.restarts) clearTimeout(timer);
    const workers = [...this.workers.values()];
    for (const worker of workers) worker.child.kill('SIGTERM');
    const timeout = setTimeout(() => workers.forEach((worker) => worker.child.kill('SIGKILL')), this.options.stopTimeoutMs ?? 15_000);
    await Promise.all(workers.map((worker) => worker.exited));
    clearTimeout(timeout);
  }

  private spawn(entry: WorkerPlanEntry, previousPid?: number): Promise<void> {
    const config: WorkerConfig = { ...this.options.config, function: entry.function, concurrency: entry.concurrency };
    const child = fork(this.options.script ?? defaultScript, [], {
      env: { ...process.env, [workerConfigVariable]: JSON.stringify(config) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const info: WorkerInfo = { pid: child.pid!, function: entry.function };
    const worker: Worker = { child, info, entry, stderr: '', exited: once(child, 'exit') };
    this.workers.set(info.pid, worker);
    child.stderr!.on('data', (chunk: Buffer) => (worker.stderr = (worker.stderr + chunk.toString()).slice(-stderrTailChars)));
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          resolve();
          this.emit('ready', { ...info });
          if (previousPid !== undefined) this.emit('restart', { ...info, previousPid });
        } else this.received(info, message);
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`worker ${info.pid} (${info.function}) exited before it was ready (${signal ?? code}): ${worker.stderr}`));
        this.exited(worker, code, signal);
      });
    });
    // A restarted worker that dies before it is ready is restarted again through its exit; nobody awaits it.
    if (previousPid !== undefined) ready.catch(() => undefined);
    return ready;
  }

  private received(info: WorkerInfo, message: WorkerMessage): void {
    if (message.type === 'calls') this.reports.set(info.pid, { counts: message.counts, byBooking: message.byBooking });
    else if (message.type === 'heartbeat') this.emit('heartbeat', { ...info });
    else if (message.type === 'log') this.emit('log', { ...info, ...message.entry });
  }

  private exited(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker.info.pid);
    if (this.stopping) return;
    this.emit('exit', { ...worker.info, code, signal, stderr: worker.stderr });
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      void this.spawn(worker.entry, worker.info.pid);
    }, this.options.restartDelayMs ?? 250);
    this.restarts.add(timer);
  }
}
