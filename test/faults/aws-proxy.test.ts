import {
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetActivityTaskCommand, ListActivitiesCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, ReceiveMessageCommand, RequestThrottled, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { startChaosProxy, type AwsFaultRule, type ChaosProxy } from '../../src/faults/aws/proxy.js';
import type { FaultLogEntry } from '../../src/model/fault.js';
import { BooksimError } from '../../src/errors.js';
import { seededRandom } from '../../src/random.js';
import { createKeyedTable } from '../helpers/dynamodb.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, start as startExecution } from '../helpers/sfn.js';
import { bodies, createQueue, receive } from '../helpers/sqs.js';

describe('chaos proxy', () => {
  const fx = useEndpoint();
  let proxy: ChaosProxy | undefined;
  let viaProxy: AwsClients | undefined;
  let log: Omit<FaultLogEntry, 'at'>[] = [];

  /** A proxy in front of the test's endpoint, with SDK clients that go through it. */
  async function start(rules: AwsFaultRule[], { maxAttempts = 1, seed = 1 } = {}): Promise<{ proxy: ChaosProxy; clients: AwsClients }> {
    log = [];
    proxy = await startChaosProxy({ target: fx.endpoint.url, rules, random: seededRandom(seed), log: (entry) => log.push(entry) });
    viaProxy = createClients({ endpoint: proxy.url, region: 'us-east-1', local: true, maxAttempts });
    return { proxy, clients: viaProxy };
  }

  afterEach(async () => {
    viaProxy?.destroy();
    await proxy?.close();
    viaProxy = undefined;
    proxy = undefined;
  });

  const createTable = (dynamodb: DynamoDBClient) => createKeyedTable(dynamodb, uniqueName('seats'), 'seatId');

  const putSeat = (dynamodb: DynamoDBClient, TableName: string, seatId: string) =>
    dynamodb.send(new PutItemCommand({ TableName, Item: { seatId: { S: seatId }, holder: { S: 'B1' } } }));
  const getSeat = async (dynamodb: DynamoDBClient, TableName: string, seatId: string) =>
    (await dynamodb.send(new GetItemCommand({ TableName, Key: { seatId: { S: seatId } } }))).Item;

  /** A queue made through the proxy: its URL there (which leads back through the proxy) and at the endpoint. */
  async function createProxiedQueue(sqs: SQSClient): Promise<{ viaProxy: string; direct: string }> {
    const name = uniqueName('chaos');
    const url = await createQueue(sqs, name);
    const { QueueUrl } = await fx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return { viaProxy: url, direct: QueueUrl! };
  }

  const send = (sqs: SQSClient, QueueUrl: string, MessageBody: string) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody }));

  it('when it starts, it listens on 127.0.0.1 only', async () => {
    const { proxy } = await start([]);
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('when no rules are set, it passes every call through, long polls of SQS and Step Functions included, and queue URLs lead back through it', async () => {
    const { proxy, clients } = await start([]);
    const queue = await createProxiedQueue(clients.sqs);
    expect(queue.viaProxy.startsWith(`${proxy.url}/`)).toBe(true);
    const polled = clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.viaProxy, WaitTimeSeconds: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(clients.sqs, queue.viaProxy, 'hello');
    expect(bodies((await polled).Messages ?? [])).toEqual(['hello']);

    const table = await createTable(clients.dynamodb);
    await putSeat(clients.dynamodb, table, 'A1');
    expect((await getSeat(clients.dynamodb, table, 'A1'))?.holder?.S).toBe('B1');

    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    expect((await clients.sns.send(new PublishCommand({ TopicArn, Message: 'hi' }))).MessageId).toBeTruthy();
    expect((await clients.sfn.send(new ListStateMachinesCommand({}))).stateMachines).toBeDefined();
    const activityArn = await createActivity(clients.sfn, uniqueName('work'));
    const task = clients.sfn.send(new GetActivityTaskCommand({ activityArn }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await startExecution(fx.clients.sfn, await createMachine(fx.clients.sfn, uniqueName('machine'), activityMachine(activityArn)), { seat: 'A1' });
    expect(JSON.parse((await task).input!)).toEqual({ seat: 'A1' });
    expect(Object.values(proxy.counts()).every((count) => count === 0)).toBe(true);
    expect(log).toEqual([]);
  });

  describe('aws-throttle', () => {
    it('when DynamoDB is throttled, the SDK throws ProvisionedThroughputExceededException and nothing is written', async () => {
      const { proxy, clients } = await start([{ fault: 'aws-throttle', probability: 1, service: 'dynamodb', operation: 'PutItem' }]);
      const table = await createTable(clients.dynamodb);
      const thrown = await putSeat(clients.dynamodb, table, 'A1').catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect(thrown).toMatchObject({ $metadata: { httpStatusCode: 400 } });
      expect(await getSeat(fx.clients.dynamodb, table, 'A1')).toBeUndefined();
      expect(proxy.counts()['aws-throttle']).toBe(1);
      expect(log).toEqual([
        { fault: 'aws-throttle', action: 'throttled DynamoDB PutItem', detail: expect.objectContaining({ service: 'dynamodb', operation: 'PutItem' }) },
      ]);
    });

    it('when SQS is throttled, the SDK throws RequestThrottled (named by the query-compatible code) and nothing is sent', async () => {
      const { clients } = await start([{ fault: 'aws-throttle', probability: 1, service: 'sqs', operation: 'SendMessage' }]);
      const queue = await createProxiedQueue(clients.sqs);
      const thrown = await send(clients.sqs, queue.viaProxy, 'x').catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(RequestThrottled);
      expect(thrown).toMatchObject({ name: 'RequestThrottled', $metadata: { httpStatusCode: 400 } });
      expect(await receive(fx.clients.sqs, queue.direct)).toEqual([]);
    });

    it('when SNS is throttled, the SDK throws Throttling from the XML error', async () => {
      const { clients } = await start([{ fault: 'aws-throttle', probability: 1, service: 'sns', operation: 'Publish' }]);
      const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
      await expect(clients.sns.send(new PublishCommand({ TopicArn, Message: 'hi' }))).rejects.toMatchObject({
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('when Step Functions is throttled, the SDK throws ThrottlingException', async () => {
      const { clients } = await start([{ fault: 'aws-throttle', probability: 1, service: 'states' }]);
      await expect(clients.sfn.send(new ListActivitiesCommand({}))).rejects.toMatchObject({
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    // Seed 7 draws 0.01, 0.06, 0.98: two throttles at probability 0.5, then the call goes through.
    it.each([
      ['DynamoDB', 'dynamodb', 'PutItem'],
      ['SQS', 'sqs', 'SendMessage'],
      ['SNS', 'sns', 'Publish'],
      ['Step Functions', 'states', 'ListActivities'],
    ] as const)('when %s throttles some calls, the SDK retries them as throttling errors and gets through', async (_title, service, operation) => {
      const { proxy, clients } = await start([{ fault: 'aws-throttle', probability: 0.5, service, operation }], { maxAttempts: 3, seed: 7 });
      const call = async () => {
        if (service === 'dynamodb') return putSeat(clients.dynamodb, await createTable(clients.dynamodb), 'A1');
        if (service === 'sqs') return send(clients.sqs, (await createProxiedQueue(clients.sqs)).viaProxy, 'x');
        if (service === 'sns') {
          const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
          return clients.sns.send(new PublishCommand({ TopicArn, Message: 'hi' }));
        }
        return clients.sfn.send(new ListActivitiesCommand({}));
      };
      const { $metadata } = await call();
      expect($metadata.attempts).toBe(3);
      expect(proxy.counts()['aws-throttle']).toBe(2);
      expect(log).toHaveLength(2);
    });
  });

  describe('aws-error', () => {
    it('when DynamoDB fails, the SDK throws InternalServerError (500)', async () => {
      const { clients } = await start([{ fault: 'aws-error', probability: 1, service: 'dynamodb', operation: 'PutItem' }]);
      const table = await createTable(clients.dynamodb);
      const thrown = await putSeat(clients.dynamodb, table, 'A1').catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(InternalServerError);
      expect(thrown).toMatchObject({ $metadata: { httpStatusCode: 500 } });
      expect(log).toEqual([
        {
          fault: 'aws-error',
          action: 'failed DynamoDB PutItem with 500 InternalServerError',
          detail: expect.objectContaining({ service: 'dynamodb', operation: 'PutItem' }),
        },
      ]);
    });

    it('when SQS, SNS and Step Functions fail, the SDK throws ServiceUnavailable (503)', async () => {
      const { proxy, clients } = await start([
        { fault: 'aws-error', probability: 1, service: 'sqs', operation: 'SendMessage' },
        { fault: 'aws-error', probability: 1, service: 'sns', operation: 'Publish' },
        { fault: 'aws-error', probability: 1, service: 'states', operation: 'ListActivities' },
      ]);
      const unavailable = { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } };
      const queue = await createProxiedQueue(clients.sqs);
      await expect(send(clients.sqs, queue.viaProxy, 'x')).rejects.toMatchObject(unavailable);
      const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
      await expect(clients.sns.send(new PublishCommand({ TopicArn, Message: 'hi' }))).rejects.toMatchObject(unavailable);
      await expect(clients.sfn.send(new ListActivitiesCommand({}))).rejects.toMatchObject(unavailable);
      expect(proxy.counts()['aws-error']).toBe(3);
    });
  });

  describe('aws-drop', () => {
    it('when a PutItem is dropped, the SDK sees a network error and nothing is written', async () => {
      const { proxy, clients } = await start([{ fault: 'aws-drop', probability: 1, service: 'dynamodb', operation: 'PutItem' }]);
      const table = await createTable(clients.dynamodb);
      await expect(putSeat(clients.dynamodb, table, 'A1')).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(await getSeat(fx.clients.dynamodb, table, 'A1')).toBeUndefined();
      expect(proxy.counts()['aws-drop']).toBe(1);
      expect(log).toEqual([
        { fault: 'aws-drop', action: 'dropped the connection of DynamoDB PutItem', detail: { service: 'dynamodb', operation: 'PutItem' } },
      ]);
    });
  });

  describe('aws-lost-response', () => {
    it('when the answer to a PutItem is lost, the SDK sees an error but the item was written', async () => {
      const { proxy, clients } = await start([{ fault: 'aws-lost-response', probability: 1, service: 'dynamodb', operation: 'PutItem' }]);
      const table = await createTable(clients.dynamodb);
      await expect(putSeat(clients.dynamodb, table, 'A1')).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect((await getSeat(fx.clients.dynamodb, table, 'A1'))?.holder?.S).toBe('B1');
      expect(proxy.counts()['aws-lost-response']).toBe(1);
      expect(log).toEqual([
        {
          fault: 'aws-lost-response',
          action: 'lost the response of DynamoDB PutItem after it was applied',
          detail: expect.objectContaining({ service: 'dynamodb', operation: 'PutItem' }),
        },
      ]);
    });

    it('when the answers to a SendMessage are lost and the SDK retries, each attempt sends the message again', async () => {
      const { clients } = await start([{ fault: 'aws-lost-response', probability: 1, service: 'sqs', operation: 'SendMessage' }], { maxAttempts: 3 });
      const queue = await createProxiedQueue(clients.sqs);
      await expect(send(clients.sqs, queue.viaProxy, 'once')).rejects.toMatchObject({ $metadata: { attempts: 3 } });
      expect(bodies(await receive(fx.clients.sqs, queue.direct))).toEqual(['once', 'once', 'once']);
    });
  });

  describe('aws-latency', () => {
    it('when a call is delayed, it takes at least latencyMs and still succeeds', async () => {
      const { proxy, clients } = await start([{ fault: 'aws-latency', probability: 1, service: 'dynamodb', operation: 'GetItem', latencyMs: 300 }]);
      const table = await createTable(clients.dynamodb);
      await putSeat(clients.dynamodb, table, 'A1');
      const started = performance.now();
      expect((await getSeat(clients.dynamodb, table, 'A1'))?.holder?.S).toBe('B1');
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      expect(proxy.counts()).toEqual({ 'aws-latency': 1, 'aws-throttle': 0, 'aws-error': 0, 'aws-drop': 0, 'aws-lost-response': 0 });
      expect(log).toEqual([
        { fault: 'aws-latency', action: 'delayed DynamoDB GetItem by 300 ms', detail: { service: 'dynamodb', operation: 'GetItem', latencyMs: 300 } },
      ]);
    });
  });

  it('when a rule names an operation, it hits only that operation; setRules replaces the rules', async () => {
    const { proxy, clients } = await start([{ fault: 'aws-throttle', probability: 1, operation: 'PutItem' }]);
    const table = await createTable(clients.dynamodb);
    await expect(putSeat(clients.dynamodb, table, 'A1')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(await getSeat(clients.dynamodb, table, 'A1')).toBeUndefined();
    const queue = await createProxiedQueue(clients.sqs);
    await send(clients.sqs, queue.viaProxy, 'x');
    expect(proxy.counts()['aws-throttle']).toBe(1);

    proxy.setRules([]);
    await putSeat(clients.dynamodb, table, 'A1');
    expect(proxy.counts()['aws-throttle']).toBe(1);
    expect(log).toHaveLength(1);
  });

  it('when a client gives up a long poll, the poll at the endpoint ends without taking a message', async () => {
    const { clients } = await start([]);
    const queue = await createProxiedQueue(clients.sqs);
    const abandon = new AbortController();
    const polled = clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.viaProxy, WaitTimeSeconds: 10 }), { abortSignal: abandon.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    abandon.abort();
    await expect(polled).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(fx.clients.sqs, queue.direct, 'kept');
    expect(bodies(await receive(fx.clients.sqs, queue.direct))).toEqual(['kept']);
  });

  it('when it is closed during a long poll, it ends the poll promptly', async () => {
    const { proxy, clients } = await start([]);
    const queue = await createProxiedQueue(clients.sqs);
    const polled = clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.viaProxy, WaitTimeSeconds: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await proxy.close();
    await expect(polled).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('when a rule is malformed, it refuses it', async () => {
    await expect(start([{ fault: 'aws-throttle', probability: 1.5 }])).rejects.toBeInstanceOf(BooksimError);
    const { proxy } = await start([]);
    expect(() => proxy.setRules([{ fault: 'aws-latency', probability: 1, latencyMs: -1 }])).toThrow(BooksimError);
    expect(() => proxy.setRules([{ fault: 'aws-nap' as 'aws-latency', probability: 1 }])).toThrow(/unknown fault/);
  });
});
