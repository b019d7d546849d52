import { createHash } from 'node:crypto';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  paginateListTopics,
  PublishBatchCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
  type CreateTopicCommandInput,
  type PublishBatchRequestEntry,
} from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createTopic, drain, postSnsForm, publish, subscribedQueue } from '../helpers/sns.js';
import { bodies } from '../helpers/sqs.js';

const fx = useEndpoint();
const account = '000000000000';

/** The endpoint still serves SNS after a bad request. */
async function expectStillServing(): Promise<void> {
  await expect(fx.clients.sns.send(new ListTopicsCommand({}))).resolves.toHaveProperty('Topics');
}

describe('SNS topics', () => {
  it('when a topic is created, read, changed and deleted, it answers as AWS does', async () => {
    const name = uniqueName('topic');
    const topicArn = await createTopic(fx.clients, name);
    expect(topicArn).toBe(`arn:aws:sns:us-east-1:${account}:${name}`);

    const { Attributes } = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(Attributes).toMatchObject({ TopicArn: topicArn, Owner: account, SubscriptionsConfirmed: '0', SubscriptionsPending: '0', SubscriptionsDeleted: '0' });
    expect(JSON.parse(Attributes!.Policy!)).toHaveProperty('Statement');
    expect(JSON.parse(Attributes!.EffectiveDeliveryPolicy!)).toHaveProperty('http');
    expect(Attributes).not.toHaveProperty('FifoTopic');

    // Characters XML must escape, and a CR an XML parser would otherwise turn into LF.
    const displayName = `Seats <&> "VIP" 'A'\r\n`;
    await fx.clients.sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'DisplayName', AttributeValue: displayName }));
    const changed = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(changed.Attributes?.DisplayName).toBe(displayName);

    const listed = await fx.clients.sns.send(new ListTopicsCommand({}));
    expect(listed.Topics).toContainEqual({ TopicArn: topicArn });

    await fx.clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    const after = await fx.clients.sns.send(new ListTopicsCommand({}));
    expect(after.Topics).not.toContainEqual({ TopicArn: topicArn });
    await expect(fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Topic does not exist',
    });
    // Deleting it again succeeds, as on AWS.
    await fx.clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  });

  it('when CreateTopic repeats a name, it returns the same ARN for the same attributes and refuses different ones', async () => {
    const name = uniqueName('again');
    const first = await createTopic(fx.clients, name, { DisplayName: 'one' });
    expect(await createTopic(fx.clients, name, { DisplayName: 'one' })).toBe(first);
    expect(await createTopic(fx.clients, name)).toBe(first);
    await expect(createTopic(fx.clients, name, { DisplayName: 'two' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('already exists with different attributes'),
    });
  });

  it('when a FIFO topic is created, it reports its FIFO attributes, and FifoTopic cannot be changed (AttributeName)', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('ordered', true), { ContentBasedDeduplication: 'true' });
    const { Attributes } = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(Attributes).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'true' });

    await fx.clients.sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'ContentBasedDeduplication', AttributeValue: 'false' }));
    const changed = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(changed.Attributes?.ContentBasedDeduplication).toBe('false');

    await expect(
      fx.clients.sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'FifoTopic', AttributeValue: 'false' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: AttributeName' });
  });

  it('when there are more than 100 topics, ListTopics pages through them with NextToken', async () => {
    const prefix = uniqueName('many');
    const created = new Set<string>();
    for (let i = 0; i < 101; i++) created.add(await createTopic(fx.clients, `${prefix}-${i}`));

    const first = await fx.clients.sns.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toBeDefined();

    const seen: string[] = [];
    for await (const page of paginateListTopics({ client: fx.clients.sns }, {})) seen.push(...(page.Topics ?? []).map((t) => t.TopicArn!));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([...created]));
  });

  it('when a topic name or its FIFO attribute is invalid, it answers InvalidParameter', async () => {
    const inputs: CreateTopicCommandInput[] = [
      { Name: '' },
      { Name: 'has space' },
      { Name: 'x'.repeat(257) },
      { Name: uniqueName('no-attribute', true) },
      { Name: uniqueName('no-suffix'), Attributes: { FifoTopic: 'true' } },
      { Name: uniqueName('standard'), Attributes: { ContentBasedDeduplication: 'true' } },
      { Name: uniqueName('unknown'), Attributes: { Colour: 'blue' } },
    ];
    for (const input of inputs) {
      await expect(fx.clients.sns.send(new CreateTopicCommand(input))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    }
    await expectStillServing();
  });
  it('when a topic is tagged, its tags can be listed and removed, and CreateTopic with other tags is refused', async () => {
    const name = uniqueName('tagged');
    const { TopicArn } = await fx.clients.sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: 'team', Value: 'booking' }] }));
    await fx.clients.sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'env', Value: 'ci' }] }));
    const tagged = await fx.clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
    expect(tagged.Tags).toEqual([
      { Key: 'team', Value: 'booking' },
      { Key: 'env', Value: 'ci' },
    ]);
    await fx.clients.sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team'] }));
    const untagged = await fx.clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
    expect(untagged.Tags).toEqual([{ Key: 'env', Value: 'ci' }]);

    await expect(fx.clients.sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: 'env', Value: 'prod' }] }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('different tags'),
    });
    const missing = `arn:aws:sns:us-east-1:${account}:${uniqueName('untaggable')}`;
    await expect(fx.clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: missing }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('SNS subscriptions', () => {
  it('when a queue is subscribed, it is listed, subscribing again returns the same ARN, and its attributes can be read and set', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('subs'));
    const { endpoint, subscriptionArn } = await subscribedQueue(fx.clients, topicArn, uniqueName('subscriber'));
    expect(subscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));

    const again = await fx.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint }));
    expect(again.SubscriptionArn).toBe(subscriptionArn);
    await expect(
      fx.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint, Attributes: { RawMessageDelivery: 'true' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('different attributes') });

    const row = { SubscriptionArn: subscriptionArn, Owner: account, Protocol: 'sqs', Endpoint: endpoint, TopicArn: topicArn };
    const byTopic = await fx.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(byTopic.Subscriptions).toEqual([row]);
    const all = await fx.clients.sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions).toContainEqual(row);

    const read = await fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    expect(read.Attributes).toMatchObject({ ...row, RawMessageDelivery: 'false', PendingConfirmation: 'false' });
    const topic = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(topic.Attributes?.SubscriptionsConfirmed).toBe('1');

    await fx.clients.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
    const changed = await fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    expect(changed.Attributes?.RawMessageDelivery).toBe('true');

    await fx.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    const none = await fx.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(none.Subscriptions).toEqual([]);
    const counted = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(counted.Attributes).toMatchObject({ SubscriptionsConfirmed: '0', SubscriptionsDeleted: '1' });
    await expect(fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('when a topic is deleted, its subscriptions go with it', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('doomed'));
    const { subscriptionArn } = await subscribedQueue(fx.clients, topicArn, uniqueName('orphan'));
    await fx.clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    const all = await fx.clients.sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions?.map((s) => s.SubscriptionArn)).not.toContain(subscriptionArn);
  });

  it('when the protocol is not sqs, it answers InvalidParameter saying that only SQS is delivered', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('http'));
    await expect(
      fx.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'https', Endpoint: 'https://example.com/hook' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('delivers only to SQS') });
    await expect(
      fx.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: 'https://sqs.example.com/queue' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: SQS endpoint ARN' });
    await expectStillServing();
  });

  it('when a standard topic subscribes a FIFO queue, it answers InvalidParameter; a FIFO topic may subscribe a standard queue', async () => {
    const standard = await createTopic(fx.clients, uniqueName('plain'));
    await expect(subscribedQueue(fx.clients, standard, uniqueName('ordered', true))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('FIFO SQS Queues can not be subscribed to standard SNS topics'),
    });
    const fifo = await createTopic(fx.clients, uniqueName('ordered', true));
    await expect(subscribedQueue(fx.clients, fifo, uniqueName('unordered'))).resolves.toHaveProperty('subscriptionArn');
  });
});

