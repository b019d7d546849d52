import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { BooksimError, ExitCode } from '../errors.js';
import type { FunctionContext } from './model.js';
import type { Booking, BookingMessage, BookingRequest, BookingStatus } from '../model/booking.js';
import { placementOf } from './seats.js';
import { getBooking, putPendingBooking } from './bookings.js';

/** A request the booking API refuses as malformed: the HTTP layer answers 400 with its message. */
export class ValidationError extends BooksimError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'ValidationError';
  }
}

// SNS FIFO's rule for MessageGroupId and MessageDeduplicationId, which seatId and requestId become.
const snsIdPattern = /^[!-~]{1,128}$/;

function requireString(body: Record<string, unknown>, field: string, pattern?: RegExp): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError(`${field} must be a non-empty string`);
  if (pattern && !pattern.test(value)) throw new ValidationError(`${field} must be 1–128 printable ASCII characters without spaces`);
  return value;
}

/** Checks a `POST /bookings` body and returns it as a {@link BookingRequest} (only its fields); throws {@link ValidationError}. */
export function validateBookingRequest(body: unknown): BookingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('the body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const { tier, amount } = fields;
  if (tier !== 'VIP' && tier !== 'STANDARD') throw new ValidationError('tier must be VIP or STANDARD');
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) throw new ValidationError('amount must be a positive integer (cents)');
  return {
    seatId: requireString(fields, 'seatId', snsIdPattern),
    customerId: requireString(fields, 'customerId'),
    requestId: requireString(fields, 'requestId', snsIdPattern),
    tier,
    amount,
  };
}

/** The booking id of a request: derived from its requestId, so a client retry gets the same one. */
export function bookingIdFor(requestId: string): string {
  return `B${createHash('sha256').update(requestId).digest('hex').slice(0, 20)}`;
}

/**
 * The ids one HTTP attempt at a request stores and publishes under: the bookingId and the
 * MessageDeduplicationId, both the request's own, so that a client retry is the same
 * booking and its publish a duplicate SNS FIFO drops. Under the sabotage
 * `new-id-per-attempt` each attempt mints its own (a bookingId of the same form): a client
 * retry becomes a second booking of the same request.
 */
function attemptIds(requestId: string, ctx: FunctionContext): { bookingId: string; deduplicationId: string } {
  if (ctx.sabotage?.has('new-id-per-attempt')) return { bookingId: `B${randomBytes(10).toString('hex')}`, deduplicationId: randomUUID() };
  return { bookingId: bookingIdFor(requestId), deduplicationId: requestId };
}

/** What {@link bookingIdFor} makes. */
const bookingIdPattern = /^B[0-9a-f]{20}$/;

/** Reads a message of the bookings topic (an SQS body under raw delivery); throws {@link ValidationError} if it is not one. */
export function parseBookingMessage(body: string): BookingMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ValidationError('the message is not JSON');
  }
  const request = validateBookingRequest(parsed);
  const bookingId = requireString(parsed as Record<string, unknown>, 'bookingId');
  return { bookingId, ...request };
}

const sameRequest = (a: BookingRequest, b: BookingRequest) =>
  a.seatId === b.seatId && a.customerId === b.customerId && a.tier === b.tier && a.amount === b.amount;

/**
 * Validates a `POST /bookings` request and stores its booking as PENDING unless it exists
 * (a client retry): the message every topology hands on, and the deduplication id to
 * publish it under. Throws {@link ValidationError} for a malformed request or a requestId
 * reused for a different booking.
 */
export async function storeBookingRequest(request: BookingRequest, ctx: FunctionContext): Promise<{ message: BookingMessage; booking: Booking; deduplicationId: string }> {
  const valid = validateBookingRequest(request);
  const { bookingId, deduplicationId } = attemptIds(valid.requestId, ctx);
  const message: BookingMessage = { bookingId, ...valid };
  const { booking } = await putPendingBooking(ctx, message);
  if (!sameRequest(booking, valid)) throw new ValidationError(`requestId ${valid.requestId} was already used for a different booking (${booking.bookingId})`);
  return { message, booking, deduplicationId };
}

/**
 * `POST /bookings` where a topic carries the booking stream: stores the booking
 * ({@link storeBookingRequest}) and publishes it to the bookings topic — in the
 * fifo-fanout topology with MessageGroupId = seatId and MessageDeduplicationId =
 * requestId. Publishing again on a retry is deliberate: the first attempt may have stored
 * the booking and died before publishing, and within SNS FIFO's 5-minute window the
 * duplicate is dropped (a standard topic delivers it again, as at-least-once allows).
 * Answers the booking id and its current status.
 */
export async function createBooking(request: BookingRequest, ctx: FunctionContext): Promise<{ bookingId: string; status: BookingStatus }> {
  const { message, booking, deduplicationId } = await storeBookingRequest(request, ctx);
  // A FIFO stream only: explicit deduplication, not content-based, as some emulators do not pass a topic's content-based dedup on to queues (docs/design.md, Compatibility notes).
  const ordering = ctx.resources.topology === 'fifo-fanout' ? { MessageGroupId: message.seatId, MessageDeduplicationId: deduplicationId } : {};
  await ctx.clients.sns.send(new PublishCommand({ TopicArn: ctx.resources.bookingsTopicArn, Message: JSON.stringify(message), ...ordering }));
  return { bookingId: booking.bookingId, status: booking.status };
}

/**
 * `GET /bookings/:id`: the booking as stored, or undefined if there is none (a malformed
 * id included, without asking DynamoDB). A PENDING booking the inventory function has
 * placed shows where it stands: HELD as the seat's holder, WAITLISTED in its line.
 */
export async function getBookingView(bookingId: string, ctx: FunctionContext): Promise<Booking | undefined> {
  if (!bookingIdPattern.test(bookingId)) return undefined;
  const booking = await getBooking(ctx, bookingId);
  if (booking?.status !== 'PENDING') return booking;
  const { placement } = await placementOf(ctx, booking.seatId, bookingId);
  if (placement === 'holder') return { ...booking, status: 'HELD' };
  if (placement === 'line') return { ...booking, status: 'WAITLISTED' };
  return booking;
}
