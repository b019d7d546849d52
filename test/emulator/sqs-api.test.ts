import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  type CreateQueueCommandInput,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { bodies, createQueue, queueCount, receive, sendFifo } from '../helpers/sqs.js';

describe('SQS queues and attributes', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  it('when a queue is created twice with the same attributes, it returns the same URL; with different ones, QueueNameExists', async () => {
    const sqs = fx.clients.sqs;
    const name = uniqueName('idem');
    const first = await createQueue(sqs, name, { VisibilityTimeout: '5' });
    expect(await createQueue(sqs, name, { VisibilityTimeout: '5' })).toBe(first);
    expect(first).toBe(`${fx.endpoint.url}/000000000000/${name}`);
    await expect(createQueue(sqs, name, { VisibilityTimeout: '6' })).rejects.toMatchObject({ name: 'QueueNameExists' });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    expect(QueueUrl).toBe(first);
  });

  it('when attributes are read, it reports settings, ARN and message counts', async () => {
    const sqs = fx.clients.sqs;
    const name = uniqueName('attrs', true);
    const url = await createQueue(sqs, name, { ContentBasedDeduplication: 'true' });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '45', ReceiveMessageWaitTimeSeconds: '2' } }));
    await sendFifo(sqs, url, 'g', 'a');
    await sendFifo(sqs, url, 'h', 'b');
    await receive(sqs, url, 1);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '45',
      ReceiveMessageWaitTimeSeconds: '2',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '0',
    });
  });

  it('when queues are listed, it filters by prefix and pages with NextToken', async () => {
    const sqs = fx.clients.sqs;
    const prefix = uniqueName('list');
    for (const suffix of ['a', 'b', 'c']) await createQueue(sqs, `${prefix}-${suffix}`);
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    expect(page1.QueueUrls).toHaveLength(2);
    const page2 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken }));
    expect(page2.QueueUrls?.map((url) => url.slice(-1))).toEqual(['c']);
    expect(page2.NextToken).toBeUndefined();
  });

  it('when a queue is tagged, purged and deleted, it behaves as SQS does (one purge a minute)', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('purge'));
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: 'booking' } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: 'booking' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessages')).toBe(0);
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'PurgeQueueInProgress' });
    clock.advance(60_000);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: url.split('/').pop() }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('when a standard message is delayed, it stays invisible until the delay passes', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('delay'));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 5 }));
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessagesDelayed')).toBe(1);
    expect(await receive(sqs, url)).toEqual([]);
    clock.advance(5_000);
    expect(bodies(await receive(sqs, url))).toEqual(['later']);
  });

  it('when a standard message is deleted with a stale receipt handle, it is not deleted', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('stale'), { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const [first] = await receive(sqs, url);
    clock.advance(1_000);
    const [second] = await receive(sqs, url);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle }));
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessagesNotVisible')).toBe(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second!.ReceiptHandle }));
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);
  });

  it('when message attributes are sent, it returns them with the checksum AWS computes', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('msgattrs'));
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'body',
        MessageAttributes: {
          tier: { DataType: 'String', StringValue: 'VIP' },
          amount: { DataType: 'Number', StringValue: '42' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    const [message] = await receive(sqs, url);
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.MessageAttributes?.tier).toEqual({ DataType: 'String', StringValue: 'VIP' });
    expect([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([1, 2, 3]);
  });
});

describe('SQS batches', () => {
  const fx = useEndpoint();

  it('when one entry of a FIFO batch lacks a group id, it reports that entry failed and sends the others', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('batch', true), { ContentBasedDeduplication: 'true' });
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok1', MessageBody: 'one', MessageGroupId: 'g' },
          { Id: 'bad', MessageBody: 'two' },
          { Id: 'ok2', MessageBody: 'three', MessageGroupId: 'g' },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['ok1', 'ok2']);
    expect(result.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'MissingParameter', SenderFault: true })]);
    const messages = await receive(fx.clients.sqs, url);
    expect(bodies(messages)).toEqual(['one', 'three']);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'd1', ReceiptHandle: messages[0]!.ReceiptHandle },
          { Id: 'd2', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(deleted.Successful?.map((entry) => entry.Id)).toEqual(['d1']);
    expect(deleted.Failed?.[0]).toMatchObject({ Id: 'd2', Code: 'ReceiptHandleIsInvalid' });
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'c1', ReceiptHandle: messages[1]!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'c2', ReceiptHandle: messages[0]!.ReceiptHandle, VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(changed.Successful?.map((entry) => entry.Id)).toEqual(['c1']);
    expect(changed.Failed?.[0]).toMatchObject({ Id: 'c2', Code: 'InvalidParameterValue', Message: expect.stringMatching(/Message does not exist or is not available for visibility timeout change/) });
  });

  it.each([
    ['empty', [], 'EmptyBatchRequest'],
    ['too many', Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })), 'TooManyEntriesInBatchRequest'],
    ['repeated ids', [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }], 'BatchEntryIdsNotDistinct'],
    ['an invalid id', [{ Id: 'no spaces', MessageBody: 'x' }], 'InvalidBatchEntryId'],
    ['too long in total', Array.from({ length: 2 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x'.repeat(600_000) })), 'BatchRequestTooLong'],
  ])('when a batch is %s, it refuses it with %s', async (_case, entries, code) => {
    const url = await createQueue(fx.clients.sqs, uniqueName('badbatch'));
    await expect(fx.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))).rejects.toMatchObject({ name: code });
  });
});

