import type { ActivityHandler, FunctionContext } from '../model.js';
import type { BookingStatus } from '../../model/booking.js';
import { freeSeat, passSeat } from '../seats.js';
import { getBooking, setBookingStatus } from '../bookings.js';

/** A caught error as the saga's Catch puts it at its ResultPath. */
interface CaughtError {
  Error?: string;
  Cause?: string;
}

function describe(caught: unknown): string {
  const { Error: error, Cause: cause } = (caught ?? {}) as CaughtError;
  return [error, cause].filter(Boolean).join(': ') || 'unknown error';
}

/** How the reason of a booking escalated because its refund gave up begins: the reconciler retries those refunds. */
export const refundFailedReason = 'the refund failed ';

/**
 * The booking's final status and why, from what the saga caught on the way here (field
 * names as src/deploy/saga.ts writes them): a refund that gave up (`$.refundError`)
 * leaves money at stake, so ESCALATED; a decline (`$.declined`) or any other failure
 * (`$.error`) is PAYMENT_FAILED.
 */
function outcomeOf(input: Record<string, unknown>): { status: BookingStatus; reason: string } {
  if (input.refundError !== undefined) return { status: 'ESCALATED', reason: `${refundFailedReason}(${describe(input.refundError)}); the payment awaits manual review` };
  if (input.declined !== undefined) return { status: 'PAYMENT_FAILED', reason: `payment declined (${describe(input.declined)})` };
  return { status: 'PAYMENT_FAILED', reason: `the booking failed (${describe(input.error)}); any payment was refunded` };
}

/**
 * Makes the seat's holder HELD, passing over holders that are final but for CONFIRMED:
 * bookings rejected while they stood in line (rare: a rejection needs the seat sold, a
 * release a failed sale), or a failed holder whose own release died mid-pass. Answers
 * the booking that holds the seat in the end, if any.
 */
async function settleHolder(context: FunctionContext, seatId: string, holder: string | undefined): Promise<string | undefined> {
  while (holder !== undefined) {
    if (await setBookingStatus(context, holder, 'HELD', { from: ['PENDING', 'HELD'] })) return holder;
    if ((await getBooking(context, holder))?.status === 'CONFIRMED') return holder;
    const { passed, to, seat } = await passSeat(context, seatId, holder);
    holder = passed ? to : seat.holder;
  }
  return undefined;
}

/**
 * ReleaseSeat (compensation): the booking becomes PAYMENT_FAILED or ESCALATED (from
 * HELD) with its reason, then gives up its seat: the first booking in line that can
 * still buy it becomes the holder and HELD, or the seat becomes free. Its result
 * `{status, passed, promoted?}` goes to `$.release`.
 *
 * Idempotent: the status change is conditional, and passing the seat is conditional on
 * the booking holding it, so a retry cannot pass it twice. A retry that finds the seat
 * already passed still settles its current holder, which finishes a promotion an
 * earlier attempt died in the middle of (and changes nothing otherwise).
 *
 * Sabotage `release-without-promote` (FunctionContext.sabotage): the seat is only freed
 * ({@link freeSeat}); its line is forgotten, so the bookings waiting in it are never
 * promoted and the seat stays unsold.
 */
export const releaseSeat: ActivityHandler = async (input, context): Promise<{ status: BookingStatus; passed: boolean; promoted?: string }> => {
  const { status, reason } = outcomeOf(input);
  await setBookingStatus(context, input.bookingId, status, { from: ['HELD'], reason });
  if (context.sabotage?.has('release-without-promote')) return { status, passed: await freeSeat(context, input.seatId, input.bookingId) };
  return { status, ...(await releaseHold(context, input.seatId, input.bookingId)) };
};

/**
 * The seat part of ReleaseSeat (the reconciler's too): the booking gives up its seat, and
 * the first booking in line that can still buy it becomes the holder and HELD, or the
 * seat becomes free. Leaves the booking's own status alone. Answers whether this call
 * passed the seat, and to whom when it did. Idempotent: a booking that no longer holds
 * the seat passes nothing, and the seat's current holder is settled again (which
 * finishes a promotion an earlier attempt died in the middle of).
 */
export async function releaseHold(context: FunctionContext, seatId: string, bookingId: string): Promise<{ passed: boolean; promoted?: string }> {
  const { passed, to, seat } = await passSeat(context, seatId, bookingId);
  const promoted = await settleHolder(context, seatId, passed ? to : seat.holder);
  return { passed, ...(passed && promoted !== undefined ? { promoted } : {}) };
}
