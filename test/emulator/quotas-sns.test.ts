import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { isThrottlingError } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { ManualClock } from '../../src/clock.js';
import { uniqueName, useEndpoint, type EndpointFixture } from '../helpers/endpoint.js';
import { createTopic, postSnsForm } from '../helpers/sns.js';
import { advanceOnFailedAttempt, rejection } from '../helpers/throttle.js';

let serial = 0;

const publishTo = (sns: SNSClient, topicArn: string, group: string) => {
  serial += 1;
  return sns.send(new PublishCommand({ TopicArn: topicArn, Message: `m${serial}`, MessageGroupId: group, MessageDeduplicationId: `d${serial}` }));
};

/** 300 PublishBatch calls of 10 messages, one in each of 10 groups: 3,000 messages, 300 in each group. */
async function publishThreeThousand(sns: SNSClient, topicArn: string): Promise<void> {
  for (let call = 0; call < 300; call += 1) {
    serial += 1;
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, Message: `b${serial}-${i}`, MessageGroupId: `g${i}`, MessageDeduplicationId: `b${serial}-${i}` }));
    const { Failed } = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
    expect(Failed ?? []).toEqual([]);
  }
}

/** Clients that do not retry: a throttle surfaces at once, whatever the clock. */
const noRetries = (fx: EndpointFixture): AwsClients => createClients({ endpoint: fx.endpoint.url, maxAttempts: 1 });

describe('SNS FIFO quotas (--aws-quotas us-east-1)', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it('throttles a topic-scoped FIFO topic past 3,000 messages in a second, as Throttling (400) the SDK classes as a throttle', async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('topic', true));
    await publishThreeThousand(clients.sns, topicArn);
    const error = await rejection(publishTo(clients.sns, topicArn, 'fresh'));
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(isThrottlingError(error as never)).toBe(true);
    clock.advance(1000);
    await publishTo(clients.sns, topicArn, 'fresh');
  });

  it('does not hold a FifoThroughputScope=MessageGroup topic to 3,000 a second', async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('wide', true), { FifoThroughputScope: 'MessageGroup' });
    await publishThreeThousand(clients.sns, topicArn);
    await publishTo(clients.sns, topicArn, 'fresh');
  });

  it("throttles one message group's 301st message in a second, while other groups go on", async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('group', true), { FifoThroughputScope: 'MessageGroup' });
    for (let i = 0; i < 300; i += 1) await publishTo(clients.sns, topicArn, 'hot');
    expect((await rejection(publishTo(clients.sns, topicArn, 'hot'))).name).toBe('Throttling');
    await publishTo(clients.sns, topicArn, 'cold');
  });

  it('puts no quota on a standard topic', async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('standard'));
    for (let i = 0; i < 310; i += 1) await clients.sns.send(new PublishCommand({ TopicArn: topicArn, Message: `s${i}` }));
  });

  it("lets the SDK's own retry strategy retry a throttled publish, which succeeds once the group's bucket has refilled", async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('retry', true));
    for (let i = 0; i < 300; i += 1) await publishTo(clients.sns, topicArn, 'hot');
    const sns = new SNSClient({ endpoint: fx.endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });
    // Each attempt passes under the retry middleware: a throttled one moves time on a second, as waiting would on AWS.
    sns.middlewareStack.use(advanceOnFailedAttempt(clock, 1000));
    const result = await publishTo(sns, topicArn, 'hot');
    expect(result.$metadata.attempts).toBe(2);
    expect(result.$metadata.totalRetryDelay).toBeGreaterThan(0);
    sns.destroy();
  });

  it('answers the query wire with an ErrorResponse: 400, Sender, Throttling, "Rate exceeded"', async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('wire', true));
    for (let i = 0; i < 300; i += 1) await publishTo(clients.sns, topicArn, 'hot');
    const form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', TopicArn: topicArn, Message: 'x', MessageGroupId: 'hot', MessageDeduplicationId: 'wire-x' });
    const { status, text } = await postSnsForm(fx.endpoint.url, form.toString());
    expect(status).toBe(400);
    expect(text).toContain('<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>');
  });
});

describe('SNS without --aws-quotas', () => {
  const fx = useEndpoint({ clock: new ManualClock() });

  it('throttles nothing: 400 publishes to one message group in the same instant all pass', async () => {
    const clients = noRetries(fx);
    const topicArn = await createTopic(clients, uniqueName('free', true));
    for (let i = 0; i < 400; i += 1) await publishTo(clients.sns, topicArn, 'hot');
  });
});
