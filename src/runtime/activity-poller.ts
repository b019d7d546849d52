import {
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { TaskError } from '../functions/model.js';
import { bookingIdIn, withBooking } from './call-counter.js';
import { pause, settleWithin } from '../async.js';
import { describeError } from '../errors.js';
import type { RuntimeLogger } from './runtime-log.js';

/** A saga task as the poller runs it: the parsed input in, the output (JSON-serialisable) out. */
export type TaskHandler = (input: Record<string, unknown>, heartbeat: () => Promise<void>) => Promise<unknown>;

export interface ActivityPollerOptions {
  sfn: SFNClient;
  activityArn: string;
  /** Shown in the execution's history (ActivityStarted.workerName). */
  workerName: string;
  handler: TaskHandler;
  /** The task's HeartbeatSeconds (timingProfile(name).activities[task]); heartbeats go every third of it. */
  heartbeatSeconds: number;
  /** Stops the poller: no more polls, running tasks finish (bounded by drainTimeoutMs). */
  signal: AbortSignal;
  /** Tasks run at once; default 1. */
  concurrency?: number;
  /** Longest a stop waits for running tasks; default 10 000. */
  drainTimeoutMs?: number;
  /** Told of every heartbeat sent (the crash-mid-heartbeat fault counts them). */
  onHeartbeat?: (heartbeat: TaskHeartbeat) => void;
  /**
   * False under the sabotage `no-heartbeat`: SendTaskHeartbeat is never called, but every
   * heartbeat's moment is still told to onHeartbeat, so that the faults that act on a
   * heartbeat (crash-mid-heartbeat, worker-hang) strike at the same point of the work.
   * Default true.
   */
  sendHeartbeats?: boolean;
  log?: RuntimeLogger;
  /**
   * Asked once per task taken (with its input's bookingId): true runs the handler twice,
   * one run after the other, as a Step Functions retry of a task that did run allows (the
   * duplicate-delivery fault). The second run's result is the one sent.
   */
  duplicate?: (bookingId: string | undefined) => boolean;
}

/** One heartbeat sent: whose task it was, and the bookings of every task the poller holds now (what a crash would take with it). */
export interface TaskHeartbeat {
  bookingId?: string;
  holding: string[];
}

/** The tasks a poller runs now, with the bookingId of each (when its input names one). */
type Running = Map<Promise<void>, string | undefined>;

/** Errors of SendTask* meaning the task ended meanwhile (timed out, execution stopped): nothing left to report to. */
const endedTaskErrors = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);
const pollBackoffMs = 1000;

/**
 * Polls a Step Functions activity with GetActivityTask (a 60 s long poll, aborted on
 * stop) and runs each task's handler, `concurrency` tasks at a time, until `signal`
 * aborts; resolves once stopped.
 *
 * While a handler runs, SendTaskHeartbeat goes every heartbeatSeconds/3, and whenever the
 * handler calls heartbeat() itself (each told to onHeartbeat; the sabotage no-heartbeat
 * tells the moments and sends nothing). Its result goes back with SendTaskSuccess (output as
 * JSON); a {@link TaskError} with SendTaskFailure(error, cause), so the state machine's
 * Retry/Catch can match it; any other throw as SendTaskFailure('WorkerError', message).
 * When the task ended meanwhile (TaskTimedOut, InvalidToken) that is logged and the
 * poller moves on. A poll aborted by a stop may have been handed a task: as on AWS, that
 * task is lost to this worker and ends by its heartbeat timeout (which the saga retries).
 * Each task runs in the scope of its input's `bookingId` ({@link withBooking}); the polls
 * belong to no single booking.
 */
export async function pollActivity(options: ActivityPollerOptions): Promise<void> {
  const running: Running = new Map();
  // Ends the automatic heartbeats of tasks still running when the drain gives up, so they time out instead of living on.
  const halt = new AbortController();
  const stopped = new Promise<void>((resolve) => (options.signal.aborted ? resolve() : options.signal.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, () => pollLoop(options, running, stopped, halt.signal)));
  if (!(await settleWithin(running.keys(), options.drainTimeoutMs ?? 10_000))) {
    options.log?.({ kind: 'drain-timeout', message: `${running.size} task(s) still running at stop; they will time out and be retried` });
  }
  halt.abort();
}

