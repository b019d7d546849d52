import { GetActivityTaskCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import type { QueueRecord } from '../../src/functions/model.js';
import { bookingScope, countCalls } from '../../src/runtime/call-counter.js';
import { pollQueue, type QueueHandler, type QueuePollerOptions } from '../../src/runtime/queue-poller.js';
import type { RuntimeLog } from '../../src/runtime/runtime-log.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, finished, start } from '../helpers/sfn.js';
import { createQueue, queueCount, sendFifo } from '../helpers/sqs.js';
import { waitFor } from './wait-for.js';

const fixture = useEndpoint();
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** Starts a poller with short polls on its own clients; it is stopped after the test. */
function startPoller(queueUrl: string, handler: QueueHandler, options: Partial<QueuePollerOptions> = {}) {
  const clients: AwsClients = createClients({ endpoint: fixture.endpoint.url });
  const counter = countCalls(clients);
  const logs: RuntimeLog[] = [];
  const controller = new AbortController();
  const done = pollQueue({ sqs: clients.sqs, sfn: clients.sfn, queueUrl, handler, signal: controller.signal, waitTimeSeconds: 1, log: (e) => logs.push(e), ...options });
  const stop = async () => {
    controller.abort();
    await done;
    clients.destroy();
  };
  stops.push(stop);
  return { counter, logs, stop };
}

const empty = async (queueUrl: string) =>
  (await queueCount(fixture.clients.sqs, queueUrl, 'ApproximateNumberOfMessages')) + (await queueCount(fixture.clients.sqs, queueUrl, 'ApproximateNumberOfMessagesNotVisible')) === 0;

describe('pollQueue', () => {
  it('when two groups are interleaved, it handles each group in order and the groups concurrently', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('order', true));
    for (const body of ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']) await sendFifo(fixture.clients.sqs, queueUrl, body[0]!, body);
    const calls: string[] = [];
    startPoller(queueUrl, async (record) => {
      calls.push(`start ${record.body}`);
      // Group a is slow: b must not wait for it.
      await sleep(record.body.startsWith('a') ? 30 : 5);
      calls.push(`end ${record.body}`);
    });
    await waitFor('all six handled and deleted', async () => calls.length === 12 && (await empty(queueUrl)));
    const started = (group: string) => calls.filter((c) => c.startsWith(`start ${group}`)).map((c) => c.slice(6));
    expect(started('a')).toEqual(['a1', 'a2', 'a3']);
    expect(started('b')).toEqual(['b1', 'b2', 'b3']);
    // Within a group, a message starts only after the one before it ended.
    for (const [before, after] of [['a1', 'a2'], ['a2', 'a3'], ['b1', 'b2'], ['b2', 'b3']]) {
      expect(calls.indexOf(`end ${before}`)).toBeLessThan(calls.indexOf(`start ${after}`));
    }
    expect(calls.indexOf('end b3')).toBeLessThan(calls.indexOf('end a1'));
  });

  it('when messages finish together, it deletes them in a shared DeleteMessageBatch', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('deletes', true));
    for (let seat = 0; seat < 10; seat += 1) await sendFifo(fixture.clients.sqs, queueUrl, `seat${seat}`, `m${seat}`);
    let handled = 0;
    const { counter } = startPoller(queueUrl, async () => void (handled += 1));
    await waitFor('all ten handled and deleted', async () => handled === 10 && (await empty(queueUrl)));
    const sqs = counter.snapshot().sqs!;
    expect(sqs.DeleteMessage).toBeUndefined();
    // Ten deletes; one call, or two when a loaded machine spreads the handlers beyond the batching window.
    expect(sqs.DeleteMessageBatch).toBeLessThanOrEqual(2);
  });

  it('when messages of one group come in one receive, they share their reads until one of them does not settle at once', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('shared', true));
    for (const body of ['m1', 'm2', 'm3', 'm4']) await sendFifo(fixture.clients.sqs, queueUrl, 'g', body);
    const reads: string[] = [];
    const answers: Array<{ body: string; read: string; fresh: boolean }> = [];
    startPoller(queueUrl, async (record, shared) => {
      const { value, fresh } = await shared.once('seat', async () => {
        reads.push(record.body);
        return `read by ${record.body}`;
      });
      answers.push({ body: record.body, read: value, fresh });
      // m2 waits once: what the delivery read may have changed meanwhile.
      return record.body === 'm2' && answers.filter((a) => a.body === 'm2').length === 1 ? { kind: 'retry', afterSeconds: 0.05 } : { kind: 'done' };
    });
    await waitFor('all four handled and deleted', async () => answers.length === 5 && (await empty(queueUrl)));
    expect(answers).toEqual([
      { body: 'm1', read: 'read by m1', fresh: true },
      { body: 'm2', read: 'read by m1', fresh: false },
      { body: 'm2', read: 'read by m2', fresh: true },
      { body: 'm3', read: 'read by m2', fresh: false },
      { body: 'm4', read: 'read by m2', fresh: false },
    ]);
    expect(reads).toEqual(['m1', 'm2']);
  });

  it("when a message's body names a bookingId, its handler runs in that booking's scope; otherwise in none", async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('scope', true));
    await sendFifo(fixture.clients.sqs, queueUrl, 'g1', JSON.stringify({ bookingId: 'B1' }));
    await sendFifo(fixture.clients.sqs, queueUrl, 'g2', 'not-json');
    const scopes = new Map<string, string | undefined>();
    startPoller(queueUrl, async (record) => void scopes.set(record.body, bookingScope.getStore()));
    await waitFor('both handled', () => scopes.size === 2);
    expect(Object.fromEntries(scopes)).toEqual({ '{"bookingId":"B1"}': 'B1', 'not-json': undefined });
  });

  it('when stopped during a long poll, it lets the poll finish and gives back all it brings, unhandled, however many of a group', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('stoppoll', true));
    const handled: string[] = [];
    const poller = startPoller(queueUrl, async (record) => void handled.push(record.body), { waitTimeSeconds: 2 });
    await waitFor('the first long poll sent', async () => (poller.counter.snapshot().sqs?.ReceiveMessage ?? 0) >= 1);
    const stopped = poller.stop();
    // One batch, so the poll brings both: the second joins the group while the first is being given back.
    await fixture.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ['late1', 'late2'].map((body) => ({ Id: body, MessageBody: body, MessageGroupId: 'g', MessageDeduplicationId: body })),
      }),
    );
    await stopped;
    expect(handled).toEqual([]);
    expect(await queueCount(fixture.clients.sqs, queueUrl, 'ApproximateNumberOfMessages')).toBe(2);
    expect(await queueCount(fixture.clients.sqs, queueUrl, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);
  });

  it('when the handler says retry, it holds the message (its group blocked) and asks again after that many seconds, without a receive counted towards the DLQ', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('retry', true), { VisibilityTimeout: '30' });
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm1');
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm2');
    const seen: Array<{ body: string; at: number; count: string | undefined }> = [];
    const { counter } = startPoller(queueUrl, async (record) => {
      seen.push({ body: record.body, at: Date.now(), count: record.attributes.ApproximateReceiveCount });
      return seen.length === 1 ? { kind: 'retry', afterSeconds: 1 } : { kind: 'done' };
    });
    await waitFor('both handled and deleted', async () => seen.length === 3 && (await empty(queueUrl)), 5000);
    expect(seen.map((s) => [s.body, s.count])).toEqual([
      ['m1', '1'],
      ['m1', '1'],
      ['m2', '1'],
    ]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(900);
    expect(counter.snapshot().sqs?.ChangeMessageVisibilityBatch).toBeUndefined();
  });

  it('when the handler keeps saying retry past maxRetryHoldSeconds, it logs retry-gave-up and gives the message and the rest of its group back to the queue', async () => {
    // A visibility timeout far beyond the test: only a give-back brings the messages round again.
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('giveback', true), { VisibilityTimeout: '30' });
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm1');
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm2');
    const seen: Array<{ body: string; at: number; count: string | undefined }> = [];
    const { logs } = startPoller(
      queueUrl,
      async (record) => {
        const count = record.attributes.ApproximateReceiveCount;
        seen.push({ body: record.body, at: Date.now(), count });
        // As if the decision it waits for came with the second receive.
        return record.body === 'm1' && count === '1' ? { kind: 'retry', afterSeconds: 0.05 } : { kind: 'done' };
      },
      { maxRetryHoldSeconds: 0.3 },
    );
    await waitFor('both redelivered, handled and deleted', async () => seen.some((s) => s.body === 'm2') && (await empty(queueUrl)));
    const firsts = seen.filter((s) => s.count === '1');
    expect(new Set(firsts.map((s) => s.body))).toEqual(new Set(['m1']));
    expect(firsts.length).toBeGreaterThan(2);
    expect(seen.slice(firsts.length).map((s) => [s.body, s.count])).toEqual([
      ['m1', '2'],
      ['m2', '2'],
    ]);
    expect(seen[firsts.length]!.at - firsts[0]!.at).toBeGreaterThanOrEqual(300);
    expect(logs).toEqual([{ kind: 'retry-gave-up', message: expect.stringMatching(/^message \S+ deferred for 0\.\d s \(retry\): given back to the queue \(receive 1\)$/) }]);
  });

  it('when maxRetryHoldSeconds is not given, it holds a message its handler keeps deferring for one visibility timeout', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('giveback', true), { VisibilityTimeout: '1' });
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm1');
    const seen: Array<{ at: number; count: string | undefined }> = [];
    startPoller(queueUrl, async (record) => {
      seen.push({ at: Date.now(), count: record.attributes.ApproximateReceiveCount });
      return record.attributes.ApproximateReceiveCount === '1' ? { kind: 'retry', afterSeconds: 0.1 } : { kind: 'done' };
    });
    await waitFor('redelivered, handled and deleted', async () => seen.at(-1)?.count === '2' && (await empty(queueUrl)));
    expect(seen.at(-1)!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('when the handler throws, it logs it and the message is redelivered with a higher receive count', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('throw', true), { VisibilityTimeout: '1' });
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm1');
    const counts: Array<string | undefined> = [];
    const { logs } = startPoller(queueUrl, async (record) => {
      counts.push(record.attributes.ApproximateReceiveCount);
      if (counts.length === 1) throw new Error('inventory table unavailable');
    });
    await waitFor('the redelivered message handled and deleted', async () => counts.length === 2 && (await empty(queueUrl)), 5000);
    expect(counts).toEqual(['1', '2']);
    expect(logs).toContainEqual({ kind: 'handler-failed', message: expect.stringContaining('inventory table unavailable') });
  });

  it('when acking before work (the sabotage ack-before-work), each message is deleted as it is received, while its handler has not finished', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('ackfirst', true), { VisibilityTimeout: '30' });
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm1');
    let finish = () => {};
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    let started = false;
    let ended = false;
    startPoller(
      queueUrl,
      async () => {
        started = true;
        await finishing;
        ended = true;
      },
      { ackBeforeWork: true },
    );
    await waitFor('the handler started', () => started);
    await waitFor('the message deleted', () => empty(queueUrl));
    expect(ended).toBe(false);
    finish();
    await waitFor('the handler ended', () => ended);
  });

  it('when acking before work and the handler throws, the message is gone for good: nothing is left in the queue to redeliver', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('acklost', true), { VisibilityTimeout: '1' });
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', 'm1');
    let calls = 0;
    const { logs } = startPoller(
      queueUrl,
      async () => {
        calls += 1;
        throw new Error('inventory table unavailable');
      },
      { ackBeforeWork: true },
    );
    await waitFor('the handler failed', () => logs.some((log) => log.kind === 'handler-failed'));
    // Without the sabotage the queue is never empty here: the message is in flight, and back after its visibility timeout for another throw.
    await waitFor('the queue empty', () => empty(queueUrl));
    expect(calls).toBe(1);
  });

  it('when the handler says in-saga, it keeps the group blocked past the visibility timeout until the execution ends, then deletes it without asking again', async () => {
    const { sfn, sqs } = fixture.clients;
    const activityArn = await createActivity(sfn, uniqueName('saga'));
    const machineArn = await createMachine(sfn, uniqueName('saga'), activityMachine(activityArn));
    // A visibility timeout shorter than the saga: only extension keeps m1 from reappearing.
    const queueUrl = await createQueue(sqs, uniqueName('insaga', true), { VisibilityTimeout: '1' });
    await sendFifo(sqs, queueUrl, 'seat', 'm1');
    await sendFifo(sqs, queueUrl, 'seat', 'm2');
    const calls: Array<{ body: string; count: string | undefined; at: number }> = [];
    let executionArn = '';
    startPoller(
      queueUrl,
      async (record: QueueRecord) => {
        calls.push({ body: record.body, count: record.attributes.ApproximateReceiveCount, at: Date.now() });
        if (record.body !== 'm1') return { kind: 'done' };
        executionArn ||= await start(sfn, machineArn, {});
        return (await finished(sfn, executionArn, 0).catch(() => undefined)) ? { kind: 'done' } : { kind: 'in-saga', executionArn };
      },
      { executionPollMs: 100 },
    );
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sleep(2500);
    expect(calls.map((c) => c.body)).toEqual(['m1']);
    const endedAt = Date.now();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{}' }));
    await waitFor('m2 handled and the queue empty', async () => calls.length === 2 && (await empty(queueUrl)), 5000);
    expect(calls.map((c) => [c.body, c.count])).toEqual([
      ['m1', '1'],
      ['m2', '1'],
    ]);
    expect(calls[1]!.at).toBeGreaterThanOrEqual(endedAt);
  });

  it('when the execution the handler waits for does not exist, it asks the handler again', async () => {
    const { sfn, sqs } = fixture.clients;
    const machineArn = await createMachine(sfn, uniqueName('gone'), activityMachine(await createActivity(sfn, uniqueName('gone'))));
    const queueUrl = await createQueue(sqs, uniqueName('gone', true));
    await sendFifo(sqs, queueUrl, 'seat', 'm1');
    const calls: string[] = [];
    startPoller(
      queueUrl,
      async (record) => {
        calls.push(record.body);
        return calls.length === 1 ? { kind: 'in-saga', executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:never-started` } : { kind: 'done' };
      },
      { executionPollMs: 50 },
    );
    await waitFor('asked again and deleted', async () => calls.length === 2 && (await empty(queueUrl)));
    expect(calls).toEqual(['m1', 'm1']);
  });

  it('when a delivery is duplicated, the handler gets the message twice in a row, and the message is deleted once', async () => {
    const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('twice', true));
    await sendFifo(fixture.clients.sqs, queueUrl, 'g', JSON.stringify({ bookingId: 'B2' }));
    const received: string[] = [];
    const asked: Array<string | undefined> = [];
    const { counter } = startPoller(queueUrl, async (record) => void received.push(record.messageId), { duplicate: (bookingId) => asked.push(bookingId) > 0 });
    await waitFor('handled twice and deleted', async () => received.length === 2 && (await empty(queueUrl)));
    expect(received[0]).toBe(received[1]);
    expect(asked).toEqual(['B2']);
    expect(counter.snapshot().sqs!.DeleteMessageBatch).toBe(1);
  });

  it('when a message is delivered late, a standard queue’s later message overtakes it, while a FIFO group waits with it in order', async () => {
    const lateFirst = (bookingId: string | undefined) => (bookingId === 'B1' ? 300 : 0);
    const handledIn = async (fifo: boolean) => {
      const queueUrl = await createQueue(fixture.clients.sqs, uniqueName('late', fifo));
      for (const bookingId of ['B1', 'B2']) {
        const body = JSON.stringify({ bookingId });
        if (fifo) await sendFifo(fixture.clients.sqs, queueUrl, 'g', body);
        else await fixture.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: bookingId, MessageBody: body }] }));
      }
      const handled: string[] = [];
      startPoller(queueUrl, async (record) => void handled.push((JSON.parse(record.body) as { bookingId: string }).bookingId), { late: lateFirst });
      await waitFor('both handled and deleted', async () => handled.length === 2 && (await empty(queueUrl)));
      return handled;
    };
    expect(await handledIn(false)).toEqual(['B2', 'B1']);
    expect(await handledIn(true)).toEqual(['B1', 'B2']);
  });
});
