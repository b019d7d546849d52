import { CreateActivityCommand, ListActivitiesCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, ListSubscriptionsCommand, ListTopicsCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createMachine } from '../helpers/sfn.js';
import { bodies, createQueue, receive } from '../helpers/sqs.js';

const accountA = '111111111111';
const accountB = '222222222222';

/** LocalStack's rule, which booksim follows: a 12-digit access key id is the account; any other key is 000000000000. */
describe('accounts from access keys', () => {
  const fx = useEndpoint();
  const clients = {} as Record<'a' | 'b' | 'test', AwsClients>;
  beforeAll(() => {
    const as = (accessKeyId: string) => createClients({ endpoint: fx.endpoint.url, credentials: { accessKeyId, secretAccessKey: 'secret' } });
    clients.a = as(accountA);
    clients.b = as(accountB);
    clients.test = as('test');
  });
  afterAll(() => Object.values(clients).forEach((c) => c.destroy()));

  const queueArn = async (c: AwsClients, queueUrl: string) =>
    (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;

  it('when two accounts create a queue of the same name, each gets its own queue, URL and ARN', async () => {
    const name = uniqueName('shared-name');
    const urlA = await createQueue(clients.a.sqs, name);
    const urlB = await createQueue(clients.b.sqs, name);
    expect(urlA).toBe(`${fx.endpoint.url}/${accountA}/${name}`);
    expect(urlB).toBe(`${fx.endpoint.url}/${accountB}/${name}`);
    expect(await queueArn(clients.a, urlA)).toBe(`arn:aws:sqs:us-east-1:${accountA}:${name}`);
    expect(await queueArn(clients.b, urlB)).toBe(`arn:aws:sqs:us-east-1:${accountB}:${name}`);

    await clients.a.sqs.send(new SendMessageCommand({ QueueUrl: urlA, MessageBody: 'for A' }));
    expect(await receive(clients.b.sqs, urlB)).toEqual([]);
    expect(bodies(await receive(clients.a.sqs, urlA))).toEqual(['for A']);
  });

  it('when an account lists queues, it sees its own only; a key that is not 12 digits acts in 000000000000', async () => {
    const mine = uniqueName('mine');
    const theirs = uniqueName('theirs');
    await createQueue(clients.a.sqs, mine);
    const testUrl = await createQueue(clients.test.sqs, theirs);
    expect(testUrl).toBe(`${fx.endpoint.url}/000000000000/${theirs}`);
    expect((await clients.a.sqs.send(new ListQueuesCommand({ QueueNamePrefix: mine }))).QueueUrls).toEqual([`${fx.endpoint.url}/${accountA}/${mine}`]);
    expect((await clients.a.sqs.send(new ListQueuesCommand({ QueueNamePrefix: theirs }))).QueueUrls).toBeUndefined();
    expect((await clients.test.sqs.send(new ListQueuesCommand({ QueueNamePrefix: theirs }))).QueueUrls).toEqual([testUrl]);
    await expect(clients.b.sqs.send(new GetQueueUrlCommand({ QueueName: mine }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it("when an account names another account's queue by URL or owner, it reaches that queue", async () => {
    const name = uniqueName('cross');
    const urlA = await createQueue(clients.a.sqs, name);
    expect((await clients.b.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: accountA }))).QueueUrl).toBe(urlA);
    await clients.b.sqs.send(new SendMessageCommand({ QueueUrl: urlA, MessageBody: 'from B' }));
    expect(bodies(await receive(clients.a.sqs, urlA))).toEqual(['from B']);
  });

  it("when a topic of one account has a queue of another subscribed by ARN, publishing delivers there; each lists its own", async () => {
    const { TopicArn } = await clients.a.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    expect(TopicArn).toMatch(new RegExp(`^arn:aws:sns:us-east-1:${accountA}:`));
    const urlB = await createQueue(clients.b.sqs, uniqueName('inbox'));
    const { SubscriptionArn } = await clients.a.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: await queueArn(clients.b, urlB), Attributes: { RawMessageDelivery: 'true' } }),
    );
    await clients.a.sns.send(new PublishCommand({ TopicArn, Message: 'across accounts' }));
    expect(bodies(await receive(clients.b.sqs, urlB))).toEqual(['across accounts']);

    const topicsOf = async (c: AwsClients) => ((await c.sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn);
    expect(await topicsOf(clients.a)).toContain(TopicArn);
    expect(await topicsOf(clients.b)).not.toContain(TopicArn);
    const subscriptionsOf = async (c: AwsClients) => ((await c.sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? []).map((s) => s.SubscriptionArn);
    expect(await subscriptionsOf(clients.a)).toContain(SubscriptionArn);
    expect(await subscriptionsOf(clients.b)).not.toContain(SubscriptionArn);
  });

  it('when two accounts create state machines and activities of one name, each lists its own', async () => {
    const name = uniqueName('machine');
    const definition = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
    const arnA = await createMachine(clients.a.sfn, name, definition);
    const arnB = await createMachine(clients.b.sfn, name, definition);
    expect(arnA).toBe(`arn:aws:states:us-east-1:${accountA}:stateMachine:${name}`);
    expect(arnB).toBe(`arn:aws:states:us-east-1:${accountB}:stateMachine:${name}`);
    const machinesOf = async (c: AwsClients) => ((await c.sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? []).map((m) => m.stateMachineArn);
    expect(await machinesOf(clients.a)).toEqual([arnA]);
    expect(await machinesOf(clients.b)).toEqual([arnB]);

    const { activityArn } = await clients.a.sfn.send(new CreateActivityCommand({ name }));
    const activitiesOf = async (c: AwsClients) => ((await c.sfn.send(new ListActivitiesCommand({}))).activities ?? []).map((a) => a.activityArn);
    expect(await activitiesOf(clients.a)).toEqual([activityArn]);
    expect(await activitiesOf(clients.b)).toEqual([]);
  });
});
