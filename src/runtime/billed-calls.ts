import { meters } from '../cost/meters.js';
import type { Usage } from '../model/run.js';

/**
 * What one AWS call bills (pure), from its operation, its input and its output (or that
 * it failed): the part of src/runtime/usage-meter.ts that knows AWS's billing rules.
 * Service keys are the clients' (sqs, sns, dynamodb, sfn).
 */

/** A call as the meter saw it: its input, and its output or the name of the error it ended with. */
export interface MeteredCall {
  operation: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  errorName?: string;
}

/** SQS and SNS bill each 64 KB chunk of a request's payload as one request (https://aws.amazon.com/sqs/pricing/, https://aws.amazon.com/sns/pricing/). */
export const chunkBytes = 64 * 1024;

/** The requests a payload of `bytes` is billed as: one per 64 KB chunk, at least one. */
export function chunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / chunkBytes));
}

interface MessageLike {
  MessageBody?: unknown;
  Body?: unknown;
  Message?: unknown;
  MessageAttributes?: unknown;
}

/** A message's payload in bytes: its body and its message attributes (names, types and values), as SQS and SNS count a message's size. */
export function messageBytes(message: MessageLike): number {
  const body = message.MessageBody ?? message.Body ?? message.Message;
  let bytes = typeof body === 'string' ? Buffer.byteLength(body) : 0;
  const attributes = message.MessageAttributes;
  if (attributes && typeof attributes === 'object') {
    for (const [name, value] of Object.entries(attributes as Record<string, { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }>)) {
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + (value.StringValue === undefined ? 0 : Buffer.byteLength(value.StringValue)) + (value.BinaryValue?.length ?? 0);
    }
  }
  return bytes;
}

const entriesOf = (value: unknown): MessageLike[] => (Array.isArray(value) ? (value as MessageLike[]) : []);
const sum = (messages: MessageLike[]) => messages.reduce((total, message) => total + messageBytes(message), 0);

/**
 * An SQS call: one request per 64 KB chunk of what it sends (SendMessage, SendMessageBatch)
 * or receives (ReceiveMessage), one for any other, at the FIFO price when its queue is FIFO
 * (by the URL or name: a FIFO queue's ends in .fifo).
 */
export function sqsUsage({ operation, input, output }: MeteredCall): Usage {
  const queue = input.QueueUrl ?? input.QueueName;
  const meter = typeof queue === 'string' && queue.endsWith('.fifo') ? meters.sqsFifoRequests : meters.sqsStandardRequests;
  const bytes =
    operation === 'SendMessage' ? messageBytes(input) : operation === 'SendMessageBatch' ? sum(entriesOf(input.Entries)) : operation === 'ReceiveMessage' ? sum(entriesOf(output?.Messages)) : 0;
  return { [meter]: chunks(bytes) };
}

/** What a publish to one topic sent: messages and their bytes, for the deliveries its subscriptions then made ({@link deliveredUsage}). */
export interface Published {
  topicArn: string;
  messages: number;
  bytes: number;
}

/**
 * An SNS call: a Publish or PublishBatch is one request per 64 KB chunk of its payload,
 * at the FIFO price (with the payload's bytes, which FIFO topics bill too) when its topic
 * is FIFO; any other call is one standard request. A publish that succeeded also says what
 * it published, for the deliveries.
 */
export function snsUsage({ operation, input, errorName }: MeteredCall): { usage: Usage; published?: Published } {
  const isPublish = operation === 'Publish' || operation === 'PublishBatch';
  if (!isPublish) return { usage: { [meters.snsStandardRequests]: 1 } };
  const messages = operation === 'Publish' ? [input as MessageLike] : entriesOf(input.PublishBatchRequestEntries);
  const bytes = sum(messages);
  const topicArn = String(input.TopicArn ?? input.TargetArn ?? '');
  const usage: Usage = topicArn.endsWith('.fifo') ? { [meters.snsFifoRequests]: chunks(bytes), [meters.snsFifoPublishedBytes]: bytes } : { [meters.snsStandardRequests]: chunks(bytes) };
  return errorName === undefined ? { usage, published: { topicArn, messages: messages.length, bytes } } : { usage };
}

const readOperations = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const writeOperations = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const conditionalWrites = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** The DynamoDB operations that consume request units, and so take ReturnConsumedCapacity. */
export function consumesCapacity(operation: string): boolean {
  return readOperations.has(operation) || writeOperations.has(operation);
}

/**
 * A DynamoDB call: the request units its answer says it consumed (ConsumedCapacity, one
 * object or one per table, as ReturnConsumedCapacity TOTAL gives it), read or write by the
 * operation. A conditional write whose condition failed consumes write units on AWS too,
 * "dependent on the size of the existing item (or a minimum of 1)" (DynamoDB Developer
 * Guide, read-write-operations), and its error carries no ConsumedCapacity: it counts 1,
 * which is what every item booksim writes (under 1 KB) costs. Other calls (DescribeTable,
 * …) consume none.
 */
export function dynamodbUsage({ operation, output, errorName }: MeteredCall): Usage {
  if (errorName === 'ConditionalCheckFailedException' && conditionalWrites.has(operation)) return { [meters.dynamodbWriteUnits]: 1 };
  if (!consumesCapacity(operation) || output === undefined) return {};
  const consumed = output.ConsumedCapacity;
  const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((total: number, capacity) => total + (Number((capacity as { CapacityUnits?: unknown } | undefined)?.CapacityUnits) || 0), 0);
  return { [readOperations.has(operation) ? meters.dynamodbReadUnits : meters.dynamodbWriteUnits]: units };
}
