import { stripVTControlCharacters } from 'node:util';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand, ListActivitiesCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsCommand, ListTopicsCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { deployStack, type DeployContext } from '../../src/deploy/deploy.js';
import { destroyStack } from '../../src/deploy/destroy.js';
import { profileOfDefinition } from '../../src/deploy/saga.js';
import { stackNames, type StackOptions, type StreamQueue } from '../../src/deploy/stack.js';
import { stackStatus } from '../../src/deploy/status.js';
import { statusText } from '../../src/report/stack-text.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('deploy, status and destroy on the embedded endpoint', () => {
  const fx = useEndpoint();
  const context = (): DeployContext => ({ clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
  const options = (stack: string, profile: StackOptions['profile'] = 'fast'): StackOptions => ({
    stack,
    profile,
    maxReceiveCount: 4,
  });

  async function queueAttributes(name: string) {
    const { QueueUrl } = await fx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return (await fx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
  }

  /** Every resource name on the endpoint that belongs to the stack. */
  async function resourcesOf(stack: string): Promise<string[]> {
    const { sqs, sns, dynamodb, sfn } = fx.clients;
    const names = [
      ...((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${stack}-` }))).QueueUrls ?? []).map((url) => url.split('/').pop()!),
      ...((await sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn!.split(':').pop()!),
      ...((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? []).map((s) => `subscription ${s.TopicArn!.split(':').pop()} ${s.Endpoint!.split(':').pop()}`),
      ...((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []),
      ...((await sfn.send(new ListActivitiesCommand({}))).activities ?? []).map((a) => a.name!),
      ...((await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? []).map((m) => m.name!),
    ];
    return names.filter((name) => name.startsWith(`${stack}-`) || name.startsWith(`subscription ${stack}-`)).sort();
  }

  it('when a stack is deployed, it creates exactly the designed resources with their attributes', async () => {
    const stack = uniqueName('shape');
    const names = stackNames(stack);
    const [inventory, payment] = names.streamQueues as [StreamQueue, StreamQueue];
    const outcomes = await deployStack(options(stack), context());
    expect(outcomes.every((o) => o.outcome === 'created')).toBe(true);
    expect(await resourcesOf(stack)).toEqual(
      [
        names.bookingsTopic, names.notificationsTopic,
        inventory.name, inventory.dlq, payment.name, payment.dlq, names.manualReviewQueue,
        `subscription ${names.bookingsTopic} ${inventory.name}`, `subscription ${names.bookingsTopic} ${payment.name}`,
        ...Object.values(names.tables), ...Object.values(names.activities), names.stateMachine,
      ].sort(),
    );

    const topic = await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:us-east-1:000000000000:${names.bookingsTopic}` }));
    expect(topic.Attributes).toMatchObject({ FifoTopic: 'true' });
    const dlq = await queueAttributes(inventory.dlq);
    for (const queue of [inventory.name, payment.name]) {
      const attributes = await queueAttributes(queue);
      expect(attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'false' });
      expect(JSON.parse(attributes.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 4 });
      expect(JSON.parse(attributes.Policy!).Statement[0].Condition.ArnEquals['aws:SourceArn']).toBe(topic.Attributes!.TopicArn);
    }
    expect(JSON.parse((await queueAttributes(inventory.name)).RedrivePolicy!).deadLetterTargetArn).toBe(dlq.QueueArn);
    expect((await queueAttributes(payment.name)).VisibilityTimeout).toBe('60');
    const { Subscriptions = [] } = await fx.clients.sns.send(new ListSubscriptionsCommand({}));
    for (const subscription of Subscriptions.filter((s) => s.TopicArn === topic.Attributes!.TopicArn)) {
      const { Attributes } = await fx.clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      expect(Attributes?.RawMessageDelivery).toBe('true');
    }
    const ttl = await fx.clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: names.tables.idempotency }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const { Table } = await fx.clients.dynamodb.send(new DescribeTableCommand({ TableName: names.tables.bookings }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['bySeat', 'byStatus']);
    const [machine] = (await fx.clients.sfn.send(new ListStateMachinesCommand({}))).stateMachines!.filter((m) => m.name === names.stateMachine);
    const { definition } = await fx.clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine!.stateMachineArn }));
    expect(profileOfDefinition(definition!)).toBe('fast');
  });

  it('when a booking is published, raw delivery puts the same message in both queues with its group', async () => {
    const stack = uniqueName('fanout');
    const names = stackNames(stack);
    await deployStack(options(stack), context());
    const body = JSON.stringify({ bookingId: 'B1', seatId: 'S1' });
    await fx.clients.sns.send(
      new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:000000000000:${names.bookingsTopic}`, Message: body, MessageGroupId: 'S1', MessageDeduplicationId: 'R1' }),
    );
    for (const { name: queue } of names.streamQueues) {
      const { QueueUrl } = await fx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
      const { Messages } = await fx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['MessageGroupId'] }));
      expect(Messages?.map((m) => [m.Body, m.Attributes?.MessageGroupId])).toEqual([[body, 'S1']]);
    }
    const status = await stackStatus(stack, context());
    const inventory = names.streamQueues[0]!.name;
    expect(status.queues.find((q) => q.name === inventory)).toEqual({ name: inventory, visible: 0, inFlight: 1, deadLetters: 0 });
  });

  it('when deployed twice, the second deploy changes nothing; a new profile updates only the state machine', async () => {
    const stack = uniqueName('idem');
    await deployStack(options(stack), context());
    const again = await deployStack(options(stack), context());
    expect(again.filter((o) => o.outcome !== 'unchanged')).toEqual([]);
    const realistic = await deployStack(options(stack, 'realistic'), context());
    expect(realistic.filter((o) => o.outcome !== 'unchanged')).toEqual([
      { kind: 'state machine', name: stackNames(stack).stateMachine, outcome: 'updated', detail: 'definition (profile realistic)' },
    ]);
    expect((await stackStatus(stack, context())).profile).toBe('realistic');
  });

  it('when deployed with high throughput, the FIFO queues and topic are in high-throughput mode; a deploy without it turns it back off', async () => {
    const stack = uniqueName('high');
    const names = stackNames(stack);
    const topicArn = `arn:aws:sns:us-east-1:000000000000:${names.bookingsTopic}`;
    const modes = async () => ({
      topic: (await fx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.FifoThroughputScope,
      queues: await Promise.all(names.streamQueues.map(async ({ name }) => {
        const { FifoThroughputLimit, DeduplicationScope } = await queueAttributes(name);
        return { FifoThroughputLimit, DeduplicationScope };
      })),
    });
    const high = { FifoThroughputLimit: 'perMessageGroupId', DeduplicationScope: 'messageGroup' };
    const normal = { FifoThroughputLimit: 'perQueue', DeduplicationScope: 'queue' };

    expect((await deployStack({ ...options(stack), highThroughput: true }, context())).every((o) => o.outcome === 'created')).toBe(true);
    expect(await modes()).toEqual({ topic: 'MessageGroup', queues: [high, high] });
    const on = await stackStatus(stack, context());
    expect(on.highThroughput).toBe('on');
    expect(stripVTControlCharacters(statusText(on, fx.endpoint.url)).split('\n')[0]).toBe(`stack ${stack} at ${fx.endpoint.url}: deployed, fifo-fanout, profile fast, high throughput on`);
    expect((await deployStack({ ...options(stack), highThroughput: true }, context())).filter((o) => o.outcome !== 'unchanged')).toEqual([]);

    const off = await deployStack(options(stack), context());
    expect(off.filter((o) => o.outcome !== 'unchanged')).toEqual([
      { kind: 'topic', name: names.bookingsTopic, outcome: 'updated', detail: 'FifoThroughputScope=Topic' },
      ...names.streamQueues.map(({ name }) => ({ kind: 'queue', name, outcome: 'updated', detail: 'FifoThroughputLimit, DeduplicationScope' })),
    ]);
    expect(await modes()).toEqual({ topic: 'Topic', queues: [normal, normal] });
    expect((await stackStatus(stack, context())).highThroughput).toBe('off');
  });

  it('when a stack is destroyed, nothing of it is left and another stack is untouched', async () => {
    const doomed = uniqueName('doomed');
    const kept = uniqueName('kept');
    await deployStack(options(doomed), context());
    await deployStack(options(kept), context());
    const before = await resourcesOf(kept);
    const outcomes = await destroyStack(doomed, context());
    expect(outcomes.every((o) => o.outcome === 'deleted')).toBe(true);
    expect(await resourcesOf(doomed)).toEqual([]);
    expect(await resourcesOf(kept)).toEqual(before);
    expect((await destroyStack(doomed, context())).every((o) => o.outcome === 'absent')).toBe(true);
    const status = await stackStatus(doomed, context());
    expect(status).toMatchObject({ deployed: false, queues: [], runningExecutions: undefined, profile: undefined, events: undefined });
    expect((await stackStatus(kept, context())).deployed).toBe(true);
  });

  it('when deployed as standard-fanout, the booking stream is a standard topic and standard queues; status tells the topology; destroy removes it', async () => {
    const stack = uniqueName('standard');
    await deployStack({ ...options(stack), topology: 'standard-fanout' }, context());
    const names = stackNames(stack, 'standard-fanout');
    expect(names.bookingsTopic).toBe(`${stack}-bookings`);
    expect(names.streamQueues.map(({ name, dlq }) => [name, dlq])).toEqual([[`${stack}-inventory`, `${stack}-inventory-dlq`], [`${stack}-payment`, `${stack}-payment-dlq`]]);
    for (const queue of names.streamQueues.flatMap(({ name, dlq }) => [name, dlq])) expect((await queueAttributes(queue)).FifoQueue).toBeUndefined();
    expect(JSON.parse((await queueAttributes(names.streamQueues[0]!.name)).RedrivePolicy!)).toMatchObject({ maxReceiveCount: 4 });
    const topics = (await fx.clients.sns.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn!.split(':').pop());
    expect(topics).toContain(`${stack}-bookings`);
    expect(topics).not.toContain(`${stack}-bookings.fifo`);
    expect(await stackStatus(stack, context())).toMatchObject({ deployed: true, topology: 'standard-fanout' });
    expect((await destroyStack(stack, context())).every((o) => o.outcome === 'deleted')).toBe(true);
    expect(await resourcesOf(stack)).toEqual([]);
  });

  it('when deployed as shared-queue, one standard queue is fed by the topic for both functions; as direct-chain, no queue at all; status tells each, destroy removes it', async () => {
    const shared = uniqueName('shared');
    await deployStack({ ...options(shared), topology: 'shared-queue' }, context());
    expect(stackNames(shared, 'shared-queue').streamQueues).toEqual([{ name: `${shared}-shared`, dlq: `${shared}-shared-dlq`, functions: ['inventory', 'payment'], visibilityTimeoutSeconds: 60 }]);
    expect(await resourcesOf(shared)).toEqual(
      expect.arrayContaining([`${shared}-bookings-shared`, `${shared}-shared`, `${shared}-shared-dlq`, `subscription ${shared}-bookings-shared ${shared}-shared`]),
    );
    expect((await resourcesOf(shared)).filter((name) => /-(inventory|payment)/.test(name))).toEqual([]);
    expect(await stackStatus(shared, context())).toMatchObject({ deployed: true, topology: 'shared-queue' });

    const direct = uniqueName('direct');
    await deployStack({ ...options(direct), topology: 'direct-chain' }, context());
    const { QueueUrls = [] } = await fx.clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${direct}-` }));
    expect(QueueUrls.map((url) => url.split('/').pop())).toEqual([`${direct}-manual-review`]);
    const resources = await resourcesOf(direct);
    expect(resources).toContain(`${direct}-bookings-direct`);
    expect(resources.filter((name) => name.startsWith('subscription'))).toEqual([]);
    expect(await stackStatus(direct, context())).toMatchObject({ deployed: true, topology: 'direct-chain' });

    for (const stack of [shared, direct]) {
      expect((await destroyStack(stack, context())).every((o) => o.outcome === 'deleted')).toBe(true);
      expect(await resourcesOf(stack)).toEqual([]);
    }
  });
});
