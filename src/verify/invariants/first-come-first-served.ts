import type { Booking } from '../../model/booking.js';
import type { LedgerEntry } from '../../gateway/ledger.js';
import type { SeatRecord } from '../model.js';
import type { EvidenceIndex } from '../timeline.js';
import { paymentFailedStatuses, sequenceOf } from './booking-facts.js';
import { checker, counted, listed, type Violation } from './result.js';

/**
 * Invariant 2: the confirmed booking is the earliest in line whose payment did not fail.
 * For a seat of the run's event with one CONFIRMED booking, every booking of the seat with a smaller FIFO
 * sequence must have failed its payment (PAYMENT_FAILED or ESCALATED); any other was
 * skipped. A topology without FIFO order (standard-fanout) records no sequence: there,
 * "first" is the order in which the booking API stored the requests. Seats with several
 * confirmed bookings are invariant 1's.
 */
export const firstComeFirstServed = checker(
  { id: 2, key: 'first-come-first-served', title: 'the confirmed booking is the earliest in line whose payment did not fail', checkedWhat: 'seats with a confirmed booking' },
  (index) => {
    const violations: Violation[] = [];
    const placeOf = (index.evidence.topology ?? 'fifo-fanout') === 'fifo-fanout' ? sequenceOf : (booking: Booking) => BigInt(booking.createdAt);
    const unordered: string[] = [];
    let checked = 0;
    let soldTwice = 0;
    for (const [seatId, bookings] of index.runSeats) {
      const confirmed = bookings.filter((booking) => booking.status === 'CONFIRMED');
      if (confirmed.length > 1) soldTwice++;
      if (confirmed.length !== 1) continue;
      checked++;
      const outcome = checkSeat(confirmed[0]!, bookings, index.seats.get(seatId), placeOf);
      if (outcome === 'unordered') unordered.push(seatId);
      else if (outcome.length > 0) violations.push(skipViolation(seatId, confirmed[0]!, outcome, index));
    }
    const notes = soldTwice > 0 ? [`${counted(soldTwice, 'seat')} with several confirmed bookings left to no-double-booking`] : [];
    return {
      checked,
      violations,
      notes,
      ...(unordered.length > 0 && {
        unknown: `${counted(unordered.length, 'seat')} could not be ordered, a booking lacking its FIFO sequence (${listed(unordered.slice(0, 5))}${unordered.length > 5 ? ', …' : ''})`,
      }),
    };
  },
);

/** The bookings the winner skipped, by sequence; 'unordered' when a booking that may have come first has no sequence. */
function checkSeat(winner: Booking, bookings: readonly Booking[], seat: SeatRecord | undefined, placeOf: (booking: Booking) => bigint | undefined): Booking[] | 'unordered' {
  const winnerSequence = placeOf(winner);
  if (winnerSequence === undefined) return 'unordered';
  const skipped: Array<{ booking: Booking; sequence: bigint }> = [];
  let unordered = false;
  let behindWinner: ReadonlySet<string> | undefined;
  for (const booking of bookings) {
    if (booking === winner) continue;
    const sequence = placeOf(booking);
    if (sequence === undefined) {
      // Not yet decided, so no sequence: placed behind the holder, it cannot have come first. A set, as a line may be long.
      behindWinner ??= new Set(seat?.holder === winner.bookingId ? seat.line : []);
      if (!behindWinner.has(booking.bookingId)) unordered = true;
    } else if (sequence < winnerSequence && !paymentFailedStatuses.has(booking.status)) {
      skipped.push({ booking, sequence });
    }
  }
  if (skipped.length === 0 && unordered) return 'unordered';
  return skipped.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0)).map(({ booking }) => booking);
}

function skipViolation(seatId: string, winner: Booking, skipped: readonly Booking[], index: EvidenceIndex): Violation {
  const how = skipped.map((booking) => `${booking.bookingId} (${fate(booking, index)})`);
  const earlier = skipped.length === 1 ? `${how[0]}, earlier in line, was skipped` : `${listed(how)}, earlier in line, were skipped`;
  return {
    seatId,
    bookingIds: [winner.bookingId, ...skipped.map((booking) => booking.bookingId)],
    message: `seat ${seatId}: booking ${winner.bookingId} was confirmed although ${earlier}`,
  };
}

const attempted = (entry: LedgerEntry) => entry.type === 'charge' || entry.type === 'decline';

/** "REJECTED, never charged or declined": a skipped booking's status, and whether its payment was ever tried. */
function fate(booking: Booking, index: EvidenceIndex): string {
  const tried = index.evidence.ledger === undefined || (index.ledger.get(booking.bookingId) ?? []).some(attempted);
  return tried ? booking.status : `${booking.status}, never charged or declined`;
}
