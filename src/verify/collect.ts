import { paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, paginateGetExecutionHistory, paginateListExecutions, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../aws/clients.js';
import { whileThrottled } from '../aws/throttled.js';
import { findQueueUrl } from '../deploy/lookup.js';
import { readQueueDepth } from '../deploy/status.js';
import type { StackNames } from '../deploy/stack.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { Ticket } from '../model/booking.js';
import { bookingIdOfExecution } from '../functions/reconciler.js';
import { resolveResources } from '../functions/resources.js';
import { seatFromItem } from '../functions/seats.js';
import { bookingFromItem } from '../functions/bookings.js';
import type { ExecutionRecord, QueueRecord, VerifyEvidence } from './model.js';
import type { TimelineEvent } from '../model/verdict.js';

/** What `verify` reads from the deployed stack. */
export type StackEvidence = Pick<VerifyEvidence, 'bookings' | 'seats' | 'tickets' | 'executions' | 'queues'>;

type Item = Record<string, AttributeValue>;

/** Segments of each table's parallel scan: enough to overlap round trips, few enough for a local endpoint. */
const scanSegments = 4;

/** The largest page ListExecutions and GetExecutionHistory give: fewest round trips. */
const pageSize = 1000;

/**
 * Reads everything `verify` decides from on the stack, in one pass: every booking, seat
 * and ticket (parallel segmented scans, strongly consistent, each table sorted by key so
 * that reports come out the same on every read), every execution of the saga in any
 * status (sorted by name), with the error of each FAILED one of the run's bookings (those
 * whose requestId starts with `runRequestIdPrefix`: one DescribeExecution each), and the
 * depth of the inventory and payment queues and their DLQs. Memory grows with the stack:
 * every row is held once. A stack that is not (fully) deployed is a BooksimError (exit 4)
 * saying to run `booksim deploy`; SDK errors (endpoint unreachable, …) pass through.
 */
export async function collectStackEvidence(clients: AwsClients, stack: string, runRequestIdPrefix?: string): Promise<StackEvidence> {
  // resolveResources says what is missing the way every other command does; verify calls no gateway, so its URL is left empty.
  const { names, stateMachineArn } = await resolveResources(clients, stack, '');
  const [bookings, seats, tickets, executions, queues] = await Promise.all([
    scanTable(clients, names.tables.bookings, bookingFromItem),
    scanTable(clients, names.tables.seats, (item) => seatFromItem(item.seatId?.S ?? '', item)),
    scanTable(clients, names.tables.tickets, ticketFromItem),
    listExecutions(clients, stateMachineArn),
    readQueues(clients, stack, names),
  ]);
  if (runRequestIdPrefix !== undefined) {
    const runBookings = new Set(bookings.filter((booking) => booking.requestId.startsWith(runRequestIdPrefix)).map((booking) => booking.bookingId));
    await describeFailures(clients, executions.filter((execution) => execution.status === 'FAILED' && runBookings.has(bookingIdOfExecution(execution.name))));
  }
  return {
    bookings: byKey(bookings, (booking) => booking.bookingId),
    seats: byKey(seats, (seat) => seat.seatId),
    tickets: byKey(tickets, (ticket) => ticket.bookingId),
    executions: byKey(executions, (execution) => execution.name),
    queues,
  };
}

/** Every item of the table, converted; the segments are read concurrently, each page by page. */
async function scanTable<T>(clients: AwsClients, table: string, convert: (item: Item) => T): Promise<T[]> {
  const rows: T[] = [];
  await Promise.all(
    Array.from({ length: scanSegments }, async (_, segment) => {
      const pages = paginateScan({ client: clients.dynamodb }, { TableName: table, Segment: segment, TotalSegments: scanSegments, ConsistentRead: true });
      for await (const page of pages) for (const item of page.Items ?? []) rows.push(convert(item));
    }),
  );
  return rows;
}

function ticketFromItem(item: Item): Ticket {
  return { bookingId: item.bookingId?.S ?? '', ticketId: item.ticketId?.S ?? '', seatId: item.seatId?.S ?? '', issuedAt: Number(item.issuedAt?.N) };
}

/** Sorts in place by a string key, by code unit (not locale: ids are ASCII, and this is much faster on 100,000 rows). */
function byKey<T>(rows: T[], key: (row: T) => string): T[] {
  return rows.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

async function listExecutions(clients: AwsClients, stateMachineArn: string): Promise<ExecutionRecord[]> {
  // Keyed by ARN: an execution started while the pages are read shifts the later pages, and one may come twice.
  const executions = new Map<string, ExecutionRecord>();
  for await (const page of paginateListExecutions({ client: clients.sfn, pageSize }, { stateMachineArn })) {
    for (const execution of page.executions ?? []) {
      executions.set(execution.executionArn!, {
        name: execution.name!,
        executionArn: execution.executionArn!,
        status: execution.status!,
        startDate: execution.startDate!.getTime(),
        ...(execution.stopDate ? { stopDate: execution.stopDate.getTime() } : {}),
      });
    }
  }
  return [...executions.values()];
}

/** Failures described at once: enough to overlap round trips, few enough not to crowd the endpoint. */
const describeConcurrency = 4;

/** Adds to each failed execution the error it failed with (DescribeExecution), a few at a time; throttles are asked again, other SDK errors pass through. */
async function describeFailures(clients: AwsClients, failed: ExecutionRecord[]): Promise<void> {
  let next = 0;
  const describer = async () => {
    while (next < failed.length) {
      const execution = failed[next++]!;
      const { error } = await whileThrottled(() => clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn })));
      if (error !== undefined) execution.error = error;
    }
  };
  await Promise.all(Array.from({ length: describeConcurrency }, describer));
}

