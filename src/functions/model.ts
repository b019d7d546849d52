import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import type { Sabotage } from '../model/fault.js';
import type { SagaTask } from '../deploy/saga.js';
import type { StackNames, Topology } from '../deploy/stack.js';

/**
 * The booking system's data, as its functions and `verify` read it. Tables are the
 * stack's (src/deploy/stack.ts); amounts are integer cents.
 */

/**
 * `PENDING → HELD | WAITLISTED → CONFIRMED | REJECTED | PAYMENT_FAILED | ESCALATED` (docs/design.md, Booking states).
 * WAITLISTED is never stored: a waiting booking's row stays PENDING, and its place in
 * the seat's line (where the inventory function records its decision) makes it
 * WAITLISTED in `GET /bookings/:id`. Writing it would cost every rejected booking a call.
 */
export type BookingStatus = 'PENDING' | 'HELD' | 'WAITLISTED' | 'CONFIRMED' | 'REJECTED' | 'PAYMENT_FAILED' | 'ESCALATED';

/** States no booking leaves. */
export const finalStatuses: ReadonlySet<BookingStatus> = new Set(['CONFIRMED', 'REJECTED', 'PAYMENT_FAILED', 'ESCALATED']);

export type Tier = 'VIP' | 'STANDARD';

/** What a client asks for: `POST /bookings`. */
export interface BookingRequest {
  seatId: string;
  customerId: string;
  /** The client's id for this attempt: a retry carries the same one (SNS FIFO dedups by it). */
  requestId: string;
  tier: Tier;
  amount: number;
}

/** A row of the bookings table (key bookingId; GSIs bySeat: seatId + sequence, byStatus: status + bookingId). */
export interface Booking extends BookingRequest {
  bookingId: string;
  status: BookingStatus;
  /**
   * The payment queue's SequenceNumber for this booking, written with its decision: its
   * place in the seat's FIFO stream, the order the inventory queue placed it in too (a
   * decimal string of up to 20 digits, stored as N).
   */
  sequence?: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** When the booking reached a final status. */
  decidedAt?: number;
  /** Why a booking failed or was escalated, in a sentence. */
  reason?: string;
}

/**
 * A row of the seats table (key seatId). `holder` is the booking that holds or bought the
 * seat; `line` the bookings placed behind it, in FIFO order (those rejected once the seat
 * was sold stay in it: see src/functions/store.ts); `sold` once ReserveSeat confirmed the
 * holder. A seat with no holder is free.
 */
export interface Seat {
  seatId: string;
  holder?: string;
  line: string[];
  sold: boolean;
}

/** A row of the tickets table (key bookingId): at most one ticket per booking. */
export interface Ticket {
  bookingId: string;
  ticketId: string;
  seatId: string;
  issuedAt: number;
}

/** The message the booking API publishes to the bookings topic (group = seatId, dedup = requestId). */
export interface BookingMessage extends BookingRequest {
  bookingId: string;
}

/**
 * The saga's execution input (execution name = bookingId; `<bookingId>-r<n>` for the
 * reconciler's restarts, src/functions/reconciler.ts).
 */
export interface SagaInput extends BookingMessage {
  /**
   * Idempotency keys that replace the ones derived from the bookingId
   * (src/functions/gateway-client.ts). Only the reconciler sets them, and only under the
   * sabotage `new-key-on-retry`: a normal saga, restarted or not, never carries them.
   */
  chargeKey?: string;
  refundKey?: string;
}

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
  /** Safeguards switched off on purpose (src/model/fault.ts); none in a normal run. */
  sabotage?: ReadonlySet<Sabotage>;
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
 * answer (retry, in-saga, a throw): what follows then reads afresh.
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
