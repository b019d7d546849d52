import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { finalStatuses, type Booking, type BookingMessage, type BookingStatus, type Tier } from '../model/booking.js';
import { conditional, getItem, n, s, update, type Item } from './dynamo.js';
import type { FunctionContext } from './model.js';

/** The bookings table: a booking's row, created PENDING by the booking API, moved on by conditional writes only. */

const bookingsTable = (ctx: FunctionContext) => ctx.resources.names.tables.bookings;

/** A {@link Booking} as its bookings-table item (the inverse of {@link bookingFromItem}). */
export function bookingToItem(booking: Booking): Item {
  const item: Item = {
    bookingId: s(booking.bookingId),
    seatId: s(booking.seatId),
    customerId: s(booking.customerId),
    requestId: s(booking.requestId),
    tier: s(booking.tier),
    amount: n(booking.amount),
    status: s(booking.status),
    createdAt: n(booking.createdAt),
    updatedAt: n(booking.updatedAt),
  };
  if (booking.sequence !== undefined) item.sequence = n(booking.sequence);
  if (booking.decidedAt !== undefined) item.decidedAt = n(booking.decidedAt);
  if (booking.reason !== undefined) item.reason = s(booking.reason);
  return item;
}

/** A bookings-table item as a {@link Booking} (what `verify` reads with a Scan, too). */
export function bookingFromItem(item: Item): Booking {
  const str = (name: string) => item[name]?.S ?? '';
  const num = (name: string) => Number(item[name]?.N);
  return {
    bookingId: str('bookingId'),
    seatId: str('seatId'),
    customerId: str('customerId'),
    requestId: str('requestId'),
    tier: str('tier') as Tier,
    amount: num('amount'),
    status: str('status') as BookingStatus,
    createdAt: num('createdAt'),
    updatedAt: num('updatedAt'),
    // Kept as the decimal text DynamoDB returns (canonical: no leading zeros): 20-digit sequence numbers exceed a double's precision.
    ...(item.sequence?.N !== undefined ? { sequence: item.sequence.N } : {}),
    ...(item.decidedAt?.N !== undefined ? { decidedAt: num('decidedAt') } : {}),
    ...(item.reason?.S !== undefined ? { reason: item.reason.S } : {}),
  };
}

/** The booking, read consistently; undefined if there is none with this id. */
export async function getBooking(ctx: FunctionContext, bookingId: string): Promise<Booking | undefined> {
  const item = await getItem(ctx, bookingsTable(ctx), { bookingId: s(bookingId) });
  return item && bookingFromItem(item);
}

/**
 * Creates the booking as PENDING unless a booking with its id exists (a client retry).
 * Answers the booking as stored and whether this call created it; an existing one is
 * returned unchanged, whatever `message` says.
 */
export async function putPendingBooking(ctx: FunctionContext, message: BookingMessage): Promise<{ booking: Booking; created: boolean }> {
  const now = ctx.clock.now();
  const booking: Booking = { ...message, status: 'PENDING', createdAt: now, updatedAt: now };
  const put = new PutItemCommand({
    TableName: bookingsTable(ctx),
    Item: bookingToItem(booking),
    ConditionExpression: 'attribute_not_exists(bookingId)',
  });
  if (await conditional(ctx.clients.dynamodb.send(put))) return { booking, created: true };
  const existing = await getBooking(ctx, message.bookingId);
  // Only a delete between the two calls could make it vanish; nothing in booksim deletes bookings.
  if (!existing) throw new Error(`booking ${message.bookingId} existed a moment ago and is gone`);
  return { booking: existing, created: false };
}

/**
 * Moves the booking to `status` if its current status is one of `from`: true if it
 * changed, false if the condition failed (already done, or not allowed; re-read to
 * tell). Sets updatedAt, decidedAt when `status` is final, and the reason and the
 * inventory sequence number when given. A change from undecided statuses only to a final
 * one tells `ctx.onDecided` (a final-to-final change, ESCALATED → PAYMENT_FAILED, decides
 * nothing new).
 */
export async function setBookingStatus(
  ctx: FunctionContext,
  bookingId: string,
  status: BookingStatus,
  options: { from: BookingStatus[]; reason?: string; sequence?: string },
): Promise<boolean> {
  // DynamoDB has no empty IN list, and an empty `from` allows nothing.
  if (options.from.length === 0) return false;
  const now = n(ctx.clock.now());
  const sets = ['#status = :status', '#updatedAt = :now'];
  const values: Item = { ':status': s(status), ':now': now };
  if (finalStatuses.has(status)) sets.push('#decidedAt = :now');
  if (options.reason !== undefined) {
    sets.push('#reason = :reason');
    values[':reason'] = s(options.reason);
  }
  if (options.sequence !== undefined) {
    sets.push('#sequence = :sequence');
    values[':sequence'] = n(options.sequence);
  }
  options.from.forEach((from, i) => (values[`:from${i}`] = s(from)));
  const allowed = options.from.map((_, i) => `:from${i}`).join(', ');
  const changed = await update(ctx, bookingsTable(ctx), { bookingId: s(bookingId) }, {
    update: `SET ${sets.join(', ')}`,
    // Also false for a missing booking: an update must not create one.
    condition: `#status IN (${allowed})`,
    values,
  });
  if (changed && finalStatuses.has(status) && !options.from.some((from) => finalStatuses.has(from))) ctx.onDecided?.();
  return changed;
}
