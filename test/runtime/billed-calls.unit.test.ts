import { describe, expect, it } from 'vitest';
import { meters } from '../../src/cost/meters.js';
import { chunks, dynamodbUsage, messageBytes, snsUsage, sqsUsage } from '../../src/runtime/billed-calls.js';
import { deliveredUsage, publishedTopics } from '../../src/runtime/usage-meter.js';
import { billedUsage } from '../../src/storm/usage.js';

const fifoQueue = 'http://127.0.0.1:4566/000000000000/s-inventory.fifo';
const standardQueue = 'http://127.0.0.1:4566/000000000000/s-inventory';
const fifoTopic = 'arn:aws:sns:us-east-1:000000000000:s-bookings.fifo';
const standardTopic = 'arn:aws:sns:us-east-1:000000000000:s-notifications';
const kb = 1024;

describe('what one call bills', () => {
  it('when a payload is measured in 64 KB chunks, every started chunk is a request, and an empty one is one too', () => {
    expect([0, 1, 64 * kb, 64 * kb + 1, 256 * kb].map(chunks)).toEqual([1, 1, 1, 2, 4]);
  });

  it("when a message has attributes, its size is its body's bytes (UTF-8) and its attributes' names, types and values", () => {
    expect(messageBytes({ MessageBody: 'é€' })).toBe(5);
    expect(messageBytes({ Body: 'ab', MessageAttributes: { tier: { DataType: 'String', StringValue: 'VIP' }, blob: { DataType: 'Binary', BinaryValue: new Uint8Array(4) } } })).toBe(2 + 4 + 6 + 3 + 4 + 6 + 4);
  });

  it('when SQS is called, a FIFO queue (by URL or name) bills at the FIFO meter, any other at the standard one', () => {
    expect(sqsUsage({ operation: 'DeleteMessageBatch', input: { QueueUrl: fifoQueue } })).toEqual({ [meters.sqsFifoRequests]: 1 });
    expect(sqsUsage({ operation: 'GetQueueUrl', input: { QueueName: 's-payment.fifo' } })).toEqual({ [meters.sqsFifoRequests]: 1 });
    expect(sqsUsage({ operation: 'ChangeMessageVisibilityBatch', input: { QueueUrl: standardQueue } })).toEqual({ [meters.sqsStandardRequests]: 1 });
    expect(sqsUsage({ operation: 'ListQueues', input: {} })).toEqual({ [meters.sqsStandardRequests]: 1 });
  });

  it('when SQS sends or receives, every 64 KB chunk of the payload, the batch together, is a request', () => {
    expect(sqsUsage({ operation: 'SendMessage', input: { QueueUrl: standardQueue, MessageBody: 'x'.repeat(100 * kb) } })).toEqual({ [meters.sqsStandardRequests]: 2 });
    const entries = Array.from({ length: 10 }, () => ({ MessageBody: 'x'.repeat(20 * kb) }));
    expect(sqsUsage({ operation: 'SendMessageBatch', input: { QueueUrl: fifoQueue, Entries: entries } })).toEqual({ [meters.sqsFifoRequests]: 4 });
    expect(sqsUsage({ operation: 'ReceiveMessage', input: { QueueUrl: fifoQueue }, output: { Messages: entries.map(({ MessageBody }) => ({ Body: MessageBody })) } })).toEqual({ [meters.sqsFifoRequests]: 4 });
    expect(sqsUsage({ operation: 'ReceiveMessage', input: { QueueUrl: fifoQueue }, output: {} })).toEqual({ [meters.sqsFifoRequests]: 1 });
  });

  it('when SNS publishes to a FIFO topic, it bills the FIFO requests and payload and says what it published; to a standard topic, standard requests', () => {
    expect(snsUsage({ operation: 'Publish', input: { TopicArn: fifoTopic, Message: 'x'.repeat(190) }, output: {} })).toEqual({
      usage: { [meters.snsFifoRequests]: 1, [meters.snsFifoPublishedBytes]: 190 },
      published: { topicArn: fifoTopic, messages: 1, bytes: 190 },
    });
    const batch = { TopicArn: standardTopic, PublishBatchRequestEntries: [{ Message: 'x'.repeat(40 * kb) }, { Message: 'y'.repeat(40 * kb) }] };
    expect(snsUsage({ operation: 'PublishBatch', input: batch, output: {} })).toEqual({
      usage: { [meters.snsStandardRequests]: 2 },
      published: { topicArn: standardTopic, messages: 2, bytes: 80 * kb },
    });
    expect(snsUsage({ operation: 'ListTopics', input: {}, output: {} })).toEqual({ usage: { [meters.snsStandardRequests]: 1 } });
  });

  it('when a publish fails, its request is billed but nothing was published to deliver', () => {
    expect(snsUsage({ operation: 'Publish', input: { TopicArn: fifoTopic, Message: 'm' }, errorName: 'ThrottledException' })).toEqual({ usage: { [meters.snsFifoRequests]: 1, [meters.snsFifoPublishedBytes]: 1 } });
  });

  it('when DynamoDB answers with ConsumedCapacity, its units are summed, read or write by the operation; one object or one per table', () => {
    expect(dynamodbUsage({ operation: 'GetItem', input: {}, output: { ConsumedCapacity: { TableName: 't', CapacityUnits: 0.5 } } })).toEqual({ [meters.dynamodbReadUnits]: 0.5 });
    expect(dynamodbUsage({ operation: 'UpdateItem', input: {}, output: { ConsumedCapacity: { TableName: 't', CapacityUnits: 3 } } })).toEqual({ [meters.dynamodbWriteUnits]: 3 });
    const perTable = { ConsumedCapacity: [{ TableName: 'a', CapacityUnits: 4 }, { TableName: 'b', CapacityUnits: 2 }] };
    expect(dynamodbUsage({ operation: 'TransactWriteItems', input: {}, output: perTable })).toEqual({ [meters.dynamodbWriteUnits]: 6 });
    expect(dynamodbUsage({ operation: 'TransactGetItems', input: {}, output: perTable })).toEqual({ [meters.dynamodbReadUnits]: 6 });
    expect(dynamodbUsage({ operation: 'Query', input: {}, output: {} })).toEqual({ [meters.dynamodbReadUnits]: 0 });
  });

  it('when a conditional write fails, it consumes one write unit, as AWS bills it; other failures and control-plane calls consume none', () => {
    for (const operation of ['PutItem', 'UpdateItem', 'DeleteItem']) expect(dynamodbUsage({ operation, input: {}, errorName: 'ConditionalCheckFailedException' })).toEqual({ [meters.dynamodbWriteUnits]: 1 });
    expect(dynamodbUsage({ operation: 'PutItem', input: {}, errorName: 'ProvisionedThroughputExceededException' })).toEqual({});
    expect(dynamodbUsage({ operation: 'DescribeTable', input: {}, output: {} })).toEqual({});
  });
});

