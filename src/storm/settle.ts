import { paginateListExecutions } from '@aws-sdk/client-sfn';
import { findQueueUrl } from '../deploy/lookup.js';
import { readQueueDepth } from '../deploy/status.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { FunctionContext } from '../functions/model.js';
import type { QuiescenceSnapshot } from '../model/run.js';

export interface QuiescenceOptions {
  context: FunctionContext;
  /**
   * Whether the system's other parts are idle: the payment gateway has no request in
   * progress, the reconciler nothing left to do. `quietSince` is when the queues and
   * executions were first seen quiet in a row (on the context's clock): a part that acts on
   * what it finds, as the reconciler does on a saga that ended, is idle only once it has
   * looked since. Default: always.
   */
  othersIdle?: (quietSince: number) => boolean;
  /** Gives up after this long (measured on the context's clock). */
  timeoutMs: number;
  /** Time between polls; default 250 ms. */
  pollMs?: number;
  /** Stops waiting early (a second Ctrl-C): the answer is then not settled. */
  signal?: AbortSignal;
  /** Told of every poll. */
  onProgress?: (snapshot: QuiescenceSnapshot) => void;
  /** The poll to use, when the caller made one already ({@link systemPoller}); default: one made here. */
  poll?: () => Promise<QuiescenceSnapshot>;
}

export interface QuiescenceResult {
  settled: boolean;
  waitedMs: number;
  /** The last poll's snapshot. */
  last: QuiescenceSnapshot;
}

/** Executions one poll lists at most: one ListExecutions page. */
export const runningPageSize = 100;

/** Quiet polls in a row that make the system settled: a message moving between two polls (payment handing over to the saga) is caught by the next. */
const quietPollsNeeded = 2;

/**
 * Waits until the system under test is quiet: the inventory and payment queues hold no
 * message (visible or in flight), no saga execution is RUNNING and the other parts are idle
 * (having looked since the rest went quiet), seen on {@link quietPollsNeeded} polls in a row. Each poll costs five AWS calls
 * (GetQueueAttributes for each queue and DLQ, one ListExecutions page); finding the queue
 * URLs costs four more, once. Answers settled: false when `timeoutMs` passes or `signal`
 * aborts first, with the last snapshot; never throws for either. Throws a BooksimError
 * if the stack's queues do not exist; SDK errors pass through.
 */
export async function waitForQuiescence(options: QuiescenceOptions): Promise<QuiescenceResult> {
  const { context, othersIdle = () => true, timeoutMs, pollMs = 250, signal, onProgress } = options;
  const { clock } = context;
  const started = clock.now();
  const poll = options.poll ?? (await systemPoller(context));
  let quietPolls = 0;
  let quietSince: number | undefined;
  for (;;) {
    const polledAt = clock.now();
    const last = await poll();
    onProgress?.(last);
    const drained = last.runningExecutions === 0 && last.queues.every((q) => q.visible === 0 && q.inFlight === 0);
    quietSince = drained ? (quietSince ?? polledAt) : undefined;
    const quiet = quietSince !== undefined && othersIdle(quietSince);
    quietPolls = quiet ? quietPolls + 1 : 0;
    const waitedMs = clock.now() - started;
    if (quietPolls >= quietPollsNeeded) return { settled: true, waitedMs, last };
    if (waitedMs >= timeoutMs) return { settled: false, waitedMs, last };
    await pause(context, Math.min(pollMs, timeoutMs - waitedMs), signal);
    if (signal?.aborted) return { settled: false, waitedMs: clock.now() - started, last };
  }
}

/**
 * Finds the stack's queues once and returns a poll of the system's state: the booking
 * queues' and the DLQs' depths and the running executions, read in parallel (five calls).
 * Throws a BooksimError if a queue is missing.
 */
export async function systemPoller({ clients, resources }: FunctionContext): Promise<() => Promise<QuiescenceSnapshot>> {
  const { names } = resources;
  const find = (queueNames: string[]) => Promise.all(queueNames.map(async (name) => ({ name, url: await findQueueUrl(clients, name) })));
  const [queues, deadLetterQueues] = await Promise.all([find(names.streamQueues.map((queue) => queue.name)), find(names.streamQueues.map((queue) => queue.dlq))]);
  const missing = [...queues, ...deadLetterQueues].filter((q) => q.url === undefined).map((q) => q.name);
  if (missing.length > 0) {
    throw new BooksimError(`the stack's queues are missing (${missing.join(', ')}): cannot tell whether the system is quiet`, ExitCode.environment, ['Run `booksim deploy` for this stack first.']);
  }
  const depth = async (name: string, url: string) => ({ name, ...(await readQueueDepth(clients, url)) });
  const running = async () => {
    const pages = paginateListExecutions({ client: clients.sfn, pageSize: runningPageSize }, { stateMachineArn: resources.stateMachineArn, statusFilter: 'RUNNING' });
    // The first page is enough to know whether any runs; reading on would cost a call per page.
    for await (const page of pages) return { runningExecutions: page.executions?.length ?? 0, ...(page.nextToken ? { moreRunning: true } : {}) };
    return { runningExecutions: 0 };
  };
  return async () => {
    const [depths, deadLetters, executions] = await Promise.all([
      Promise.all(queues.map((q) => depth(q.name, q.url!))),
      Promise.all(deadLetterQueues.map((q) => depth(q.name, q.url!))),
      running(),
    ]);
    return { queues: depths, deadLetter: deadLetters.reduce((sum, q) => sum + q.visible + q.inFlight, 0), ...executions };
  };
}

/** Sleeps on the context's clock; an abort ends it at once. */
function pause({ clock }: FunctionContext, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimer(ms, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
