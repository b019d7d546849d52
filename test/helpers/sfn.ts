import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';

/** A one-task machine around an activity, with extra fields for the task and the top level. */
export function activityMachine(activityArn: string, task: object = {}, top: object = {}) {
  return { ...top, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true, ...task } } };
}

/** Creates a state machine from a definition object and returns its ARN. */
export async function createMachine(sfn: SFNClient, name: string, definition: object): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/test' }),
  );
  return stateMachineArn!;
}

/** Creates an activity and returns its ARN. */
export async function createActivity(sfn: SFNClient, name: string): Promise<string> {
  return (await sfn.send(new CreateActivityCommand({ name }))).activityArn!;
}

/** Starts an execution and returns its ARN. */
export async function start(sfn: SFNClient, stateMachineArn: string, input: object = {}, name?: string): Promise<string> {
  return (await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }))).executionArn!;
}

/**
 * Waits until the execution has ended, as a client would: by asking. The poll interval
 * is short and the wait bounded, so a hung execution fails the test instead of hanging it.
 */
export async function finished(sfn: SFNClient, executionArn: string, timeoutMs = 10_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Waits until the execution's history has an event of this type, and returns the history. */
export async function historyUntil(sfn: SFNClient, executionArn: string, type: string, timeoutMs = 10_000): Promise<HistoryEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await history(sfn, executionArn);
    if (events.some((event) => event.type === type)) return events;
    if (Date.now() > deadline) throw new Error(`no ${type} in history: ${events.map((e) => e.type).join(', ')}`);
    await sleep(10);
  }
}

/** The whole history of an execution, oldest first. */
export async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

/** The event types of a history, in order. */
export const types = (events: HistoryEvent[]): string[] => events.map((event) => event.type!);