/** The booking queues and their DLQs; the manual-review queue is left out: what waits there is listed as ESCALATED, not lost. */
async function readQueues(clients: AwsClients, stack: string, names: StackNames): Promise<QueueRecord[]> {
  const queues = names.streamQueues.flatMap((queue) => [
    { name: queue.name, deadLetter: false },
    { name: queue.dlq, deadLetter: true },
  ]);
  const urls = await Promise.all(queues.map(({ name }) => findQueueUrl(clients, name)));
  const missing = queues.filter((_, i) => urls[i] === undefined).map(({ name }) => name);
  if (missing.length > 0) {
    throw new BooksimError(`stack "${stack}" is not deployed on this endpoint (missing: ${missing.join(', ')})`, ExitCode.environment, [
      `Run \`booksim deploy --stack ${stack}\` first.`,
    ]);
  }
  return Promise.all(queues.map(async (queue, i) => ({ ...queue, ...(await readQueueDepth(clients, urls[i]!)) })));
}

/**
 * The saga's history of one execution (name = bookingId) as time-line events, oldest
 * first: "saga: execution started", "saga: ValidatePayment entered", "saga:
 * ValidatePayment failed: PaymentDeclined", "saga: execution failed: PaymentDeclined".
 * One paginated GetExecutionHistory; SDK errors (no such execution, …) pass through.
 */
export async function sagaTimeline(clients: AwsClients, executionArn: string): Promise<TimelineEvent[]> {
  const history: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: clients.sfn, pageSize }, { executionArn })) history.push(...(page.events ?? []));
  // An execution ARN ends with the execution's name, and the saga is named after its booking.
  return timelineOfHistory(history, executionArn.split(':').at(-1)!);
}

/**
 * Pure part of {@link sagaTimeline}: the events worth a line in a counterexample. Task
 * states entered are the saga's steps; a step's failures, timeouts and retries are named
 * after the step (the last Task state entered); the execution's start and end close it.
 * Inside a Parallel state the branches' tasks interleave, so their failures, timeouts
 * and retries are named after the Parallel (a retry is a task scheduled more often than
 * the branches entered tasks).
 * Choice, Fail and Succeed states and successes are left out: the next step entered, or
 * the end, says as much.
 */
export function timelineOfHistory(history: HistoryEvent[], bookingId: string): TimelineEvent[] {
  const timeline: TimelineEvent[] = [];
  let step = 'a task';
  let attempts = 0;
  /** The Parallel state running, and how many tasks its branches entered that were not scheduled yet. */
  let parallel: { unscheduled: number } | undefined;
  for (const event of history) {
    const scheduled = event.type === 'ActivityScheduled' || event.type === 'TaskScheduled';
    const firstInBranch = scheduled && parallel !== undefined && parallel.unscheduled > 0;
    const what = describeEvent(event, step, firstInBranch ? 0 : attempts);
    if (event.type === 'ParallelStateEntered') {
      step = event.stateEnteredEventDetails?.name ?? step;
      // Counts as the first attempt: a task scheduled beyond those its branches entered is a retry.
      attempts = 1;
      parallel = { unscheduled: 0 };
    }
    if (event.type === 'ParallelStateFailed' || event.type === 'ParallelStateExited') parallel = undefined;
    if (event.type === 'TaskStateEntered') {
      if (parallel) parallel.unscheduled += 1;
      else [step, attempts] = [event.stateEnteredEventDetails?.name ?? step, 0];
    }
    if (firstInBranch) parallel!.unscheduled -= 1;
    else if (scheduled) attempts += 1;
    if (what !== undefined) timeline.push({ ...(event.timestamp ? { at: event.timestamp.getTime() } : {}), bookingId, what: `saga: ${what}` });
  }
  return timeline;
}

/** `step` is the Task state the event belongs to, `attempts` how often it was scheduled before this event. */
function describeEvent(event: HistoryEvent, step: string, attempts: number): string | undefined {
  const failure = (details: { error?: string | undefined } | undefined) => (details?.error ? `: ${details.error}` : '');
  switch (event.type) {
    case 'ExecutionStarted':
      return 'execution started';
    case 'TaskStateEntered':
    case 'ParallelStateEntered':
      return `${event.stateEnteredEventDetails?.name ?? 'a task'} entered`;
    case 'ActivityScheduled':
    case 'TaskScheduled':
      return attempts > 0 ? `${step} retried (attempt ${attempts + 1})` : undefined;
    case 'ActivityFailed':
      return `${step} failed${failure(event.activityFailedEventDetails)}`;
    case 'ActivityScheduleFailed':
      return `${step} could not be scheduled${failure(event.activityScheduleFailedEventDetails)}`;
    case 'ActivityTimedOut':
      return `${step} timed out${failure(event.activityTimedOutEventDetails)}`;
    case 'TaskFailed':
      return `${step} failed${failure(event.taskFailedEventDetails)}`;
    case 'TaskTimedOut':
      return `${step} timed out${failure(event.taskTimedOutEventDetails)}`;
    case 'ExecutionSucceeded':
      return 'execution succeeded';
    case 'ExecutionFailed':
      return `execution failed${failure(event.executionFailedEventDetails)}`;
    case 'ExecutionAborted':
      return `execution aborted${failure(event.executionAbortedEventDetails)}`;
    case 'ExecutionTimedOut':
      return `execution timed out${failure(event.executionTimedOutEventDetails)}`;
    default:
      return undefined;
  }
}
