import { paginateGetExecutionHistory, paginateListExecutions, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.js';
import { type FaultLogEntry } from '../../model/fault.js';
import type { DetectedBy } from '../../model/run.js';

/**
 * Crash detection, measured: how long Step Functions took to notice each worker that
 * crash-mid-heartbeat killed, read from the executions' histories after the run.
 */

/** One crash noticed: kill → ActivityTimedOut, and which timeout it was. */
export interface DetectedCrash {
  ms: number;
  timeout: keyof DetectedBy;
}

/**
 * How long Step Functions took to notice each kill of crash-mid-heartbeat: for every kill
 * logged (entries of another fault, or without `killedAt`, are skipped) and every booking
 * whose task the killed worker held, the time from the kill to the ActivityTimedOut of the
 * attempt that was running, read from the execution's history. A task that ended otherwise
 * (it finished before the kill landed) gives no figure. Reads ListExecutions (to find the
 * executions, named by bookingId) and GetExecutionHistory; SDK errors pass through.
 */
export async function detectionLatencies(clients: Pick<AwsClients, 'sfn'>, kills: ReadonlyArray<Pick<FaultLogEntry, 'fault' | 'detail'>>): Promise<DetectedCrash[]> {
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
  const latencies: DetectedCrash[] = [];
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

/** How far apart, in ms, an attempt's scheduling and its task timeout may be stamped short of TimeoutSeconds. */
const clockSlackMs = 5;

/**
 * Pure part of {@link detectionLatencies}: the attempt running at `killedAt` is the last
 * activity started by then (the saga runs one task at a time); ms from the kill to its
 * end, when that end is a timeout. AWS names both timeouts States.Timeout, so the kind is
 * told by timing: a task timeout ends the attempt TimeoutSeconds after it was scheduled
 * (to the millisecond: the timer may start a ms before the event is stamped), a heartbeat
 * timeout before that. An attempt without a heartbeat timeout (a task deployed without
 * HeartbeatSeconds: the sabotage no-heartbeat) can only have hit its task timeout.
 */
export function detectionLatency(history: readonly HistoryEvent[], killedAt: number): DetectedCrash | undefined {
  const started = history.findLastIndex((event) => event.type === 'ActivityStarted' && event.timestamp!.getTime() <= killedAt);
  if (started < 0) return undefined;
  const end = history.slice(started + 1).find((event) => activityEnds.has(event.type!));
  if (end?.type !== 'ActivityTimedOut') return undefined;
  const scheduled = history.slice(0, started).findLast((event) => event.type === 'ActivityScheduled');
  const { timeoutInSeconds, heartbeatInSeconds } = scheduled?.activityScheduledEventDetails ?? {};
  const ranMs = scheduled ? end.timestamp!.getTime() - scheduled.timestamp!.getTime() : 0;
  const byTask = timeoutInSeconds !== undefined && (heartbeatInSeconds === undefined || ranMs >= timeoutInSeconds * 1000 - clockSlackMs);
  return { ms: end.timestamp!.getTime() - killedAt, timeout: byTask ? 'taskTimeout' : 'heartbeatTimeout' };
}
