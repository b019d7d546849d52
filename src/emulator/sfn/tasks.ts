import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../../clock.js';
import { AwsError } from '../aws-error.js';
import { Signal } from '../signal.js';
import { heartbeatTimeoutError } from './definition.js';
import type { History } from './history.js';

/**
 * A task failure handed to the interpreter: its `name` is the error that Retry and Catch
 * match (States.Timeout, PaymentDeclined, …), its message the cause. A missed heartbeat
 * is named {@link heartbeatTimeoutError} here only, so that catchers can tell it from a
 * task timeout; everywhere AWS shows it (history, the execution's failure) it is
 * States.Timeout.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause?: string) {
    super(cause ?? '');
    this.name = error;
  }
}

/** How a waiting task is named in history: an activity, or a service task with a callback token. */
export type TaskKind = 'Activity' | 'Task';

export interface TaskSpec {
  kind: TaskKind;
  executionArn: string;
  history: History;
  /** Extra details for the Task* events (resourceType, resource) of callback tasks. */
  resourceDetails?: Record<string, string>;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

/** A task waiting for a worker or a callback: it ends by success, failure, timeout or the execution stopping. */
export class PendingTask {
  readonly done: Promise<unknown>;
  private resolve!: (output: unknown) => void;
  private reject!: (error: Error) => void;
  private timeout: Timer | undefined;
  private heartbeat: Timer | undefined;
  private open = true;

  constructor(
    readonly token: string,
    readonly spec: TaskSpec,
    readonly input: string,
    private readonly clock: Clock,
    /** Told once when the task ends, however it ends. */
    private readonly onClose: (task: PendingTask) => void = () => {},
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // An abandoned task may have nobody waiting on it any more.
    this.done.catch(() => undefined);
    if (spec.timeoutSeconds !== undefined) {
      this.timeout = clock.setTimer(spec.timeoutSeconds * 1000, () => this.timedOut('task'));
    }
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The task now has a worker (or its callback was sent): heartbeats are due from here. */
  started(): void {
    this.restartHeartbeat();
  }

  /** A heartbeat: the worker is alive, the heartbeat timer starts over. */
  beat(): void {
    this.restartHeartbeat();
  }

  succeed(output: string): void {
    this.record('Succeeded', { output });
    this.close();
    this.resolve(JSON.parse(output));
  }

  fail(error: string | undefined, cause: string | undefined): void {
    this.record('Failed', { error, cause });
    this.close();
    this.reject(new TaskFailure(error ?? '', cause));
  }

  /** Ends the task without an event: its execution stopped or timed out, or its callback was never sent. */
  abandon(): void {
    if (!this.open) return;
    this.close();
    this.reject(new TaskFailure('States.Runtime', 'The task was abandoned: its execution ended.'));
  }

  /** AWS records either timeout as States.Timeout, with no cause. */
  private timedOut(kind: 'task' | 'heartbeat'): void {
    if (!this.open) return;
    this.record('TimedOut', { error: 'States.Timeout' });
    this.close();
    this.reject(new TaskFailure(kind === 'heartbeat' ? heartbeatTimeoutError : 'States.Timeout'));
  }

  private restartHeartbeat(): void {
    const seconds = this.spec.heartbeatSeconds;
    if (seconds === undefined || !this.open) return;
    this.heartbeat?.cancel();
    this.heartbeat = this.clock.setTimer(seconds * 1000, () => this.timedOut('heartbeat'));
  }

  private record(outcome: 'Succeeded' | 'Failed' | 'TimedOut', details: Record<string, unknown>): void {
    this.spec.history.add(`${this.spec.kind}${outcome}`, { ...this.spec.resourceDetails, ...details });
  }

  private close(): void {
    this.open = false;
    this.timeout?.cancel();
    this.heartbeat?.cancel();
    this.onClose(this);
  }
}

/** An activity: a named queue of tasks that workers take with GetActivityTask. */
export class Activity {
  readonly creationDate: number;
  private readonly waiting: PendingTask[] = [];
  private readonly arrived: Signal;

  constructor(
    readonly arn: string,
    readonly name: string,
    private readonly clock: Clock,
  ) {
    this.creationDate = clock.now();
    this.arrived = new Signal(clock);
  }

  /** Queues a scheduled task for the next worker. */
  schedule(task: PendingTask): void {
    // Tasks that ended while nobody polled (timed out, execution stopped) leave the queue here too.
    while (this.waiting[0] && !this.waiting[0].isOpen) this.waiting.shift();
    this.waiting.push(task);
    this.arrived.notify();
  }

  /** Takes the oldest open task, waiting up to `waitMs` for one (GetActivityTask's long poll); none once `clientGone` aborts. */
  async take(waitMs: number, clientGone?: AbortSignal): Promise<PendingTask | undefined> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      if (clientGone?.aborted) return undefined;
      while (this.waiting.length > 0) {
        const task = this.waiting.shift()!;
        if (task.isOpen) return task;
      }
      if (this.clock.now() >= deadline || this.arrived.isClosed) return undefined;
      await this.arrived.wait(deadline, clientGone);
    }
  }

  /** Releases every poller; used when the activity is deleted or the endpoint stops. */
  close(): void {
    this.arrived.close();
  }
}

/**
 * Every task token the endpoint has handed out, so late calls get the right error: open
 * tasks in full, ended ones as their token only (a task holds its input and history).
 */
export class TaskTokens {
  private readonly open = new Map<string, PendingTask>();
  private readonly ended = new Set<string>();

  constructor(private readonly clock: Clock) {}

  /** A new pending task; `token` is used when the definition already read `$$.Task.Token`. */
  create(spec: TaskSpec, input: string, token: string = newTaskToken()): PendingTask {
    const task = new PendingTask(token, spec, input, this.clock, (closed) => {
      this.open.delete(closed.token);
      this.ended.add(closed.token);
    });
    this.open.set(token, task);
    return task;
  }

  /** The open task of a token; TaskTimedOut when it has ended, InvalidToken when unknown. */
  task(token: string): PendingTask {
    const task = this.open.get(token);
    if (task) return task;
    if (this.ended.has(token)) throw new AwsError('TaskTimedOut', 'Task Timed Out: the task has already ended (finished, failed, timed out or stopped).');
    throw new AwsError('InvalidToken', `Invalid Token: '${token.slice(0, 64)}'`);
  }

  /** Abandons every open task of an execution that stopped. */
  abandonExecution(executionArn: string): void {
    for (const task of [...this.open.values()]) if (task.spec.executionArn === executionArn) task.abandon();
  }
}

/** An opaque task token, long like AWS's. */
export function newTaskToken(): string {
  return Buffer.from(`${randomUUID()}${randomUUID()}`).toString('base64url');
}
