import { moneyOf } from '../timeline.js';
import { escalatedSummary } from './booking-facts.js';
import { checker, type Violation } from './result.js';

/**
 * Invariant 3: over the run's bookings, the ledger's net money (captures − refunds) is the
 * price for a CONFIRMED booking and zero for any other but ESCALATED, which is listed
 * with its money at stake instead. Money for a booking the table does not have is a
 * violation too.
 */
export const paymentOnlyForHolder = checker(
  { id: 3, key: 'payment-only-for-holder', title: 'net money is the price for CONFIRMED bookings and zero for every other booking not ESCALATED', checkedWhat: 'bookings' },
  (index) => {
    if (index.evidence.ledger === undefined) return { checked: 0, violations: [], unknown: 'the run has no gateway ledger' };
    const violations: Violation[] = [];
    for (const booking of index.runBookings) {
      if (booking.status === 'ESCALATED') continue;
      const { bookingId, seatId, status, amount } = booking;
      const { captured, refunded, net } = moneyOf(index, bookingId);
      const owed = status === 'CONFIRMED' ? amount : 0;
      if (net === owed) continue;
      const paid = `${net} net (captured ${captured}, refunded ${refunded})`;
      const message =
        status === 'CONFIRMED'
          ? `seat ${seatId}: booking ${bookingId} was confirmed at ${amount} but paid ${paid}`
          : `seat ${seatId}: booking ${bookingId} is ${status} yet paid ${paid}`;
      violations.push({ seatId, bookingIds: [bookingId], message });
    }
    for (const [bookingId, entries] of index.ledger) {
      if (index.bookings.has(bookingId)) continue;
      const { net } = moneyOf(index, bookingId);
      violations.push({
        bookingIds: [bookingId],
        message: `booking ${bookingId} has ${entries.length} gateway ${entries.length === 1 ? 'entry' : 'entries'} (${net} net) but no row in the bookings table`,
      });
    }
    const escalated = escalatedSummary(index);
    return { checked: index.runBookings.length, violations, ...(escalated !== undefined && { notes: [`not checked: ${escalated}`] }) };
  },
);
