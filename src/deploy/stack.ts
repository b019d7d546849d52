import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { BooksimError } from '../errors.js';
import { sagaTasks, type SagaTask, type TimingProfileName } from './saga.js';
import type { Topology } from '../model/topology.js';
import type { Sabotage } from '../model/sabotage.js';

/** The functions that consume the booking stream from a queue (outside direct-chain). */
export const streamFunctions = ['inventory', 'payment'] as const;
export type StreamFunction = (typeof streamFunctions)[number];

/** Whether a function consumes the booking stream (rather than being a saga task). */
export const isStreamFunction = (fn: string): fn is StreamFunction => (streamFunctions as readonly string[]).includes(fn);

/** A queue the bookings topic feeds: its name, its dead-letter queue's, and the functions that poll it. */
export interface StreamQueue {
  name: string;
  dlq: string;
  functions: StreamFunction[];
  /** Long enough for a handler's work; the payment function's message is held (and extended) while its saga runs. */
  visibilityTimeoutSeconds: number;
}

/** What a user chooses about a stack. */
export interface StackOptions {
  /** Prefix of every resource, so that stacks live side by side. */
  stack: string;
  /** Default fifo-fanout. */
  topology?: Topology;
  profile: TimingProfileName;
  /** Receives of a message before its queue moves it to the DLQ. */
  maxReceiveCount: number;
  /** The role the saga runs as (`--role-arn`); absent: deploy creates the stack's own (StackNames.sagaRole). */
  roleArn?: string;
  /** FIFO queues and the FIFO topic in high-throughput mode (`deploy --high-throughput`); off when absent. Standard queues and topics have no such mode. */
  highThroughput?: boolean;
  /** Sabotages baked into the saga's definition (src/model/sabotage.ts, `deployed`); none when absent. */
  sabotage?: Sabotage[];
}

/** The name of every resource of a stack. */
export interface StackNames {
  /** The topology's own name for it, which is how every command tells a stack's topology; direct-chain's gets no message. */
  bookingsTopic: string;
  notificationsTopic: string;
  /** The queues the bookings topic feeds, in deploy order: one per function, one shared, or none (direct-chain). */
  streamQueues: StreamQueue[];
  manualReviewQueue: string;
  tables: { bookings: string; seats: string; tickets: string; idempotency: string };
  activities: Record<SagaTask, string>;
  stateMachine: string;
  /** The IAM role the saga runs as, and its inline policy, when deploy creates it (no --role-arn). */
  sagaRole: string;
}

const stackNamePattern = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/** Checks a stack name: it must make valid names for every AWS resource it prefixes. */
export function validStackName(stack: string): string {
  if (!stackNamePattern.test(stack)) {
    throw new BooksimError(`--stack "${stack}" is not a valid stack name`, undefined, [
      'Use 1–40 letters, digits or hyphens, starting with a letter (it prefixes queue, topic, table and state machine names).',
    ]);
  }
  return stack;
}

const bookingsTopicSuffix: Record<Topology, string> = {
  'fifo-fanout': '.fifo',
  'standard-fanout': '',
  'shared-queue': '-shared',
  'direct-chain': '-direct',
};

/** The tag every resource deploy creates carries, valued with the stack's name: what destroy deletes by. */
export const stackTagKey = 'booksim:stack';

/** Names every resource of the stack from its prefix; the booking stream's are FIFO (`.fifo`) in the fifo-fanout topology only. */
export function stackNames(stack: string, topology: Topology = 'fifo-fanout'): StackNames {
  const fifo = topology === 'fifo-fanout' ? '.fifo' : '';
  const queue = (base: string, functions: StreamFunction[], visibilityTimeoutSeconds: number): StreamQueue => ({
    name: `${stack}-${base}${fifo}`,
    dlq: `${stack}-${base}-dlq${fifo}`,
    functions,
    visibilityTimeoutSeconds,
  });
  const fannedOut = [queue('inventory', ['inventory'], 30), queue('payment', ['payment'], 60)];
  const streamQueues: Record<Topology, StreamQueue[]> = {
    'fifo-fanout': fannedOut,
    'standard-fanout': fannedOut,
    'shared-queue': [queue('shared', ['inventory', 'payment'], 60)],
    'direct-chain': [],
  };
  return {
    bookingsTopic: `${stack}-bookings${bookingsTopicSuffix[topology]}`,
    notificationsTopic: `${stack}-notifications`,
    streamQueues: streamQueues[topology],
    manualReviewQueue: `${stack}-manual-review`,
    tables: {
      bookings: `${stack}-bookings`,
      seats: `${stack}-seats`,
      tickets: `${stack}-tickets`,
      idempotency: `${stack}-idempotency`,
    },
    activities: Object.fromEntries(sagaTasks.map((task) => [task, `${stack}-${task}`])) as Record<SagaTask, string>,
    stateMachine: `${stack}-saga`,
    sagaRole: `${stack}-saga-role`,
  };
}

