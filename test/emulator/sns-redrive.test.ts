import { GetSubscriptionAttributesCommand, SetSubscriptionAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createTopic, drain, publish, queueArn, subscribedQueue } from '../helpers/sns.js';
import { bodies, createQueue } from '../helpers/sqs.js';

const fx = useEndpoint();

/** Creates a queue to serve as a dead-letter queue; its URL and ARN. */
async function deadLetterQueue(name: string) {
  const url = await createQueue(fx.clients.sqs, name);
  return { url, arn: await queueArn(fx.clients, url) };
}

const redrivePolicy = (arn: string) => JSON.stringify({ deadLetterTargetArn: arn });

describe('SNS subscription dead-letter queues', () => {
  it('when the subscribed queue is gone, a subscription with a RedrivePolicy sends the message to its DLQ as it would have delivered it', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('redrive'));
    const rawDlq = await deadLetterQueue(uniqueName('raw-dlq'));
    const wrappedDlq = await deadLetterQueue(uniqueName('wrapped-dlq'));
    const raw = await subscribedQueue(fx.clients, topicArn, uniqueName('raw'), { RawMessageDelivery: 'true', RedrivePolicy: redrivePolicy(rawDlq.arn) });
    const wrapped = await subscribedQueue(fx.clients, topicArn, uniqueName('wrapped'));
    await fx.clients.sns.send(
      new SetSubscriptionAttributesCommand({ SubscriptionArn: wrapped.subscriptionArn, AttributeName: 'RedrivePolicy', AttributeValue: redrivePolicy(wrappedDlq.arn) }),
    );
    const { Attributes } = await fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: wrapped.subscriptionArn }));
    expect(Attributes?.RedrivePolicy).toBe(redrivePolicy(wrappedDlq.arn));

    await publish(fx.clients, { TopicArn: topicArn, Message: 'delivered' });
    expect(bodies(await drain(fx.clients, raw.queueUrl))).toEqual(['delivered']);
    expect(await drain(fx.clients, rawDlq.url)).toEqual([]);

    for (const queueUrl of [raw.queueUrl, wrapped.queueUrl]) await fx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    const MessageAttributes = { seat: { DataType: 'String', StringValue: 'A1' } };
    const { MessageId } = await publish(fx.clients, { TopicArn: topicArn, Message: 'undeliverable', MessageAttributes });

    const [bare] = await drain(fx.clients, rawDlq.url);
    expect(bare?.Body).toBe('undeliverable');
    expect(bare?.MessageAttributes).toEqual(MessageAttributes);
    const [enveloped] = await drain(fx.clients, wrappedDlq.url);
    expect(enveloped?.MessageAttributes).toBeUndefined();
    expect(JSON.parse(enveloped!.Body!)).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Message: 'undeliverable',
      UnsubscribeURL: expect.stringContaining(wrapped.subscriptionArn),
      MessageAttributes: { seat: { Type: 'String', Value: 'A1' } },
    });
  });

  it('when a FIFO subscription cannot be delivered, its FIFO DLQ gets the messages in order with their group and deduplication ids', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('fifo-redrive', true));
    const dlq = await deadLetterQueue(uniqueName('fifo-dlq', true));
    const subscriber = await subscribedQueue(fx.clients, topicArn, uniqueName('fifo-sub', true), { RedrivePolicy: redrivePolicy(dlq.arn) });
    await fx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: subscriber.queueUrl }));

    const first = await publish(fx.clients, { TopicArn: topicArn, Message: 'one', MessageGroupId: 'seat-A1', MessageDeduplicationId: 'req-1' });
    await publish(fx.clients, { TopicArn: topicArn, Message: 'two', MessageGroupId: 'seat-A1', MessageDeduplicationId: 'req-2' });

    const received = await drain(fx.clients, dlq.url);
    expect(received.map((m) => [JSON.parse(m.Body!).Message, m.Attributes?.MessageGroupId, m.Attributes?.MessageDeduplicationId])).toEqual([
      ['one', 'seat-A1', 'req-1'],
      ['two', 'seat-A1', 'req-2'],
    ]);
    expect(JSON.parse(received[0]!.Body!)).toMatchObject({ MessageId: first.MessageId, SequenceNumber: first.SequenceNumber });
  });

  it('when there is no RedrivePolicy, or its DLQ is gone too, the message is dropped and publishing still succeeds', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('lost'));
    const dlq = await deadLetterQueue(uniqueName('lost-dlq'));
    const subscriber = await subscribedQueue(fx.clients, topicArn, uniqueName('lost-sub'), { RedrivePolicy: redrivePolicy(dlq.arn) });
    for (const QueueUrl of [subscriber.queueUrl, dlq.url]) await fx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'nowhere' })).resolves.toHaveProperty('MessageId');
  });
});

describe('SNS RedrivePolicy checks', () => {
  it('when a RedrivePolicy is malformed or names a queue of the wrong type, it answers InvalidParameter in AWS words', async () => {
    const fifoTopic = await createTopic(fx.clients, uniqueName('checked', true));
    const fifoSub = await subscribedQueue(fx.clients, fifoTopic, uniqueName('checked-sub', true));
    const standardDlq = await deadLetterQueue(uniqueName('standard-dlq'));
    const fifoDlq = await deadLetterQueue(uniqueName('fifo-dlq', true));
    const set = (AttributeValue: string) =>
      fx.clients.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: fifoSub.subscriptionArn, AttributeName: 'RedrivePolicy', AttributeValue }));

    await expect(set(redrivePolicy(standardDlq.arn))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.',
    });
    await expect(set(redrivePolicy('not-an-arn'))).rejects.toMatchObject({ message: 'Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn' });
    await expect(set('{invalid')).rejects.toMatchObject({ message: 'Invalid parameter: RedrivePolicy: failed to parse JSON.' });
    await expect(set(redrivePolicy(fifoDlq.arn))).resolves.toBeDefined();

    // Subscribe words the same reasons after "Attributes Reason: ".
    const standardTopic = await createTopic(fx.clients, uniqueName('plain'));
    const endpoint = await queueArn(fx.clients, await createQueue(fx.clients.sqs, uniqueName('plain-sub')));
    const subscribe = (RedrivePolicy: string) =>
      fx.clients.sns.send(new SubscribeCommand({ TopicArn: standardTopic, Protocol: 'sqs', Endpoint: endpoint, Attributes: { RedrivePolicy } }));
    await expect(subscribe('{invalid')).rejects.toMatchObject({ message: 'Invalid parameter: Attributes Reason: RedrivePolicy: failed to parse JSON.' });
    await expect(subscribe(redrivePolicy(fifoDlq.arn))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('must use a standard queue as DLQ'),
    });
  });
});
