import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { meters } from '../../src/cost/meters.js';
import { conditional } from '../../src/functions/dynamo.js';
import { withBooking } from '../../src/runtime/call-counter.js';
import { meterUsage } from '../../src/runtime/usage-meter.js';
import { createKeyedTable } from '../helpers/dynamodb.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const fixture = useEndpoint();

/** Fresh clients on the endpoint with a usage meter on them; destroyed after the test. */
function meteredClients() {
  const clients = createClients({ endpoint: fixture.endpoint.url });
  onTestFinished(() => clients.destroy());
  return { clients, meter: meterUsage(clients) };
}

describe('meterUsage (through the SDK, on the embedded endpoint)', () => {
  it('when DynamoDB item operations run, it counts the units the endpoint says it consumed, and a failed conditional write as one write unit', async () => {
    const { clients, meter } = meteredClients();
    const TableName = await createKeyedTable(fixture.clients.dynamodb, uniqueName('meter'), 'id');
    const put = await clients.dynamodb.send(new PutItemCommand({ TableName, Item: { id: { S: 'a' }, blob: { S: 'x'.repeat(2500) } } }));
    // The meter asked for the consumed capacity on the caller's behalf: 3 KB rounded up, 3 units.
    expect(put.ConsumedCapacity).toEqual({ TableName, CapacityUnits: 3 });
    await clients.dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: 'a' } }, ConsistentRead: true }));
    await clients.dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: 'a' } } }));
    const failed = await conditional(clients.dynamodb.send(new UpdateItemCommand({ TableName, Key: { id: { S: 'a' } }, UpdateExpression: 'SET s = :s', ConditionExpression: 'attribute_not_exists(id)', ExpressionAttributeValues: { ':s': { S: 'x' } } })));
    expect(failed).toBe(false);
    await clients.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: { id: { S: 'b' } } } }] }));
    // Reads: 1 (consistent) + 0.5 (eventual); writes: 3 + 1 (failed condition) + 2 (a transactional write).
    expect(meter.total()).toEqual({ [meters.dynamodbReadUnits]: 1.5, [meters.dynamodbWriteUnits]: 6 });
  });

  it('when SQS and SNS are called, FIFO and standard are told apart, payloads counted in 64 KB chunks, and publishes tallied for deliveries', async () => {
    const { clients, meter } = meteredClients();
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('meter', true), Attributes: { FifoQueue: 'true' } }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(100 * 1024), MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
    await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('meter', true), Attributes: { FifoTopic: 'true' } }));
    await clients.sns.send(new PublishCommand({ TopicArn, Message: 'hello', MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
    expect(meter.total()).toEqual({
      // CreateQueue names a FIFO queue; the send and the receive are 2 chunks each.
      [meters.sqsFifoRequests]: 5,
      // CreateTopic is a standard request; the publish a FIFO one.
      [meters.snsStandardRequests]: 1,
      [meters.snsFifoRequests]: 1,
      [meters.snsFifoPublishedBytes]: 5,
      [`sns.published ${TopicArn}`]: 1,
      [`sns.publishedBytes ${TopicArn}`]: 5,
    });
  });

  it("when handlers run as invocations in bookings' scopes, each is one request and its wall time rounded up to a ms, for its booking; a report carries only the bookings changed since the last", async () => {
    const { meter } = meteredClients();
    await withBooking('B1', () => meter.invocation(() => sleep(30)));
    await meter.invocation(async () => undefined);
    const first = meter.report()!;
    expect(first.total[meters.lambdaRequests]).toBe(2);
    expect(first.byBooking.B1![meters.lambdaDurationMs]).toBeGreaterThanOrEqual(30);
    // An invocation of no booking's is the shared usage's; at least 1 ms is billed.
    expect(first.total[meters.lambdaDurationMs]).toBeGreaterThanOrEqual(first.byBooking.B1![meters.lambdaDurationMs]! + 1);
    expect(meter.report()).toBeUndefined();
    await withBooking('B2', () => meter.invocation(async () => undefined));
    expect(Object.keys(meter.report()!.byBooking)).toEqual(['B2']);
    expect(Object.keys(meter.byBooking()).sort()).toEqual(['B1', 'B2']);
    // A handler that throws is still an invocation.
    await expect(withBooking('B2', () => meter.invocation(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(meter.byBooking().B2![meters.lambdaRequests]).toBe(2);
  });
});
