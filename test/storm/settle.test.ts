import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { FunctionContext } from '../../src/functions/model.js';
import { waitForQuiescence, type QuiescenceOptions } from '../../src/storm/settle.js';
import { type QuiescenceSnapshot } from '../../src/model/run.js';
import { receive } from '../helpers/sqs.js';
import { useFreshStacks } from './fresh-stack.js';

describe('waiting for the system to be quiet (embedded endpoint, no workers)', () => {
  const { fx, deployed } = useFreshStacks('settle');

  const briefly = (context: FunctionContext, extra: Partial<QuiescenceOptions> = {}) => waitForQuiescence({ context, timeoutMs: 1500, pollMs: 50, ...extra });

  it('when nothing is queued or running, it settles at once, after two quiet polls', async () => {
    const context = await deployed();
    const seen: QuiescenceSnapshot[] = [];
    const result = await briefly(context, { onProgress: (s) => seen.push(s) });
    expect(result.settled).toBe(true);
    expect(seen).toHaveLength(2);
    expect(result.waitedMs).toBeLessThan(1000);
    expect(result.last).toEqual({
      queues: [
        ...context.resources.names.streamQueues.map(({ name }) => ({ name, visible: 0, inFlight: 0 })),
      ],
      deadLetter: 0,
      runningExecutions: 0,
    });
  });

  it('when a message sits in the inventory queue, it is not settled until the message is received and deleted', async () => {
    const context = await deployed();
    const { QueueUrl } = await fx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: context.resources.names.streamQueues[0]!.name }));
    await fx.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{}', MessageGroupId: 'S1', MessageDeduplicationId: 'd1' }));

    const waiting = await briefly(context);
    expect(waiting.settled).toBe(false);
    expect(waiting.waitedMs).toBeGreaterThanOrEqual(1500);
    expect(waiting.last.queues[0]).toMatchObject({ visible: 1, inFlight: 0 });

    const [message] = await receive(fx.clients.sqs, QueueUrl!, 1, 60);
    const inFlight = await briefly(context, { timeoutMs: 300 });
    expect(inFlight.settled).toBe(false);
    expect(inFlight.last.queues[0]).toMatchObject({ visible: 0, inFlight: 1 });

    await fx.clients.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message!.ReceiptHandle }));
    expect((await briefly(context)).settled).toBe(true);
  });

  it('when a saga execution runs, it is not settled until the execution is stopped', async () => {
    const context = await deployed();
    const input = { bookingId: 'b1', seatId: 'S1', customerId: 'c1', requestId: 'r1', tier: 'STANDARD', amount: 4200 };
    const { executionArn } = await fx.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: context.resources.stateMachineArn, name: 'b1', input: JSON.stringify(input) }));

    const waiting = await briefly(context);
    expect(waiting.settled).toBe(false);
    expect(waiting.last.runningExecutions).toBe(1);

    await fx.clients.sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await briefly(context)).settled).toBe(true);
  });

  it('when the gateway is busy, it is not settled until the gateway is idle', async () => {
    const context = await deployed();
    let idle = false;
    const result = waitForQuiescence({ context, timeoutMs: 5000, pollMs: 50, othersIdle: () => idle });
    setTimeout(() => (idle = true), 300);
    const { settled, waitedMs } = await result;
    expect(settled).toBe(true);
    expect(waitedMs).toBeGreaterThanOrEqual(300);
  });

  it('when a part acts on what it finds (the reconciler), it is not settled until that part has looked since the rest went quiet', async () => {
    const context = await deployed();
    // A look from before the wait, as a reconciler pass that ran just before a saga ended unsettled.
    let lookedAt = context.clock.now() - 1000;
    const seen: number[] = [];
    const result = waitForQuiescence({ context, timeoutMs: 5000, pollMs: 50, othersIdle: (quietSince) => (seen.push(quietSince), lookedAt >= quietSince) });
    setTimeout(() => (lookedAt = context.clock.now()), 300);
    const { settled, waitedMs } = await result;
    expect(settled).toBe(true);
    expect(waitedMs).toBeGreaterThanOrEqual(300);
    // The quiet began once and stayed: every poll was asked about the same moment.
    expect(new Set(seen).size).toBe(1);
  });

  it('when aborted, it stops waiting at once and answers not settled', async () => {
    const context = await deployed();
    const controller = new AbortController();
    const result = waitForQuiescence({ context, timeoutMs: 60_000, pollMs: 10_000, othersIdle: () => false, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const { settled, waitedMs } = await result;
    expect(settled).toBe(false);
    expect(waitedMs).toBeLessThan(2000);
  });
});
