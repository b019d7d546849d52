import { finalStatuses, type Booking, type BookingStatus } from '../../model/booking.js';
import { maxCounterexamples } from '../model.js';
import { moneyOf, type EvidenceIndex } from '../timeline.js';
import { naturalOrder } from './result.js';

/** What the checkers ask of a booking, the same way everywhere. */

/**
 * The booking's place in its seat's FIFO stream; undefined when it has none. A BigInt: the
 * sequence has up to 20 digits, and a Number would make neighbours equal.
 */
export function sequenceOf(booking: Booking): bigint | undefined {
  return booking.sequence !== undefined && /^\d+$/.test(booking.sequence) ? BigInt(booking.sequence) : undefined;
}

/** CONFIRMED, REJECTED, PAYMENT_FAILED or ESCALATED: a status no booking leaves. */
export function isFinal(booking: Booking): boolean {
  return finalStatuses.has(booking.status);
}

/** Times in order, unknown ones last. */
export function earlierFirst(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}

/** A holder whose payment failed: the seat rightly passed to the next in line. */
export const paymentFailedStatuses: ReadonlySet<BookingStatus> = new Set(['PAYMENT_FAILED', 'ESCALATED']);

/**
 * The run's ESCALATED bookings and the money at stake, as a sentence: "2 escalated bookings
 * await manual review, 8400 at stake: B1 (4200), B2 (4200)". The money is the ledger's net,
 * or the price when the run has no ledger. Undefined when there are none.
 */
export function escalatedSummary(index: EvidenceIndex): string | undefined {
  const escalated = index.runBookings.filter((booking) => booking.status === 'ESCALATED').sort((a, b) => naturalOrder(a.bookingId, b.bookingId));
  if (escalated.length === 0) return undefined;
  const atStake = escalated.map((booking) => ({
    bookingId: booking.bookingId,
    amount: index.evidence.ledger ? moneyOf(index, booking.bookingId).net : booking.amount,
  }));
  const total = atStake.reduce((sum, { amount }) => sum + amount, 0);
  const named = atStake.slice(0, maxCounterexamples).map(({ bookingId, amount }) => `${bookingId} (${amount})`);
  const more = atStake.length > named.length ? `, and ${atStake.length - named.length} more` : '';
  const noun = escalated.length === 1 ? 'escalated booking awaits' : 'escalated bookings await';
  return `${escalated.length} ${noun} manual review, ${total} at stake: ${named.join(', ')}${more}`;
}