describe('SNS delivery', () => {
  it('when a FIFO topic fans out to two FIFO queues, each queue gets every group in publish order with its group id', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('bookings', true));
    const inventory = await subscribedQueue(fx.clients, topicArn, uniqueName('inventory', true), { RawMessageDelivery: 'true' });
    const payment = await subscribedQueue(fx.clients, topicArn, uniqueName('payment', true), { RawMessageDelivery: 'true' });

    const published: { group: string; body: string }[] = [];
    for (let i = 0; i < 4; i++) {
      for (const group of ['seat-A1', 'seat-B2', 'seat-C3']) {
        const body = `${group}#${i}`;
        published.push({ group, body });
        await publish(fx.clients, { TopicArn: topicArn, Message: body, MessageGroupId: group, MessageDeduplicationId: `req-${body}` });
      }
    }

    for (const queueUrl of [inventory.queueUrl, payment.queueUrl]) {
      const received = await drain(fx.clients, queueUrl);
      expect(received).toHaveLength(published.length);
      for (const group of ['seat-A1', 'seat-B2', 'seat-C3']) {
        const ofGroup = received.filter((m) => m.Attributes?.MessageGroupId === group);
        expect(bodies(ofGroup)).toEqual(published.filter((p) => p.group === group).map((p) => p.body));
        expect(ofGroup.map((m) => m.Attributes?.MessageDeduplicationId)).toEqual(ofGroup.map((m) => `req-${m.Body}`));
      }
    }
  });

  it('when a subscription asks for raw delivery, the queue gets the bare message and its attributes; otherwise the JSON envelope', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('notify'));
    const raw = await subscribedQueue(fx.clients, topicArn, uniqueName('raw'), { RawMessageDelivery: 'true' });
    const wrapped = await subscribedQueue(fx.clients, topicArn, uniqueName('wrapped'));
    const MessageAttributes = {
      tier: { DataType: 'String', StringValue: 'VIP' },
      amount: { DataType: 'Number', StringValue: '42.5' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    const { MessageId, SequenceNumber } = await publish(fx.clients, {
      TopicArn: topicArn,
      Message: '{"seat":"A1"}',
      Subject: 'Booking',
      MessageAttributes,
    });
    expect(SequenceNumber).toBeUndefined();

    const [bare] = await drain(fx.clients, raw.queueUrl);
    expect(bare?.Body).toBe('{"seat":"A1"}');
    expect(bare?.MessageAttributes).toEqual(MessageAttributes);

    const [enveloped] = await drain(fx.clients, wrapped.queueUrl);
    expect(enveloped?.MessageAttributes).toBeUndefined();
    const envelope = JSON.parse(enveloped!.Body!);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'Booking',
      Message: '{"seat":"A1"}',
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.stringMatching(/^http/),
      UnsubscribeURL: expect.stringContaining(`SubscriptionArn=${wrapped.subscriptionArn}`),
      MessageAttributes: {
        tier: { Type: 'String', Value: 'VIP' },
        amount: { Type: 'Number', Value: '42.5' },
        blob: { Type: 'Binary', Value: Buffer.from([1, 2, 3]).toString('base64') },
      },
    });
    expect(new Date(envelope.Timestamp).toISOString()).toBe(envelope.Timestamp);
    expect(envelope).not.toHaveProperty('SequenceNumber');
  });

  it('when a FIFO topic delivers, a FIFO queue gets the envelope with the sequence number and a standard queue gets no group id', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('seq', true));
    const fifo = await subscribedQueue(fx.clients, topicArn, uniqueName('seq-fifo', true));
    const standard = await subscribedQueue(fx.clients, topicArn, uniqueName('seq-std'), { RawMessageDelivery: 'true' });

    const first = await publish(fx.clients, { TopicArn: topicArn, Message: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    const second = await publish(fx.clients, { TopicArn: topicArn, Message: 'two', MessageGroupId: 'g', MessageDeduplicationId: 'd2' });
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(second.SequenceNumber!)).toBeGreaterThan(BigInt(first.SequenceNumber!));

    const envelopes = (await drain(fx.clients, fifo.queueUrl)).map((m) => JSON.parse(m.Body!));
    expect(envelopes.map((e) => [e.Message, e.MessageId, e.SequenceNumber])).toEqual([
      ['one', first.MessageId, first.SequenceNumber],
      ['two', second.MessageId, second.SequenceNumber],
    ]);
    const plain = await drain(fx.clients, standard.queueUrl);
    expect(bodies(plain).sort()).toEqual(['one', 'two']);
    expect(plain.map((m) => m.Attributes?.MessageGroupId)).toEqual([undefined, undefined]);
  });

  it('when a FIFO topic has content-based deduplication, the same message is delivered once with the SHA-256 as its deduplication id', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('content', true), { ContentBasedDeduplication: 'true' });
    const { queueUrl } = await subscribedQueue(fx.clients, topicArn, uniqueName('content-q', true), { RawMessageDelivery: 'true' });

    const first = await publish(fx.clients, { TopicArn: topicArn, Message: 'book A1', MessageGroupId: 'A1' });
    const repeat = await publish(fx.clients, { TopicArn: topicArn, Message: 'book A1', MessageGroupId: 'A1' });
    const other = await publish(fx.clients, { TopicArn: topicArn, Message: 'book A2', MessageGroupId: 'A1' });
    expect(repeat).toMatchObject({ MessageId: first.MessageId, SequenceNumber: first.SequenceNumber });
    expect(other.MessageId).not.toBe(first.MessageId);

    const received = await drain(fx.clients, queueUrl);
    expect(bodies(received)).toEqual(['book A1', 'book A2']);
    expect(received[0]?.Attributes?.MessageDeduplicationId).toBe(createHash('sha256').update('book A1').digest('hex'));
  });

  it('when a PublishBatch entry lacks its MessageGroupId on a FIFO topic, that entry fails and the others are delivered', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('batch', true));
    const { queueUrl } = await subscribedQueue(fx.clients, topicArn, uniqueName('batch-q', true), { RawMessageDelivery: 'true' });
    const { Successful, Failed } = await fx.clients.sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'a', Message: 'first', MessageGroupId: 'g', MessageDeduplicationId: 'a' },
          { Id: 'b', Message: 'orphan', MessageDeduplicationId: 'b' },
          { Id: 'c', Message: 'second', MessageGroupId: 'g', MessageDeduplicationId: 'c' },
        ],
      }),
    );
    expect(Successful?.map((s) => s.Id)).toEqual(['a', 'c']);
    expect(Successful?.every((s) => /^\d{20}$/.test(s.SequenceNumber ?? ''))).toBe(true);
    expect(Failed).toEqual([{ Id: 'b', Code: 'InvalidParameter', SenderFault: true, Message: expect.stringContaining('MessageGroupId') }]);
    expect(bodies(await drain(fx.clients, queueUrl))).toEqual(['first', 'second']);
  });

  it('when a PublishBatch is malformed as a whole, it answers the batch error of the model', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('batch-errors'));
    const entry = (Id: string, Message = 'm'): PublishBatchRequestEntry => ({ Id, Message });
    const cases: [PublishBatchRequestEntry[], string][] = [
      [[], 'EmptyBatchRequestException'],
      [Array.from({ length: 11 }, (_, i) => entry(`e${i}`)), 'TooManyEntriesInBatchRequestException'],
      [[entry('same'), entry('same')], 'BatchEntryIdsNotDistinctException'],
      [[entry('not valid!')], 'InvalidBatchEntryIdException'],
      [[entry('a', 'x'.repeat(150_000)), entry('b', 'y'.repeat(150_000))], 'BatchRequestTooLongException'],
    ];
    for (const [entries, name] of cases) {
      await expect(fx.clients.sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }))).rejects.toMatchObject({ name });
    }
    await expectStillServing();
  });

  it('when a subscription has a filter policy on message attributes, only matching messages are delivered', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('filtered'));
    const policy = { tier: ['VIP', { prefix: 'gold' }], seat: [{ 'anything-but': ['Z9'] }], amount: [{ numeric: ['>', 10] }] };
    const { queueUrl } = await subscribedQueue(fx.clients, topicArn, uniqueName('vip'), {
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify(policy),
    });
    const send = (Message: string, tier: string, seat: string, amount = '20') =>
      publish(fx.clients, {
        TopicArn: topicArn,
        Message,
        MessageAttributes: {
          tier: { DataType: 'String', StringValue: tier },
          seat: { DataType: 'String', StringValue: seat },
          amount: { DataType: 'Number', StringValue: amount },
        },
      });
    await send('vip', 'VIP', 'A1');
    await send('gold', 'gold-plus', 'A2');
    await send('basic', 'basic', 'A3');
    await send('excluded seat', 'VIP', 'Z9');
    await send('too cheap', 'VIP', 'A4', '5');
    await publish(fx.clients, { TopicArn: topicArn, Message: 'no attributes' });
    expect(bodies(await drain(fx.clients, queueUrl))).toEqual(['vip', 'gold']);

    const { SubscriptionArn } = await fx.clients.sns
      .send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))
      .then((r) => r.Subscriptions![0]!);
    const { Attributes } = await fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({ FilterPolicy: JSON.stringify(policy), FilterPolicyScope: 'MessageAttributes' });
  });

  it('when a filter policy has MessageBody scope, it matches nested properties of a JSON message', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('body-filtered'));
    const { queueUrl } = await subscribedQueue(fx.clients, topicArn, uniqueName('body-vip'), {
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: JSON.stringify({ booking: { tier: ['VIP'], seat: [{ exists: true }] } }),
    });
    for (const Message of ['{"booking":{"tier":"VIP","seat":"A1"}}', '{"booking":{"tier":"basic","seat":"A2"}}', '{"booking":{"tier":"VIP"}}', 'not json']) {
      await publish(fx.clients, { TopicArn: topicArn, Message });
    }
    expect(bodies(await drain(fx.clients, queueUrl))).toEqual(['{"booking":{"tier":"VIP","seat":"A1"}}']);
    await expect(
      subscribedQueue(fx.clients, topicArn, uniqueName('bad-filter'), { FilterPolicy: JSON.stringify({ tier: [{ wildcard: 'V*' }] }) }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('does not support') });
  });

  it('when MessageStructure is json, an SQS subscription gets its sqs entry, or else the default one', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('structured'));
    const { queueUrl } = await subscribedQueue(fx.clients, topicArn, uniqueName('structured-q'), { RawMessageDelivery: 'true' });
    const structured = (message: object) => publish(fx.clients, { TopicArn: topicArn, MessageStructure: 'json', Message: JSON.stringify(message) });
    await structured({ default: 'for everyone', sqs: 'for queues' });
    await structured({ default: 'only default', email: 'for people' });
    await expect(structured({ sqs: 'no default' })).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('default') });
    expect(bodies(await drain(fx.clients, queueUrl))).toEqual(['for queues', 'only default']);
  });

  it('when a subscribed queue has been deleted, publishing still succeeds and the other queues get the message', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('gone'));
    const gone = await subscribedQueue(fx.clients, topicArn, uniqueName('gone-q'));
    const kept = await subscribedQueue(fx.clients, topicArn, uniqueName('kept-q'), { RawMessageDelivery: 'true' });
    await fx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: gone.queueUrl }));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'still here' })).resolves.toHaveProperty('MessageId');
    expect(bodies(await drain(fx.clients, kept.queueUrl))).toEqual(['still here']);
  });
});

