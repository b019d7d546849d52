import {
  AddPermissionCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  type CreateQueueCommandInput,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { md5OfMessageAttributes } from '../../src/emulator/message-attributes.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { bodies, createQueue, receive, sendFifo } from '../helpers/sqs.js';

describe('SQS queue creation rules', () => {
  const fx = useEndpoint();
  const attributesOf = async (url: string) => (await fx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;

  it('when boolean attributes are written in another case, it takes them and answers them in lower case', async () => {
    const name = uniqueName('case', true);
    const { QueueUrl } = await fx.clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'True', ContentBasedDeduplication: 'TRUE' } }));
    expect(await attributesOf(QueueUrl!)).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await fx.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    await fx.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(bodies(await receive(fx.clients.sqs, QueueUrl!))).toEqual(['same']);
  });

  it.each([
    ['a .fifo name without FifoQueue', { QueueName: 'plain.fifo' }, 'InvalidParameterValue', /^Can only include alphanumeric characters, hyphens, or underscores\. 1 to 80 in length$/],
    ['FifoQueue false', { QueueName: 'standard-false', Attributes: { FifoQueue: 'false' } }, 'InvalidAttributeName', /^Unknown Attribute FifoQueue\.$/],
    ['content-based deduplication on a standard queue', { QueueName: 'standard-cbd', Attributes: { ContentBasedDeduplication: 'true' } }, 'InvalidAttributeName', /^Unknown Attribute ContentBasedDeduplication\.$/],
    ['a throughput limit on a standard queue', { QueueName: 'standard-tp', Attributes: { FifoThroughputLimit: 'perQueue' } }, 'InvalidAttributeName', /only when FifoQueue is set to true/],
    ['a FIFO name over 80 characters with its suffix', { QueueName: `${'a'.repeat(76)}.fifo`, Attributes: { FifoQueue: 'true' } }, 'InvalidParameterValue', /1 to 80 in length/],
    ['a boolean that is not one', { QueueName: 'bad-bool.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'yes' } }, 'InvalidAttributeValue', /ContentBasedDeduplication/],
  ])('when a queue is created with %s, it answers %s', async (_case, input, code, message) => {
    await expect(fx.clients.sqs.send(new CreateQueueCommand(input as CreateQueueCommandInput))).rejects.toMatchObject({ name: code, message: expect.stringMatching(message) });
  });

  it('when a FIFO queue is told it is standard, it refuses: the type cannot change', async () => {
    const url = await createQueue(fx.clients.sqs, uniqueName('keep', true));
    await expect(fx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: 'false' } }))).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
      message: expect.stringMatching(/Modifying queue type is not supported/),
    });
  });

  it('when an existing queue is created again, the attributes given decide: same or default values return its URL, others QueueNameExists', async () => {
    const sqs = fx.clients.sqs;
    const name = uniqueName('again');
    const url = await createQueue(sqs, name, { VisibilityTimeout: '5' });
    expect(await createQueue(sqs, name)).toBe(url);
    expect(await createQueue(sqs, name, { VisibilityTimeout: '5', DelaySeconds: '0', MaximumMessageSize: '1048576' })).toBe(url);
    await expect(createQueue(sqs, name, { DelaySeconds: '3' })).rejects.toMatchObject({ name: 'QueueNameExists', message: expect.stringMatching(/attribute DelaySeconds$/) });
  });

  it('when a queue is created, its messages may be 1 MiB, the default and largest size AWS allows', async () => {
    const url = await createQueue(fx.clients.sqs, uniqueName('size'));
    expect((await attributesOf(url)).MaximumMessageSize).toBe('1048576');
    await fx.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_576) }));
  });

  it('when a queue has no tags or is given an empty policy, it answers neither, as AWS does', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('empty'), { Policy: '{"Version":"2012-10-17","Statement":[]}' });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toBeUndefined();
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: '' } }));
    expect(await attributesOf(url)).not.toHaveProperty('Policy');
  });

  it('when queues name a dead-letter queue, ListDeadLetterSourceQueues lists them and pages with NextToken', async () => {
    const sqs = fx.clients.sqs;
    const dlq = await createQueue(sqs, uniqueName('dlq'));
    const { QueueArn } = await attributesOf(dlq);
    const redrive = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: QueueArn, maxReceiveCount: 3 }) };
    const sources = [await createQueue(sqs, uniqueName('src-a'), redrive), await createQueue(sqs, uniqueName('src-b'), redrive)];
    await createQueue(sqs, uniqueName('unrelated'));
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls).toEqual(sources);
    const first = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 1 }));
    expect(first.queueUrls).toEqual([sources[0]]);
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 1, NextToken: first.NextToken }))).queueUrls).toEqual([sources[1]]);
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: sources[0] }))).queueUrls).toEqual([]);
  });

  it('when permissions are added and removed, they are kept in the Policy attribute as AWS writes it', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('perm'));
    const { QueueArn } = await attributesOf(url);
    await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'AliceSend', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }));
    await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'BobRead', AWSAccountIds: ['111122223333', '444455556666'], Actions: ['ReceiveMessage', 'DeleteMessage'] }));
    expect(JSON.parse((await attributesOf(url)).Policy!)).toEqual({
      Version: '2008-10-17',
      Id: `${QueueArn}/SQSDefaultPolicy`,
      Statement: [
        { Sid: 'AliceSend', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SQS:SendMessage', Resource: QueueArn },
        {
          Sid: 'BobRead',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'] },
          Action: ['SQS:ReceiveMessage', 'SQS:DeleteMessage'],
          Resource: QueueArn,
        },
      ],
    });
    await expect(sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'AliceSend', AWSAccountIds: ['1'], Actions: ['SendMessage'] }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/Already exists/) });
    await expect(sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'Bad', AWSAccountIds: ['1'], Actions: ['Fly'] }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/SQS:Fly for parameter ActionName/) });
    await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'AliceSend' }));
    await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'BobRead' }));
    expect(await attributesOf(url)).not.toHaveProperty('Policy');
    await expect(sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'BobRead' }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/can't find label/) });
  });
});

