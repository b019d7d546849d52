import type { Booking } from '../../model/booking.js';
import { earlierFirst } from './booking-facts.js';
import { checker, listed, naturalOrder, type Violation } from './result.js';

/**
 * Invariant 1: at most one CONFIRMED booking per seat of the run's event, over every
 * run's bookings of it (a seat sold by an earlier run of the event stays sold). The
 * booking that rightly has the seat is the one holding it, else the first confirmed;
 * the others are the culprits.
 */
export const noDoubleBooking = checker(
  { id: 1, key: 'no-double-booking', title: 'at most one CONFIRMED booking per seat', checkedWhat: 'seats' },
  (index) => {
    const violations: Violation[] = [];
    for (const [seatId, bookings] of index.runSeats) {
      const confirmed = bookings.filter((booking) => booking.status === 'CONFIRMED');
      if (confirmed.length < 2) continue;
      const holder = index.seats.get(seatId)?.holder;
      const [rightful, ...others] = confirmed.sort(holderThenFirstDecided(holder)).map((booking) => booking.bookingId);
      const one = others.length === 1;
      violations.push({
        seatId,
        bookingIds: [...others, rightful!],
        message:
          `seat ${seatId} was sold ${confirmed.length} times: ${one ? 'booking' : 'bookings'} ${listed(others)} ${one ? 'was' : 'were'} confirmed ` +
          `as well as ${rightful}, ${rightful === holder ? 'which holds it' : 'confirmed first'}`,
      });
    }
    return { checked: index.runSeats.size, violations };
  },
);

function holderThenFirstDecided(holder: string | undefined): (a: Booking, b: Booking) => number {
  const isHolder = (booking: Booking) => (booking.bookingId === holder ? 0 : 1);
  return (a, b) => isHolder(a) - isHolder(b) || earlierFirst(a.decidedAt, b.decidedAt) || naturalOrder(a.bookingId, b.bookingId);
}
