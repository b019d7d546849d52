import { GetExecutionHistoryCommand, ListExecutionsCommand, type ExecutionListItem, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../aws/clients.js';
import { whileThrottled } from '../aws/throttled.js';
import type { FunctionContext } from '../functions/model.js';
import { bookingIdOfExecution } from '../functions/reconciler.js';
import type { Tier } from '../model/booking.js';
import type { DecisionRecord } from '../run-dir/schema.js';
import { sagaSteps, type ExecutionHistory, type SagaSteps } from './saga-steps.js';

/**
 * Reads the saga executions of one run after it settled: measurement, through the storm's
 * own clients, whose calls are not the system's. Every page is asked again while it is
 * throttled (aws/throttled.ts): AWS refills GetExecutionHistory at 20 a second, and so does
 * booksim local with --aws-quotas, so thousands of histories take minutes, not a failure.
 */

/**
 * Where the run's saga time went (./saga-steps.ts): lists the executions of the run's
 * bookings, says how many it is about to read (`reading`), reads their histories and sums
 * them up, each booking in its tier. SDK errors but throttles pass through.
 */
export async function readSagaSteps(context: Pick<FunctionContext, 'clients' | 'resources'>, decisions: readonly DecisionRecord[], reading: (executions: number) => void): Promise<SagaSteps> {
  const tiers = new Map<string, Tier>(decisions.map((decision) => [decision.bookingId, decision.tier]));
  const executions = await listRunExecutions(context.clients, context.resources.stateMachineArn, new Set(tiers.keys()));
  reading(executions.length);
  return sagaSteps(await readHistories(context.clients, executions), (bookingId) => tiers.get(bookingId));
}

/** The largest page ListExecutions and GetExecutionHistory give: fewest round trips. */
const pageSize = 1000;

/** Histories read at once: enough to overlap round trips, few enough not to crowd the endpoint. */
const concurrency = 4;

/** An execution of the run, listed: its name, ARN, status and booking. */
export type RunExecution = Pick<ExecutionHistory, 'name' | 'bookingId' | 'status'> & { executionArn: string };

/**
 * The saga's executions that belong to the run's bookings (named after a bookingId, or
 * `<bookingId>-r<n>` for a reconciler's restart): a stack keeps the executions of every
 * run made on it. Keyed by ARN while listing, since an execution started meanwhile shifts
 * the pages. SDK errors but throttles pass through.
 */
export async function listRunExecutions(clients: Pick<AwsClients, 'sfn'>, stateMachineArn: string, bookingIds: ReadonlySet<string>): Promise<RunExecution[]> {
  const found = new Map<string, RunExecution>();
  let nextToken: string | undefined;
  do {
    const page = await whileThrottled(() => clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: pageSize, nextToken })));
    for (const execution of page.executions ?? []) {
      const listed = runExecution(execution, bookingIds);
      if (listed) found.set(listed.executionArn, listed);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function runExecution(execution: ExecutionListItem, bookingIds: ReadonlySet<string>): RunExecution | undefined {
  const { name, executionArn, status } = execution;
  if (name === undefined || executionArn === undefined) return undefined;
  const bookingId = bookingIdOfExecution(name);
  return bookingIds.has(bookingId) ? { name, bookingId, executionArn, status: status ?? 'UNKNOWN' } : undefined;
}

/** Every execution's whole history (paginated), a few executions at a time, in the order given. SDK errors but throttles pass through. */
export async function readHistories(clients: Pick<AwsClients, 'sfn'>, executions: readonly RunExecution[]): Promise<ExecutionHistory[]> {
  const histories: ExecutionHistory[] = new Array<ExecutionHistory>(executions.length);
  let next = 0;
  const reader = async () => {
    while (next < executions.length) {
      const index = next++;
      const { name, bookingId, status, executionArn } = executions[index]!;
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await whileThrottled(() => clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: pageSize, nextToken })));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      histories[index] = { name, bookingId, status, events };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, executions.length) }, reader));
  return histories;
}
