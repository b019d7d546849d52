import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createTopic, postSnsForm, publish, queueArn, subscribedQueue } from '../helpers/sns.js';
import { createQueue } from '../helpers/sqs.js';

const fx = useEndpoint();
const account = '000000000000';

describe('SNS answers as AWS words them', () => {
  it('when subscription attributes are read, they include the SubscriptionPrincipal, the principal that subscribed', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('principal'));
    const { subscriptionArn } = await subscribedQueue(fx.clients, topicArn, uniqueName('principal-q'));
    const { Attributes } = await fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    expect(Attributes?.SubscriptionPrincipal).toBe(`arn:aws:iam::${account}:root`);
  });

  it('when a topic is tagged and untagged over the wire, the responses carry their empty result elements', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('tag-xml'));
    const arn = encodeURIComponent(topicArn);
    const tagged = await postSnsForm(fx.endpoint.url, `Action=TagResource&ResourceArn=${arn}&Tags.member.1.Key=team&Tags.member.1.Value=booking`);
    expect(tagged.status).toBe(200);
    expect(tagged.text).toMatch(/<TagResourceResponse xmlns="[^"]+"><TagResourceResult(\/>|><\/TagResourceResult>)<ResponseMetadata><RequestId>/);
    const untagged = await postSnsForm(fx.endpoint.url, `Action=UntagResource&ResourceArn=${arn}&TagKeys.member.1=team`);
    expect(untagged.text).toMatch(/<UntagResourceResponse xmlns="[^"]+"><UntagResourceResult(\/>|><\/UntagResourceResult>)<ResponseMetadata>/);
    // An operation whose model output is empty has no result element at all.
    const deleted = await postSnsForm(fx.endpoint.url, `Action=DeleteTopic&TopicArn=${arn}`);
    expect(deleted.text).toMatch(/<DeleteTopicResponse xmlns="[^"]+"><ResponseMetadata>/);

    // The SDK reads them too.
    const again = await createTopic(fx.clients, uniqueName('tag-sdk'));
    await expect(fx.clients.sns.send(new TagResourceCommand({ ResourceArn: again, Tags: [{ Key: 'k', Value: 'v' }] }))).resolves.toBeDefined();
    await expect(fx.clients.sns.send(new UntagResourceCommand({ ResourceArn: again, TagKeys: ['k'] }))).resolves.toBeDefined();
    await expect(
      fx.clients.sns.send(new TagResourceCommand({ ResourceArn: again, Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Duplicated keys are not allowed.' });
    expect((await fx.clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: again }))).Tags).toEqual([]);
  });

  it('when a subscription that does not exist is unsubscribed, it succeeds; a malformed ARN is refused in AWS words', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('unsub'));
    const { subscriptionArn } = await subscribedQueue(fx.clients, topicArn, uniqueName('unsub-q'));
    const unsubscribe = (SubscriptionArn: string) => fx.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await unsubscribe(subscriptionArn);
    await expect(unsubscribe(subscriptionArn)).resolves.toBeDefined();
    await expect(unsubscribe(`arn:aws:sns:us-east-1:${account}:${uniqueName('no-topic')}:1a2b3c4d-0000-4000-8000-000000000000`)).resolves.toBeDefined();
    const counted = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(counted.Attributes?.SubscriptionsDeleted).toBe('1');

    await expect(unsubscribe(topicArn)).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: SubscriptionId' });
    await expect(unsubscribe('not-an-arn')).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1',
    });
    await expect(fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Subscription does not exist',
    });
  });

  it('when topics and messages are malformed, the messages are AWS own', async () => {
    const refusal = (message: string) => ({ name: 'InvalidParameterException', message });
    await expect(publish(fx.clients, { TopicArn: 'not-an-arn', Message: 'm' })).rejects.toMatchObject(
      refusal('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1'),
    );
    await expect(publish(fx.clients, { TopicArn: `arn:aws:sqs:us-east-1:${account}:queue`, Message: 'm' })).rejects.toMatchObject(refusal('Invalid parameter: TopicArn'));
    await expect(fx.clients.sns.send(new CreateTopicCommand({ Name: 'has space' }))).rejects.toMatchObject(refusal('Invalid parameter: Topic Name'));
    await expect(fx.clients.sns.send(new CreateTopicCommand({ Name: uniqueName('unmarked', true) }))).rejects.toMatchObject(refusal('Invalid parameter: Topic Name'));
    await expect(fx.clients.sns.send(new CreateTopicCommand({ Name: uniqueName('unsuffixed'), Attributes: { FifoTopic: 'true' } }))).rejects.toMatchObject(
      refusal(
        'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
      ),
    );

    const topicArn = await createTopic(fx.clients, uniqueName('words'));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'm', Subject: '' })).rejects.toMatchObject(refusal('Invalid parameter: Subject'));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: '' })).rejects.toMatchObject(refusal('Invalid parameter: Empty message'));
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: '{not json', MessageStructure: 'json' })).rejects.toMatchObject(
      refusal('Invalid parameter: Message Structure - JSON message body failed to parse'),
    );
    await expect(publish(fx.clients, { TopicArn: topicArn, Message: 'x'.repeat(262_145) })).rejects.toMatchObject(refusal('Invalid parameter: Message too long'));
    await expect(publish(fx.clients, { TopicArn: `arn:aws:sns:us-east-1:${account}:${uniqueName('absent')}`, Message: 'm' })).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Topic does not exist',
    });
  });

  it('when a subscription is malformed, Subscribe and SetSubscriptionAttributes refuse it in AWS words', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('sub-words'));
    const endpoint = await queueArn(fx.clients, await createQueue(fx.clients.sqs, uniqueName('sub-words-q')));
    const subscribe = (input: Partial<ConstructorParameters<typeof SubscribeCommand>[0]>) =>
      fx.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint, ...input }));
    const refusal = (message: string) => ({ name: 'InvalidParameterException', message });

    await expect(subscribe({ Protocol: 'carrier-pigeon' })).rejects.toMatchObject(refusal('Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon'));
    await expect(subscribe({ Endpoint: 'https://sqs.us-east-1.amazonaws.com/000000000000/q' })).rejects.toMatchObject(refusal('Invalid parameter: SQS endpoint ARN'));
    await expect(subscribe({ Endpoint: `arn:aws:sqs:us-east-1:${account}:q.fifo` })).rejects.toMatchObject(
      refusal('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics'),
    );
    await expect(subscribe({ Attributes: { RawMessageDelivery: 'wrongvalue' } })).rejects.toMatchObject(
      refusal('Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false.'),
    );
    await expect(subscribe({ Attributes: { Colour: 'blue' } })).rejects.toMatchObject(refusal('Invalid parameter: Attributes Reason: AttributeName'));

    const { SubscriptionArn } = await subscribe({});
    const set = (AttributeName: string, AttributeValue: string) =>
      fx.clients.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
    await expect(set('Colour', 'blue')).rejects.toMatchObject(refusal('Invalid parameter: AttributeName'));
    await expect(set('RawMessageDelivery', 'test-ValUe')).rejects.toMatchObject(refusal('Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false.'));
    await expect(set('FilterPolicy', '{invalid')).rejects.toMatchObject(refusal('Invalid parameter: FilterPolicy: failed to parse JSON.'));
    await expect(set('FilterPolicyScope', 'Everything')).rejects.toMatchObject(
      refusal('Invalid parameter: FilterPolicyScope: Invalid value [Everything]. Please use either MessageBody or MessageAttributes'),
    );
  });
});
