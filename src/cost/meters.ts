import type { Usage } from '../model/run.js';

/**
 * The billed meters booksim measures (docs/design.md, Measurement: cost): the keys of a
 * run's {@link Usage} and of a price table's meters. Each is what AWS bills, counted
 * from what the run really did:
 * - SQS: requests, FIFO or standard by the queue; each 64 KB chunk of a request's payload
 *   is one request (https://aws.amazon.com/sqs/pricing/).
 * - SNS: requests (each 64 KB chunk of a publish one), the FIFO payload published and
 *   delivered, and deliveries to SQS subscriptions (https://aws.amazon.com/sns/pricing/).
 * - DynamoDB: read and write request units as the endpoint consumed them
 *   (https://aws.amazon.com/dynamodb/pricing/on-demand/).
 * - Step Functions: state transitions of Standard executions (https://aws.amazon.com/step-functions/pricing/).
 * - Lambda: invocations of the functions booksim hosts, and their handler time billed in
 *   1 ms increments (https://aws.amazon.com/lambda/pricing/).
 */
export const meters = {
  sqsFifoRequests: 'sqs.fifo.requests',
  sqsStandardRequests: 'sqs.standard.requests',
  snsFifoRequests: 'sns.fifo.requests',
  snsFifoPublishedBytes: 'sns.fifo.publishedBytes',
  snsFifoDeliveries: 'sns.fifo.sqsDeliveries',
  snsFifoDeliveredBytes: 'sns.fifo.deliveredBytes',
  snsStandardRequests: 'sns.standard.requests',
  snsStandardDeliveries: 'sns.standard.sqsDeliveries',
  dynamodbReadUnits: 'dynamodb.readRequestUnits',
  dynamodbWriteUnits: 'dynamodb.writeRequestUnits',
  sfnStateTransitions: 'sfn.stateTransitions',
  lambdaRequests: 'lambda.requests',
  lambdaDurationMs: 'lambda.durationMs',
} as const;

export type MeterName = (typeof meters)[keyof typeof meters];

/** Every meter, in the order they are listed. */
export const meterNames: readonly MeterName[] = Object.values(meters);

/** Usages added meter by meter (pure). */
export function addUsage(...all: Usage[]): Usage {
  const total: Usage = {};
  for (const usage of all) for (const [meter, amount] of Object.entries(usage)) total[meter] = (total[meter] ?? 0) + amount;
  return total;
}

/** A usage with every amount multiplied by `factor` (pure): a sum divided into a mean. */
export function scaleUsage(usage: Usage, factor: number): Usage {
  return Object.fromEntries(Object.entries(usage).map(([meter, amount]) => [meter, amount * factor]));
}

/** `a` minus `b`, meter by meter (pure). */
export function subtractUsage(a: Usage, b: Usage): Usage {
  return addUsage(a, scaleUsage(b, -1));
}
