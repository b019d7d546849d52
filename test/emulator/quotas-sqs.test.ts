import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { isThrottlingError } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { ManualClock } from '../../src/clock.js';
import { uniqueName, useEndpoint, type EndpointFixture } from '../helpers/endpoint.js';
import { createQueue } from '../helpers/sqs.js';
import { advanceOnFailedAttempt } from '../helpers/throttle.js';

const highThroughput = { FifoThroughputLimit: 'perMessageGroupId', DeduplicationScope: 'messageGroup' };
let serial = 0;

/** Sends one FIFO message (a fresh deduplication id each), in `group`. */
const send = (sqs: SQSClient, url: string, group = 'g') => {
  serial += 1;
  return sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${serial}`, MessageGroupId: group, MessageDeduplicationId: `d${serial}` }));
};

/** `count` sends, each awaited (the SDK's sockets would otherwise reorder nothing that matters, but keep it plain). */
async function sendMany(sqs: SQSClient, url: string, count: number, groupOf: (i: number) => string = () => 'g'): Promise<void> {
  for (let i = 0; i < count; i += 1) await send(sqs, url, groupOf(i));
}

/** A client that does not retry: a throttle surfaces at once, whatever the clock. */
const noRetries = (fx: EndpointFixture) => createClients({ endpoint: fx.endpoint.url, maxAttempts: 1 }).sqs;

async function throttleOf(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the call was not throttled').toBeInstanceOf(Error);
  return error as Error & { $metadata: { httpStatusCode?: number } };
}

describe('SQS FIFO quotas (--aws-quotas us-east-1)', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it('throttles the 301st SendMessage in a second on a FIFO queue without high throughput, as RequestThrottled (403) the SDK classes as a throttle', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('plain', true));
    await sendMany(sqs, url, 300);
    const error = await throttleOf(send(sqs, url));
    expect(error.name).toBe('RequestThrottled');
    expect(error.message).toBe('Request is throttled.');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(isThrottlingError(error as never)).toBe(true);
    // Each API action has its own 300: receiving still works.
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).resolves.toBeDefined();
  });

  it('refills at 300 a second: after 100 ms, 30 more sends pass and the 31st is throttled; after a second, 300', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('refill', true));
    await sendMany(sqs, url, 300);
    await throttleOf(send(sqs, url));
    clock.advance(100);
    await sendMany(sqs, url, 30);
    await throttleOf(send(sqs, url));
    clock.advance(1000);
    await sendMany(sqs, url, 300);
    await throttleOf(send(sqs, url));
  });

  it('counts a batch as one transaction: 300 batches of 10 pass (3,000 messages), then the action is throttled', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('batch', true));
    for (let call = 0; call < 300; call += 1) {
      const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `b${call}-${i}`, MessageGroupId: 'g', MessageDeduplicationId: `b${call}-${i}` }));
      const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
      expect(Failed ?? []).toEqual([]);
    }
    // SendMessage and SendMessageBatch are one API action: the batch calls spent its second.
    expect((await throttleOf(send(sqs, url))).name).toBe('RequestThrottled');
  });

  it('does not throttle the 301st SendMessage with high throughput on, when the messages spread over message groups', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('fast', true), highThroughput);
    await sendMany(sqs, url, 400, (i) => `g${i % 4}`);
  });

  it('with high throughput, throttles the 301st send of one message group in a second, while other groups go on', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('group', true), highThroughput);
    await sendMany(sqs, url, 300, () => 'hot');
    expect((await throttleOf(send(sqs, url, 'hot'))).name).toBe('RequestThrottled');
    await send(sqs, url, 'cold');
  });

  it('keeps a queue with only one of the two high-throughput settings at 300 a second per queue, as AWS does', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('half', true), { FifoThroughputLimit: 'perMessageGroupId' });
    await sendMany(sqs, url, 300, (i) => `g${i % 4}`);
    await throttleOf(send(sqs, url, 'g9'));
  });

  it('puts no quota on a standard queue ("nearly unlimited")', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('standard'));
    for (let i = 0; i < 310; i += 1) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `s${i}` }));
  });

  it('answers the JSON wire with the model error and the legacy query code in x-amzn-query-error', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('json', true));
    await sendMany(sqs, url, 300);
    const response = await fetch(fx.endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.SendMessage',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'json-x' }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-query-error')).toBe('RequestThrottled;Sender');
    expect(await response.json()).toEqual({ __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Request is throttled.' });
  });

  it('answers the query wire with an ErrorResponse: 403, Sender, RequestThrottled', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('query', true));
    await sendMany(sqs, url, 300);
    const response = await fetch(fx.endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'query-x' }).toString(),
    });
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toContain('<Error><Type>Sender</Type><Code>RequestThrottled</Code><Message>Request is throttled.</Message></Error>');
  });

  it("lets the SDK's own retry strategy retry a throttled send, which succeeds once the bucket has refilled", async () => {
    const sqs = new SQSClient({ endpoint: fx.endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });
    const url = await createQueue(noRetries(fx), uniqueName('retry', true));
    await sendMany(noRetries(fx), url, 300);
    // Each attempt passes under the retry middleware: a throttled one moves time on a second, as waiting would on AWS.
    sqs.middlewareStack.use(advanceOnFailedAttempt(clock, 1000));
    const result = await send(sqs, url);
    expect(result.$metadata.attempts).toBe(2);
    expect(result.$metadata.totalRetryDelay).toBeGreaterThan(0);
    sqs.destroy();
  });
});

describe('SQS without --aws-quotas', () => {
  const fx = useEndpoint({ clock: new ManualClock() });

  it('throttles nothing: 400 sends to one FIFO queue in the same instant all pass', async () => {
    const sqs = noRetries(fx);
    const url = await createQueue(sqs, uniqueName('free', true));
    await sendMany(sqs, url, 400);
  });
});
