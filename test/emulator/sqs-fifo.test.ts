import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { bodies, createQueue, queueCount, receive, sendFifo } from '../helpers/sqs.js';

describe('SQS FIFO queues', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  it('when several groups are sent, it delivers as many of the oldest group as it can, then the next, each in order', async () => {
    const url = await createQueue(fx.clients.sqs, uniqueName('order', true));
    for (const body of ['a1', 'b1', 'a2', 'c1', 'b2', 'a3']) await sendFifo(fx.clients.sqs, url, body[0]!, body);
    const messages = await receive(fx.clients.sqs, url, 10);
    expect(bodies(messages)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
    const sequence = (group: string) => messages.filter((m) => m.Attributes?.MessageGroupId === group).map((m) => BigInt(m.Attributes!.SequenceNumber!));
    for (const group of ['a', 'b']) expect([...sequence(group)].sort((x, y) => (x < y ? -1 : 1))).toEqual(sequence(group));
  });

  it('when one group has more messages than a receive takes, it fills the batch with that group alone', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('fill', true));
    for (const body of ['a1', 'b1', 'a2', 'a3', 'b2']) await sendFifo(sqs, url, body[0]!, body);
    expect(bodies(await receive(sqs, url, 3))).toEqual(['a1', 'a2', 'a3']);
    expect(bodies(await receive(sqs, url, 3))).toEqual(['b1', 'b2']);
  });

  it('when a message of a group is in flight, it holds the rest of that group back but serves other groups', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('block', true));
    for (const body of ['a1', 'a2', 'b1']) await sendFifo(sqs, url, body[0]!, body);
    const [first] = await receive(sqs, url, 1);
    expect(first?.Body).toBe('a1');
    expect(bodies(await receive(sqs, url, 10))).toEqual(['b1']);
    expect(await receive(sqs, url, 10)).toEqual([]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle }));
    expect(bodies(await receive(sqs, url, 10))).toEqual(['a2']);
  });

  it('when the same deduplication id comes again within 5 minutes, it keeps one message, and after 5 minutes a new one', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('dedup', true));
    const send = (body: string) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g', MessageDeduplicationId: 'req-1' }));
    const first = await send('one');
    clock.advance(4 * 60 * 1000);
    const second = await send('two');
    expect(second.MessageId).toBe(first.MessageId);
    expect(second.SequenceNumber).toBe(first.SequenceNumber);
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessages')).toBe(1);
    clock.advance(60 * 1000 + 1);
    const third = await send('three');
    expect(third.MessageId).not.toBe(first.MessageId);
    expect(bodies(await receive(sqs, url))).toEqual(['one', 'three']);
  });

  it('when content-based deduplication is on, it deduplicates by the body', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('content', true), { ContentBasedDeduplication: 'true' });
    for (const body of ['same', 'same', 'other']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g' }));
    expect(bodies(await receive(sqs, url))).toEqual(['same', 'other']);
  });

  it('when the visibility timeout runs out, it redelivers with a higher receive count and the old receipt handle expires', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('redeliver', true), { VisibilityTimeout: '30' });
    await sendFifo(sqs, url, 'g', 'm');
    const [first] = await receive(sqs, url);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    clock.advance(29_000);
    expect(await receive(sqs, url)).toEqual([]);
    clock.advance(1_000);
    const [second] = await receive(sqs, url);
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle }))).rejects.toThrow(/receipt handle has expired/);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second!.ReceiptHandle }));
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);
  });

  it('when a message exceeds maxReceiveCount, it moves to the dead-letter queue with its group', async () => {
    const sqs = fx.clients.sqs;
    const dlqUrl = await createQueue(sqs, uniqueName('dlq', true));
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:${dlqUrl.split('/').pop()}`;
    const url = await createQueue(sqs, uniqueName('src', true), {
      VisibilityTimeout: '10',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
    await sendFifo(sqs, url, 'g', 'poison');
    await sendFifo(sqs, url, 'g', 'next');
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(bodies(await receive(sqs, url, 1))).toEqual(['poison']);
      clock.advance(10_000);
    }
    expect(bodies(await receive(sqs, url, 1))).toEqual(['next']);
    const [dead] = await receive(sqs, dlqUrl);
    expect(dead?.Body).toBe('poison');
    expect(dead?.Attributes?.MessageGroupId).toBe('g');
    expect(dead?.Attributes?.DeadLetterQueueSourceArn).toContain(':src-');
  });

  it('when the visibility is changed to 0, it makes the message receivable at once', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('visibility', true));
    await sendFifo(sqs, url, 'g', 'm');
    const [first] = await receive(sqs, url);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle, VisibilityTimeout: 0 }));
    const [again] = await receive(sqs, url);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    await expect(
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle, VisibilityTimeout: 5 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/not available for visibility timeout change/) });
  });

  it('when a long poll is waiting, it returns as soon as a message arrives, without the clock moving', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('longpoll', true));
    const waiting = clock.whenPending(clock.pendingTimers + 1);
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await waiting;
    await sendFifo(sqs, url, 'g', 'arrived');
    expect(bodies((await poll).Messages ?? [])).toEqual(['arrived']);
  });

  it('when a long poll finds nothing, it returns empty once its wait time has passed', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('empty', true));
    let settled = false;
    const waiting = clock.whenPending(clock.pendingTimers + 1);
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).finally(() => (settled = true));
    await waiting;
    clock.advance(19_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    clock.advance(1_000);
    expect((await poll).Messages).toBeUndefined();
  });

  it('when a message is redelivered during a long poll, it wakes the poll at the visibility deadline', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('wake', true), { VisibilityTimeout: '5' });
    await sendFifo(sqs, url, 'g', 'm');
    await receive(sqs, url);
    const waiting = clock.whenPending(clock.pendingTimers + 1);
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await waiting;
    clock.advance(5_000);
    expect(bodies((await poll).Messages ?? [])).toEqual(['m']);
  });

  it('when the client of a long poll goes away, the poll ends without taking the next message', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('gone', true));
    const before = clock.pendingTimers;
    const waiting = clock.whenPending(before + 1);
    const client = new AbortController();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: client.signal }).catch((error: Error) => error.name);
    await waiting;
    client.abort();
    expect(await poll).toBe('AbortError');
    // The poll's timer goes once the endpoint has noticed the closed connection.
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(before));
    await sendFifo(sqs, url, 'g', 'for-the-next-poll');
    const [message] = await receive(sqs, url);
    expect(message?.Body).toBe('for-the-next-poll');
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
  });
});