describe('SQS standard queue chaos', () => {
  const fx = useEndpoint({ standardQueueChaos: 1, seed: 42 });

  /** Long-polls like a consumer, deleting what it gets, until `done` or a poll comes back empty. */
  async function consume(sqs: SQSClient, url: string, max: number, done: (received: Message[]) => boolean): Promise<Message[]> {
    const received: Message[] = [];
    while (!done(received)) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: 3 }));
      if (Messages.length === 0) break;
      received.push(...Messages);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
    return received;
  }

  // First in this block: it then draws the same random numbers every run, so the message is late by the same lag.
  it('when a message is delivered late, a long poll started before the send gets it once it is visible, not at the end of the poll', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('late'));
    const started = Date.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10, MessageSystemAttributeNames: ['All'] }));
    await sleep(100);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    const { Messages = [] } = await poll;
    const waitedMs = Date.now() - started;
    expect(bodies(Messages)).toEqual(['late']);
    const lagMs = Number(Messages[0]!.Attributes!.ApproximateFirstReceiveTimestamp) - Number(Messages[0]!.Attributes!.SentTimestamp);
    expect(lagMs).toBeGreaterThanOrEqual(500);
    expect(waitedMs).toBeLessThan(5_000);
  });

  it('when a message is delivered late, it counts as visible, not delayed, so a settle check sees it pending', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('pending'));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'held back' }));
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessages')).toBe(2);
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);
    expect(await queueCount(sqs, url, 'ApproximateNumberOfMessagesDelayed')).toBe(0);
  });

  it('when a consumer takes one message at a time as they are sent, late deliveries still reorder them', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('overtake'));
    // Eight, not five: how many receives (and so random draws) happen depends on timing, and eight late messages stay in send order about once in 40,000.
    const sent = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'];
    const consumer = consume(sqs, url, 1, (received) => new Set(bodies(received)).size === sent.length);
    for (const body of sent) {
      await sleep(20);
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    }
    const firstSeen = [...new Set(bodies(await consumer))];
    expect(firstSeen.toSorted()).toEqual(sent);
    expect(firstSeen).not.toEqual(sent);
  });

  it('when chaos is on, it duplicates messages and hands them out of order, as real SQS may', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('chaos'));
    const sent = ['m1', 'm2', 'm3', 'm4', 'm5'];
    for (const body of sent) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    const received = await consume(sqs, url, 10, (messages) => messages.length >= 2 * sent.length);
    expect(received).toHaveLength(10);
    expect(new Set(bodies(received))).toEqual(new Set(sent));
    expect(bodies(received).slice(0, 5)).not.toEqual(sent);
  });

  it('when the queue is FIFO, chaos leaves it alone', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('calm', true));
    for (const body of ['a', 'b', 'c']) await sendFifo(sqs, url, 'g', body);
    expect(bodies(await receive(sqs, url))).toEqual(['a', 'b', 'c']);
  });
});