describe('SNS FIFO deduplication window', () => {
  const clock = new ManualClock();
  const timed = useEndpoint({ clock });

  it('when a MessageDeduplicationId repeats within 5 minutes it is delivered once, and after 5 minutes it is delivered again', async () => {
    const topicArn = await createTopic(timed.clients, uniqueName('window', true));
    // A standard queue does not deduplicate, so what it receives is what the topic let through.
    const { queueUrl } = await subscribedQueue(timed.clients, topicArn, uniqueName('window-q'), { RawMessageDelivery: 'true' });
    const input = { TopicArn: topicArn, Message: 'book A1', MessageGroupId: 'A1', MessageDeduplicationId: 'request-1' };

    const first = await publish(timed.clients, input);
    clock.advance(5 * 60 * 1000 - 1);
    const repeat = await publish(timed.clients, input);
    expect(repeat).toMatchObject({ MessageId: first.MessageId, SequenceNumber: first.SequenceNumber });
    expect(bodies(await drain(timed.clients, queueUrl))).toEqual(['book A1']);

    clock.advance(1);
    const later = await publish(timed.clients, input);
    expect(later.MessageId).not.toBe(first.MessageId);
    expect(BigInt(later.SequenceNumber!)).toBeGreaterThan(BigInt(first.SequenceNumber!));
    expect(bodies(await drain(timed.clients, queueUrl))).toEqual(['book A1']);
  });

  it('when the envelope is written, its Timestamp is the injected clock', async () => {
    const topicArn = await createTopic(timed.clients, uniqueName('clocked'));
    const { queueUrl } = await subscribedQueue(timed.clients, topicArn, uniqueName('clocked-q'));
    await publish(timed.clients, { TopicArn: topicArn, Message: 'tick' });
    const [message] = await drain(timed.clients, queueUrl);
    expect(JSON.parse(message!.Body!).Timestamp).toBe(new Date(clock.now()).toISOString());
  });
});