/** The queue a function polls for the booking stream; undefined in direct-chain, where the booking API calls it. */
export function queueOf(names: StackNames, fn: StreamFunction): StreamQueue | undefined {
  return names.streamQueues.find((queue) => queue.functions.includes(fn));
}

/** Attribute of the idempotency table that DynamoDB's TTL expires records by (epoch seconds). */
export const idempotencyTtlAttribute = 'expiresAt';

/** A table of the stack: how to create it, and the TTL attribute if it has one. */
export interface TableSpec {
  input: CreateTableCommandInput;
  ttlAttribute?: string;
}

const string = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
const number = (name: string) => ({ AttributeName: name, AttributeType: 'N' as const });
const key = (hash: string, range?: string) => [
  { AttributeName: hash, KeyType: 'HASH' as const },
  ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
];

/**
 * The stack's tables. Bookings are found by id, by seat in FIFO sequence (bySeat: what
 * the functions and `verify` read a seat's line from) and by status (byStatus: stuck and
 * escalated bookings for the reconciler and `verify`).
 */
export function tableSpecs(names: StackNames): TableSpec[] {
  const onDemand = { BillingMode: 'PAY_PER_REQUEST' as const };
  return [
    {
      input: {
        TableName: names.tables.bookings,
        ...onDemand,
        AttributeDefinitions: [string('bookingId'), string('seatId'), number('sequence'), string('status')],
        KeySchema: key('bookingId'),
        GlobalSecondaryIndexes: [
          { IndexName: 'bySeat', KeySchema: key('seatId', 'sequence'), Projection: { ProjectionType: 'ALL' } },
          { IndexName: 'byStatus', KeySchema: key('status', 'bookingId'), Projection: { ProjectionType: 'ALL' } },
        ],
      },
    },
    { input: { TableName: names.tables.seats, ...onDemand, AttributeDefinitions: [string('seatId')], KeySchema: key('seatId') } },
    { input: { TableName: names.tables.tickets, ...onDemand, AttributeDefinitions: [string('bookingId')], KeySchema: key('bookingId') } },
    {
      input: { TableName: names.tables.idempotency, ...onDemand, AttributeDefinitions: [string('key')], KeySchema: key('key') },
      ttlAttribute: idempotencyTtlAttribute,
    },
  ];
}

/**
 * What AWS takes a FIFO queue's or topic's throughput attributes to be when they were never
 * set (and some endpoints leave them out of Get*Attributes): normal, not high, throughput.
 */
export const throughputDefaults: Readonly<Record<string, string>> = { FifoThroughputLimit: 'perQueue', DeduplicationScope: 'queue', FifoThroughputScope: 'Topic' };

/**
 * A FIFO queue's throughput mode. High throughput is FifoThroughputLimit=perMessageGroupId
 * with DeduplicationScope=messageGroup: the quota applies per message group, not per queue
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html).
 */
export function fifoQueueThroughput(highThroughput: boolean): Record<string, string> {
  return highThroughput ? { FifoThroughputLimit: 'perMessageGroupId', DeduplicationScope: 'messageGroup' } : { FifoThroughputLimit: 'perQueue', DeduplicationScope: 'queue' };
}

/**
 * The bookings topic's throughput mode, FIFO only: FifoThroughputScope=MessageGroup is SNS's
 * high-throughput mode (deduplication and the quota per message group), Topic the default
 * (https://docs.aws.amazon.com/sns/latest/dg/fifo-high-throughput.html).
 */
export function bookingsTopicThroughput(topology: Topology, highThroughput: boolean): Record<string, string> {
  return topology === 'fifo-fanout' ? { FifoThroughputScope: highThroughput ? 'MessageGroup' : 'Topic' } : {};
}

/** Attributes of a queue fed by the bookings topic (FIFO when its name says so, in the throughput mode asked for), with its DLQ and the policy that lets the topic send. */
export function fedQueueAttributes(queueArn: string, topicArn: string, dlqArn: string, maxReceiveCount: number, visibilityTimeout: number, highThroughput = false): Record<string, string> {
  return {
    ...(queueArn.endsWith('.fifo') ? { FifoQueue: 'true', ContentBasedDeduplication: 'false', ...fifoQueueThroughput(highThroughput) } : {}),
    VisibilityTimeout: String(visibilityTimeout),
    MaximumMessageSize: '262144',
    ReceiveMessageWaitTimeSeconds: '20',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowBookingsTopic',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
        },
      ],
    }),
  };
}

/** Attributes of a dead-letter queue (FIFO like the queue it serves): kept for the longest retention SQS allows. */
export function deadLetterQueueAttributes(name: string): Record<string, string> {
  return { ...(name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}), MessageRetentionPeriod: '1209600' };
}

/** The bookings topic's attributes: FIFO with explicit deduplication ids in the fifo-fanout topology, none otherwise. */
export function bookingsTopicAttributes(topology: Topology): Record<string, string> {
  return topology === 'fifo-fanout' ? { FifoTopic: 'true', ContentBasedDeduplication: 'false' } : {};
}
