import {
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { TaskError } from '../functions/model.js';
import { bookingIdIn, withBooking } from './call-counter.js';
import { describeError, pause, settleWithin, type RuntimeLogger } from './runtime-log.js';

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
  onHeartbeat?: () => void;
  log?: RuntimeLogger;
}

/** Errors of SendTask* meaning the task ended meanwhile (timed out, execution stopped): nothing left to report to. */
const endedTaskErrors = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);
const pollBackoffMs = 1000;

/**
 * Polls a Step Functions activity with GetActivityTask (a 60 s long poll, aborted on
 * stop) and runs each task's handler, `concurrency` tasks at a time, until `signal`
 * aborts; resolves once stopped.
 *
 * While a handler runs, SendTaskHeartbeat goes every heartbeatSeconds/3, and whenever the
 * handler calls heartbeat() itself. Its result goes back with SendTaskSuccess (output as
 * JSON); a {@link TaskError} with SendTaskFailure(error, cause), so the state machine's
 * Retry/Catch can match it; any other throw as SendTaskFailure('WorkerError', message).
 * When the task ended meanwhile (TaskTimedOut, InvalidToken) that is logged and the
 * poller moves on. A poll aborted by a stop may have been handed a task: as on AWS, that
 * task is lost to this worker and ends by its heartbeat timeout (which the saga retries).
 * Each task runs in the scope of its input's `bookingId` ({@link withBooking}); the polls
 * belong to no single booking.
 */
export async function pollActivity(options: ActivityPollerOptions): Promise<void> {
  const running = new Set<Promise<void>>();
  // Ends the automatic heartbeats of tasks still running when the drain gives up, so they time out instead of living on.
  const halt = new AbortController();
  const stopped = new Promise<void>((resolve) => (options.signal.aborted ? resolve() : options.signal.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, () => pollLoop(options, running, stopped, halt.signal)));
  if (!(await settleWithin(running, options.drainTimeoutMs ?? 10_000))) {
    options.log?.({ kind: 'drain-timeout', message: `${running.size} task(s) still running at stop; they will time out and be retried` });
  }
  halt.abort();
}

/** One poll-then-run loop; a task's run is tracked in `running`, so that a stop can wait for it (bounded). */
async function pollLoop(options: ActivityPollerOptions, running: Set<Promise<void>>, stopped: Promise<void>, halt: AbortSignal): Promise<void> {
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
    // The whole task, heartbeats and report included, counts as its booking's calls.
    const run: Promise<void> = withBooking(bookingIdIn(input), () => runTask(options, taskToken, input, halt)).finally(() => running.delete(run));
    running.add(run);
    await Promise.race([run, stopped]);
  }
}

/** Runs one task with automatic heartbeats and reports its result; never throws. */
async function runTask(options: ActivityPollerOptions, taskToken: string, input: string, halt: AbortSignal): Promise<void> {
  const { sfn } = options;
  const log = options.log ?? (() => {});
  let ended = false;
  const heartbeat = async () => {
    if (ended || halt.aborted) return;
    try {
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
      options.onHeartbeat?.();
    } catch (error) {
      if (!endedTaskErrors.has((error as Error).name)) throw error;
      ended = true;
      log({ kind: 'task-lost', message: `heartbeat: the task ended meanwhile (${describeError(error)})` });
    }
  };
  const automatic = setInterval(
    () => heartbeat().catch((error: unknown) => log({ kind: 'aws-error', message: `SendTaskHeartbeat failed: ${describeError(error)}` })),
    (options.heartbeatSeconds * 1000) / 3,
  );
  const stopHeartbeats = () => clearInterval(automatic);
  halt.addEventListener('abort', stopHeartbeats, { once: true });
  let report: SendTaskSuccessCommand | SendTaskFailureCommand;
  try {
    const output = await options.handler(JSON.parse(input) as Record<string, unknown>, heartbeat);
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