describe('SNS bad input', () => {
  it('when the topic does not exist, it answers NotFoundException and the server keeps serving', async () => {
    const TopicArn = `arn:aws:sns:us-east-1:${account}:${uniqueName('missing')}`;
    await expect(publish(fx.clients, { TopicArn, Message: 'm' })).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
    await expect(fx.clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${account}:q` }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(fx.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expectStillServing();
  });

  it('when an ARN is not a topic ARN, it answers InvalidParameter', async () => {
    await expect(publish(fx.clients, { TopicArn: 'not-an-arn', Message: 'm' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('TopicArn'),
    });
    await expect(fx.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:t' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expectStillServing();
  });

  it('when a FIFO publish has no MessageGroupId or no deduplication id, it answers InvalidParameter', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('strict', true));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'm', MessageDeduplicationId: 'd' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('MessageGroupId'),
    });
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'm', MessageGroupId: 'g' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('ContentBasedDeduplication'),
    });
    await expectStillServing();
  });

  it('when a message with its attributes is over 256 KiB, it answers InvalidParameter "Message too long"', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('big'));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'x'.repeat(262_144) })).resolves.toHaveProperty('MessageId');
    await expect(
      publish(fx.clients, { TopicArn: topicArn, Message: 'x'.repeat(262_140), MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Message too long' });
    await expectStillServing();
  });

  it('when the message is empty or its attributes are invalid, it answers the model error', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('attrs'));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: '' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      publish(fx.clients, { TopicArn: topicArn, Message: 'm', MessageAttributes: { n: { DataType: 'Number', StringValue: 'many' } } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expectStillServing();
  });

  it('when a NextToken was not given out by the endpoint, it answers InvalidParameter', async () => {
    await expect(fx.clients.sns.send(new ListTopicsCommand({ NextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expectStillServing();
  });

  it('when the Action is unknown, it answers InvalidAction in XML', async () => {
    const { status, text } = await postSnsForm(fx.endpoint.url, 'Action=Nope&Version=2010-03-31');
    expect(status).toBe(400);
    expect(text).toContain('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(text).toContain('<Code>InvalidAction</Code>');
    await expectStillServing();
  });

  it('when the form is malformed, it answers an XML error instead of failing', async () => {
    const conflicting = await postSnsForm(fx.endpoint.url, 'Action=CreateTopic&Name=a&Name.member.1=b');
    expect(conflicting.status).toBe(400);
    expect(conflicting.text).toContain('<Type>Sender</Type>');
    const polluting = await postSnsForm(fx.endpoint.url, 'Action=ListTopics&__proto__.polluted=1&constructor.prototype.polluted=1');
    expect(polluting.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const garbage = await postSnsForm(fx.endpoint.url, '%%%&&=<xml>\u0000');
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain('<Code>MissingAction</Code>');
    await expectStillServing();
  });
});
