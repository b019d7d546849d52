import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import type { SagaInput } from '../model/booking.js';
import type { Sabotage } from '../model/sabotage.js';
import type { SagaTask } from '../deploy/saga.js';
import type { StackNames } from '../deploy/stack.js';
import type { Topology } from '../model/topology.js';

/** What every function needs to find the stack's resources. */
export interface FunctionResources {
  /** How the booking stream is wired (told by the deployed bookings topic). */
  topology: Topology;
  names: StackNames;
  /** ARN of the bookings topic (from the API, never built). */
  bookingsTopicArn: string;
  notificationsTopicArn: string;
  manualReviewQueueUrl: string;
  stateMachineArn: string;
  /** Base URL of the payment gateway, e.g. http://127.0.0.1:PORT. */
  gatewayUrl: string;
}

/** What every handler is given besides its event: the SDK clients, where things are, and time. */
export interface FunctionContext {
  clients: AwsClients;
  resources: FunctionResources;
  clock: Clock;
  /** Safeguards switched off on purpose (src/model/sabotage.ts); none in a normal run. */
  sabotage?: ReadonlySet<Sabotage>;
  /** Told each time a function moves a booking from an undecided status to a final one: a live count for whoever hosts the functions, not the outcome (that is read from the table). */
  onDecided?(): void;
}

/** One SQS message as a queue handler sees it (Lambda's SQS record, trimmed to what booksim uses). */
export interface QueueRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** SQS system attributes: SequenceNumber, MessageGroupId, ApproximateReceiveCount, … */
  attributes: Record<string, string>;
}

/**
 * Reads that the messages of one delivery share: the messages of one group that came in
 * one receive, handled one after another. A queue function asks for a read by key; the
 * first message to ask makes it, the next ones of the delivery get its answer (`fresh`
 * false) — as a Lambda function handed a FIFO group's batch reads once for the batch.
 * The worker forgets every shared read as soon as a message does not settle at its first
 * answer (retry, in-saga): what follows then reads afresh. After a throw the rest of the
 * delivery is let go with the message, so nothing reads on.
 */
export interface SharedReads {
  once<T>(key: string, read: () => Promise<T>): Promise<{ value: T; fresh: boolean }>;
}

/** Shares nothing: every read is made, and is fresh (a function called outside a delivery). */
export const unsharedReads: SharedReads = {
  once: async (_key, read) => ({ value: await read(), fresh: true }),
};

/** What the payment function tells its worker to do with the message it was given. */
export type PaymentOutcome =
  /** Settled (saga ended, or the booking was rejected): delete the message. */
  | { kind: 'done' }
  /** Not yet decidable (the inventory decision is not recorded yet): make it visible again after a while. */
  | { kind: 'retry'; afterSeconds: number }
  /**
   * This booking's saga runs: keep the message (and so the seat's group) invisible until
   * the execution ends, and then it is done — the saga decided the booking, and a second
   * answer would only say so at the cost of two calls. If the execution does not exist,
   * ask again.
   */
  | { kind: 'in-saga'; executionArn: string };

/**
 * A saga task's failure: `error` is what the state machine's Retry/Catch match
 * (PaymentDeclined, GatewayError, RefundTimeout, OutOfStock), the message its cause.
 * The worker reports it with SendTaskFailure.
 */
export class TaskError extends Error {
  constructor(
    readonly error: string,
    cause: string,
  ) {
    super(cause);
    this.name = 'TaskError';
  }
}

/** A saga task: the execution's input (with the results so far) in, the task's result out. */
export type ActivityHandler = (input: SagaInput & Record<string, unknown>, context: FunctionContext & { heartbeat(): Promise<void> }) => Promise<unknown>;

/** The handlers a worker can host, by the name it hosts them under (src/functions/registry.ts lists them). */
export interface FunctionRegistry {
  queues: {
    inventory: (record: QueueRecord, ctx: FunctionContext, shared?: SharedReads) => Promise<void>;
    payment: (record: QueueRecord, ctx: FunctionContext, shared?: SharedReads) => Promise<PaymentOutcome>;
  };
  activities: Record<SagaTask, ActivityHandler>;
}
