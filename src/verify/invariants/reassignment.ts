import type { Booking } from '../../model/booking.js';
import { isFinal } from './booking-facts.js';
import { checker, listed, type Violation } from './result.js';

/**
 * Invariant 4: no seat of the run's event is left unsold while an eligible booking waited
 * behind a failed one.
 * A seat with a CONFIRMED booking is sold and holds it. On any other seat, a holder whose
 * booking is final (so not CONFIRMED) while others still wait or were turned away, a seat
 * with no holder while bookings still wait in its line (a release passes the seat to the
 * first of them in the same write that frees it, so no state has both), or failing that
 * any REJECTED booking, is a violation. Only decidable once the system has settled: a
 * seat may still be passing on.
 */
export const reassignment = checker(
  { id: 4, key: 'reassignment', title: 'no seat is left unsold while an eligible booking waited behind a failed one', checkedWhat: 'seats' },
  (index) => {
    const violations: Violation[] = [];
    for (const [seatId, bookings] of index.runSeats) {
      if (bookings.some((booking) => booking.status === 'CONFIRMED')) continue;
      const seat = index.seats.get(seatId);
      const holderId = seat?.holder;
      const holder = holderId === undefined ? undefined : index.bookings.get(holderId);
      const eligible = (booking: Booking) => booking !== holder && (booking.status === 'REJECTED' || !isFinal(booking));
      const waited = bookings.filter(eligible).map((booking) => booking.bookingId);
      if (holder !== undefined && isFinal(holder) && waited.length > 0) {
        violations.push({
          seatId,
          bookingIds: [holder.bookingId, ...waited],
          message: `seat ${seatId} is still held by ${holder.bookingId}, ${failure(holder)}, while ${listed(waited)} waited`,
        });
        continue;
      }
      const stranded = holderId === undefined ? (seat?.line ?? []).filter((bookingId) => isWaiting(index.bookings.get(bookingId))) : [];
      if (stranded.length > 0) {
        violations.push({
          seatId,
          bookingIds: stranded,
          message: `seat ${seatId} is free and unsold while ${listed(stranded)} still ${stranded.length === 1 ? 'waits' : 'wait'} in its line: it was freed without passing it on`,
        });
        continue;
      }
      const turnedAway = bookings.filter((booking) => booking.status === 'REJECTED').map((booking) => booking.bookingId);
      if (turnedAway.length > 0) {
        violations.push({
          seatId,
          bookingIds: turnedAway,
          message: `seat ${seatId} is unsold although ${listed(turnedAway)} ${turnedAway.length === 1 ? 'was' : 'were'} REJECTED`,
        });
      }
    }
    const settled = index.evidence.settled === true;
    return { checked: index.runSeats.size, violations, ...(!settled && { unknown: 'the storm did not see the system settle, so a seat may still be passing on' }) };
  },
);

/** A booking in a seat's line that is not final: it still waits for the seat. */
function isWaiting(booking: Booking | undefined): boolean {
  return booking !== undefined && !isFinal(booking);
}

function failure(holder: Booking): string {
  switch (holder.status) {
    case 'PAYMENT_FAILED':
      return 'whose payment failed';
    case 'ESCALATED':
      return 'whose booking was escalated';
    default:
      return `whose booking is ${holder.status}`;
  }
}