describe('deliveries', () => {
  const published = { [meters.snsFifoRequests]: 3, [`sns.published ${fifoTopic}`]: 3, [`sns.publishedBytes ${fifoTopic}`]: 600, [`sns.published ${standardTopic}`]: 2, [`sns.publishedBytes ${standardTopic}`]: 50 };

  it("when what was published meets each topic's SQS subscriptions, deliveries are messages × subscriptions, with a FIFO topic's delivered payload", () => {
    expect(publishedTopics(published).sort()).toEqual([fifoTopic, standardTopic].sort());
    expect(deliveredUsage(published, { [fifoTopic]: 2, [standardTopic]: 0 })).toEqual({
      [meters.snsFifoRequests]: 3,
      [meters.snsFifoDeliveries]: 6,
      [meters.snsFifoDeliveredBytes]: 1200,
      [meters.snsStandardDeliveries]: 0,
    });
  });

  it("when the reports are added up, each booking's deliveries and state transitions join its usage, and the total gets every transition", () => {
    const api = { total: published, byBooking: { B1: { [`sns.published ${fifoTopic}`]: 1, [`sns.publishedBytes ${fifoTopic}`]: 200 } } };
    const worker = { total: { [meters.lambdaRequests]: 4 }, byBooking: { B1: { [meters.lambdaRequests]: 2 } } };
    const usage = billedUsage([api, worker], { [fifoTopic]: 2, [standardTopic]: 1 }, { total: 9, byBooking: { B1: 7, B2: 2 } });
    expect(usage.byBooking).toEqual({
      B1: { [meters.snsFifoDeliveries]: 2, [meters.snsFifoDeliveredBytes]: 400, [meters.lambdaRequests]: 2, [meters.sfnStateTransitions]: 7 },
      B2: { [meters.sfnStateTransitions]: 2 },
    });
    expect(usage.total).toMatchObject({ [meters.snsFifoDeliveries]: 6, [meters.snsStandardDeliveries]: 2, [meters.lambdaRequests]: 4, [meters.sfnStateTransitions]: 9 });
  });
});