describe('SQS messages', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  it('when a FIFO queue is purged, it forgets the deduplication ids it saw', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('purge-dedup', true));
    await sendFifo(sqs, url, 'g', 'again');
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    await sendFifo(sqs, url, 'g', 'again');
    expect(bodies(await receive(sqs, url))).toEqual(['again']);
  });

  it('when a high-throughput FIFO queue is received from, it hands out groups as any FIFO queue does: one group in order, then the next', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('high-throughput', true), { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    for (const body of ['a1', 'b1', 'a2', 'b2']) await sendFifo(sqs, url, body[0]!, body);
    expect(bodies(await receive(sqs, url, 10))).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('when a message carries an AWSTraceHeader, the send answers its checksum and a receive that asks gets it back', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('trace'));
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const traced = { AWSTraceHeader: { DataType: 'String', StringValue: trace } };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'traced', MessageSystemAttributes: traced }));
    expect(sent.MD5OfMessageSystemAttributes).toBe(md5OfMessageAttributes(traced));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['AWSTraceHeader'] }));
    expect(Messages?.[0]?.Attributes).toEqual({ AWSTraceHeader: trace });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageSystemAttributes: { Other: { DataType: 'String', StringValue: 'v' } } as never })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it.each([
    [['All'], ['booking.id', 'booking.seat', 'other']],
    [['.*'], ['booking.id', 'booking.seat', 'other']],
    [['booking.*'], ['booking.id', 'booking.seat']],
    [['other'], ['other']],
  ])('when a receive asks for message attributes %j, it gets %j with their checksum', async (names, expected) => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('wildcard'));
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { 'booking.id': attribute('1'), 'booking.seat': attribute('2'), other: attribute('3') } }));
    const [message] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: names }))).Messages!;
    expect(Object.keys(message!.MessageAttributes!).sort()).toEqual(expected);
    expect(message!.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(message!.MessageAttributes as never));
  });

  it('when the visibility of a message whose timeout ran out is changed, it answers OK and the message stays visible', async () => {
    const sqs = fx.clients.sqs;
    const url = await createQueue(sqs, uniqueName('expired-handle'));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const [first] = await receive(sqs, url, 1, 5);
    clock.advance(6_000);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle, VisibilityTimeout: 60 }));
    expect(bodies(await receive(sqs, url))).toEqual(['m']);
  });
});