/** One poll-then-run loop; a task's run is tracked in `running`, so that a stop can wait for it (bounded). */
async function pollLoop(options: ActivityPollerOptions, running: Running, stopped: Promise<void>, halt: AbortSignal): Promise<void> {
  const { sfn, activityArn, workerName, signal } = options;
  while (!signal.aborted) {
    let task: { taskToken?: string; input?: string };
    try {
      task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }), { abortSignal: signal });
    } catch (error) {
      if (signal.aborted) return;
      options.log?.({ kind: 'aws-error', message: `GetActivityTask failed: ${describeError(error)}` });
      await pause(pollBackoffMs, signal);
      continue;
    }
    const { taskToken, input = '{}' } = task;
    // An empty answer: the long poll ran out with no task.
    if (!taskToken) continue;
    const bookingId = bookingIdIn(input);
    const holding = () => [...running.values()].filter((id) => id !== undefined);
    // The whole task, heartbeats and report included, counts as its booking's calls.
    const run: Promise<void> = withBooking(bookingId, () => runTask(options, { taskToken, input, bookingId, holding }, halt)).finally(() => running.delete(run));
    running.set(run, bookingId);
    await Promise.race([run, stopped]);
  }
}

/** A task taken: its token and input, and what its heartbeats report. */
interface Task {
  taskToken: string;
  input: string;
  bookingId: string | undefined;
  holding: () => string[];
}

/** Runs one task with automatic heartbeats and reports its result; never throws. */
async function runTask(options: ActivityPollerOptions, task: Task, halt: AbortSignal): Promise<void> {
  const { sfn } = options;
  const { taskToken, bookingId } = task;
  const log = options.log ?? (() => {});
  let ended = false;
  const told = () => options.onHeartbeat?.({ ...(bookingId === undefined ? {} : { bookingId }), holding: task.holding() });
  const sent = async () => {
    if (ended || halt.aborted) return;
    try {
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
      told();
    } catch (error) {
      if (!endedTaskErrors.has((error as Error).name)) throw error;
      ended = true;
      log({ kind: 'task-lost', message: `heartbeat: the task ended meanwhile (${describeError(error)})` });
    }
  };
  // The sabotage no-heartbeat's: the moment is told, no call is made.
  const momentOnly = async () => {
    if (!halt.aborted) told();
  };
  const heartbeat = options.sendHeartbeats === false ? momentOnly : sent;
  const automatic = setInterval(
    () => heartbeat().catch((error: unknown) => log({ kind: 'aws-error', message: `SendTaskHeartbeat failed: ${describeError(error)}` })),
    (options.heartbeatSeconds * 1000) / 3,
  );
  const stopHeartbeats = () => clearInterval(automatic);
  halt.addEventListener('abort', stopHeartbeats, { once: true });
  let report: SendTaskSuccessCommand | SendTaskFailureCommand;
  // Each run gets its own copy of the input: a handler may change what it is given.
  const run = () => options.handler(JSON.parse(task.input) as Record<string, unknown>, heartbeat);
  try {
    if (options.duplicate?.(bookingId)) await run().catch((error: unknown) => log({ kind: 'handler-failed', message: `first of two runs: ${describeError(error)}` }));
    const output = await run();
    report = new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) });
  } catch (error) {
    if (error instanceof TaskError) {
      report = new SendTaskFailureCommand({ taskToken, error: error.error, cause: error.message });
    } else {
      log({ kind: 'handler-failed', message: describeError(error) });
      report = new SendTaskFailureCommand({ taskToken, error: 'WorkerError', cause: describeError(error) });
    }
  } finally {
    stopHeartbeats();
    halt.removeEventListener('abort', stopHeartbeats);
  }
  if (halt.aborted) return;
  try {
    // Sent even when a heartbeat saw the task end: the answer says whether it still counted.
    await (report instanceof SendTaskSuccessCommand ? sfn.send(report) : sfn.send(report));
  } catch (error) {
    const kind = endedTaskErrors.has((error as Error).name) ? 'task-lost' : 'aws-error';
    const operation = report instanceof SendTaskSuccessCommand ? 'SendTaskSuccess' : 'SendTaskFailure';
    log({ kind, message: `${operation}: ${describeError(error)}` });
  }
}
