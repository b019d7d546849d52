import { performance } from 'node:perf_hooks';
import type { AwsClients } from '../aws/clients.js';
import { operationOf, type MiddlewareClient } from '../aws/failed-calls.js';
import { addUsage, meters } from '../cost/meters.js';
import type { Usage } from '../model/run.js';
import { consumesCapacity, dynamodbUsage, snsUsage, sqsUsage, type MeteredCall, type Published } from './billed-calls.js';
import { bookingScope } from './call-counter.js';

/** Usage by the booking it was used for (its bookingId). */
export type BookingUsage = Record<string, Usage>;

/**
 * What a meter measured, as a worker reports it to its parent: the totals so far, and the
 * usage so far of the bookings whose usage changed since the previous report (so that a
 * report stays small however many bookings a run has).
 */
export interface UsageReport {
  total: Usage;
  byBooking: BookingUsage;
}

/** Measures the billed usage of what goes through some clients, and of the function handlers it times. */
export interface UsageMeter {
  /** A copy of the usage so far. */
  total(): Usage;
  /** A copy of the usage so far made in the scope of a booking, by bookingId. */
  byBooking(): BookingUsage;
  /** What changed since the previous report; undefined when nothing did. */
  report(): UsageReport | undefined;
  /**
   * Runs `handler` as one invocation of a Lambda function: counts the invocation and its
   * wall time, rounded up to a whole ms as Lambda bills it, for the booking in scope.
   */
  invocation<T>(handler: () => Promise<T>): Promise<T>;
}

/** The usage keys that tally what was published to a topic: not billed meters, but what {@link deliveredUsage} turns into deliveries. */
const publishedMessages = 'sns.published ';
const publishedBytes = 'sns.publishedBytes ';

/**
 * Adds a middleware to each client that adds to the meters what each call bills
 * (src/runtime/billed-calls.ts), in total and for the booking in scope ({@link withBooking}).
 * DynamoDB item operations are sent with ReturnConsumedCapacity TOTAL (unless the caller
 * asked otherwise), so that the units counted are those the endpoint consumed. Like the
 * call counter, it sits in the initialize step: once per call, however often the SDK
 * retries it. Step Functions calls bill nothing: its state transitions are read from the
 * executions' histories. Side effect: changes the clients' middleware stacks.
 */
export function meterUsage(clients: Pick<AwsClients, 'sqs' | 'sns' | 'dynamodb'>): UsageMeter {
  const total: Usage = {};
  const byBooking = new Map<string, Usage>();
  const changed = new Set<string>();
  let version = 0;
  let reported = 0;
  const add = (bookingId: string | undefined, usage: Usage) => {
    version += 1;
    for (const key in usage) total[key] = (total[key] ?? 0) + usage[key]!;
    if (bookingId === undefined) return;
    const own = byBooking.get(bookingId) ?? {};
    for (const key in usage) own[key] = (own[key] ?? 0) + usage[key]!;
    byBooking.set(bookingId, own);
    changed.add(bookingId);
  };
  const meter = (service: 'sqs' | 'sns' | 'dynamodb', bill: (call: MeteredCall) => Usage) =>
    (clients[service] as unknown as MiddlewareClient).middlewareStack.add(
      (next, context) => async (args) => {
        const bookingId = bookingScope.getStore();
        const operation = operationOf(context);
        let { input } = args as { input: Record<string, unknown> };
        if (service === 'dynamodb' && input.ReturnConsumedCapacity === undefined && consumesCapacity(operation)) {
          input = { ...input, ReturnConsumedCapacity: 'TOTAL' };
          args = { ...(args as object), input };
        }
        try {
          const result = (await next(args)) as { output?: Record<string, unknown> };
          add(bookingId, bill({ operation, input, ...(result.output ? { output: result.output } : {}) }));
          return result;
        } catch (error) {
          add(bookingId, bill({ operation, input, errorName: (error as Error).name }));
          throw error;
        }
      },
      { step: 'initialize', name: 'booksimUsageMeter' },
    );
  meter('sqs', sqsUsage);
  meter('sns', (call) => {
    const { usage, published } = snsUsage(call);
    return published ? addUsage(usage, publishedUsage(published)) : usage;
  });
  meter('dynamodb', dynamodbUsage);
  return {
    total: () => ({ ...total }),
    byBooking: () => Object.fromEntries([...byBooking].map(([bookingId, usage]) => [bookingId, { ...usage }])),
    report: () => {
      if (version === reported) return undefined;
      reported = version;
      const report = { total: { ...total }, byBooking: Object.fromEntries([...changed].map((bookingId) => [bookingId, { ...byBooking.get(bookingId)! }])) };
      changed.clear();
      return report;
    },
    invocation: async (handler) => {
      const bookingId = bookingScope.getStore();
      const start = performance.now();
      try {
        return await handler();
      } finally {
        add(bookingId, { [meters.lambdaRequests]: 1, [meters.lambdaDurationMs]: Math.max(1, Math.ceil(performance.now() - start)) });
      }
    },
  };
}

function publishedUsage({ topicArn, messages, bytes }: Published): Usage {
  return { [publishedMessages + topicArn]: messages, [publishedBytes + topicArn]: bytes };
}

/** The topics a usage published to. */
export function publishedTopics(usage: Usage): string[] {
  return Object.keys(usage)
    .filter((key) => key.startsWith(publishedMessages))
    .map((key) => key.slice(publishedMessages.length));
}

/**
 * A usage with what it published turned into deliveries (pure): each message published to
 * a topic is delivered once to each of its SQS subscriptions (booksim's stacks filter
 * none), so deliveries are messages × `subscriptions[topic]`, and a FIFO topic's delivered
 * payload its published bytes × the same. A duplicate a FIFO topic drops (a client retry
 * within its deduplication window) is counted as delivered: the publish cannot tell.
 */
export function deliveredUsage(usage: Usage, subscriptions: Record<string, number>): Usage {
  const metered = Object.fromEntries(Object.entries(usage).filter(([key]) => !key.startsWith(publishedMessages) && !key.startsWith(publishedBytes)));
  const deliveries = publishedTopics(usage).map((topicArn): Usage => {
    const times = subscriptions[topicArn] ?? 0;
    const messages = usage[publishedMessages + topicArn]! * times;
    if (!topicArn.endsWith('.fifo')) return { [meters.snsStandardDeliveries]: messages };
    return { [meters.snsFifoDeliveries]: messages, [meters.snsFifoDeliveredBytes]: (usage[publishedBytes + topicArn] ?? 0) * times };
  });
  return addUsage(metered, ...deliveries);
}

/** Adds reports of usage by booking together (pure): how the supervisor sums its workers'. */
export function addBookingUsage(...all: BookingUsage[]): BookingUsage {
  const sum: BookingUsage = {};
  for (const usage of all) for (const [bookingId, own] of Object.entries(usage)) sum[bookingId] = addUsage(sum[bookingId] ?? {}, own);
  return sum;
}