describe('SQS bad input', () => {
  const fx = useEndpoint();

  async function stillServing() {
    await fx.clients.sqs.send(new ListQueuesCommand({}));
  }

  /** Posts a raw JSON-protocol request, as a broken client would. */
  async function post(target: string, body: string) {
    const response = await fetch(fx.endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body,
    });
    return { status: response.status, body: (await response.json()) as { __type: string } };
  }

  it('when the queue does not exist, it answers QueueDoesNotExist', async () => {
    await expect(
      fx.clients.sqs.send(new SendMessageCommand({ QueueUrl: `${fx.endpoint.url}/000000000000/nope`, MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
    await stillServing();
  });

  it.each([
    ['a FIFO send without a group id', { MessageBody: 'x', MessageDeduplicationId: 'd' }, true, 'MissingParameter'],
    ['a FIFO send without a deduplication id', { MessageBody: 'x', MessageGroupId: 'g' }, true, 'InvalidParameterValue'],
    ['a message over 1 MiB', { MessageBody: 'x'.repeat(1_048_577) }, false, 'InvalidParameterValue'],
    ['a message with a forbidden character', { MessageBody: 'bell \u0007' }, false, 'InvalidMessageContents'],
    ['an empty body', { MessageBody: '' }, false, 'MissingParameter'],
    ['eleven message attributes', { MessageBody: 'x', MessageAttributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])) }, false, 'InvalidParameterValue'],
    ['a deduplication id on a standard queue', { MessageBody: 'x', MessageDeduplicationId: 'd' }, false, 'InvalidParameterValue'],
  ])('when it gets %s, it answers %s', async (_case, input, fifo, code) => {
    const url = await createQueue(fx.clients.sqs, uniqueName('bad', fifo));
    await expect(fx.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, ...input }))).rejects.toMatchObject({ name: code, $metadata: { httpStatusCode: 400 } });
    await stillServing();
  });

  it.each([
    ['an invalid name', { QueueName: 'has space' }, 'InvalidParameterValue'],
    ['FifoQueue on a name without .fifo', { QueueName: 'plain', Attributes: { FifoQueue: 'true' } }, 'InvalidParameterValue'],
    ['an unknown attribute', { QueueName: 'unknown-attr', Attributes: { Colour: 'blue' } }, 'InvalidAttributeName'],
    ['an out-of-range attribute', { QueueName: 'range', Attributes: { VisibilityTimeout: '99999' } }, 'InvalidAttributeValue'],
    ['a redrive policy to a missing queue', { QueueName: 'redrive', Attributes: { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:gone","maxReceiveCount":3}' } }, 'InvalidParameterValue'],
    ['a malformed redrive policy', { QueueName: 'redrive2', Attributes: { RedrivePolicy: '{not json' } }, 'InvalidAttributeValue'],
  ])('when a queue is created with %s, it answers %s', async (_case, input, code) => {
    await expect(fx.clients.sqs.send(new CreateQueueCommand(input as CreateQueueCommandInput))).rejects.toMatchObject({ name: code });
    await stillServing();
  });

  it('when the request body is not JSON, it answers SerializationException and keeps serving', async () => {
    expect(await post('AmazonSQS.ListQueues', '{"QueueNamePrefix":')).toEqual({ status: 400, body: expect.objectContaining({ __type: 'com.amazon.coral.service#SerializationException' }) });
    expect((await post('AmazonSQS.ListQueues', '[1,2]')).status).toBe(400);
    await stillServing();
  });

  it('when the action is unknown, it answers UnknownOperationException and keeps serving', async () => {
    expect(await post('AmazonSQS.LaunchRocket', '{}')).toEqual({ status: 400, body: expect.objectContaining({ __type: 'com.amazon.coral.service#UnknownOperationException' }) });
    await stillServing();
  });

  it('when a parameter has the wrong type or range, it answers InvalidParameterValue', async () => {
    const url = await createQueue(fx.clients.sqs, uniqueName('types'));
    expect((await post('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: url, MessageBody: 42 }))).body.__type).toBe('com.amazonaws.sqs#InvalidParameterValue');
    expect((await post('AmazonSQS.ReceiveMessage', JSON.stringify({ QueueUrl: url, MaxNumberOfMessages: 11 }))).body.__type).toBe('com.amazonaws.sqs#InvalidParameterValue');
    expect((await post('AmazonSQS.ReceiveMessage', JSON.stringify({ QueueUrl: url, WaitTimeSeconds: 21 }))).body.__type).toBe('com.amazonaws.sqs#InvalidParameterValue');
    await stillServing();
  });

  it('when a receipt handle is garbage, it answers ReceiptHandleIsInvalid', async () => {
    const url = await createQueue(fx.clients.sqs, uniqueName('garbage'));
    await expect(fx.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' }))).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
    await stillServing();
  });

  it('when a request is for a service it does not serve, it says which ones it serves', async () => {
    const response = await fetch(fx.endpoint.url, { method: 'POST', headers: { 'x-amz-target': 'Kinesis_20131202.ListStreams' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/serves sqs, sns, dynamodb, stepfunctions/);
    await stillServing();
  });
});
