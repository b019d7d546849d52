import { isFinal } from './booking-facts.js';
import { checker, counted, type Violation } from './result.js';

/**
 * Invariant 6: every booking the API acknowledged (a 2xx with a bookingId in the request
 * log) is in the bookings table and final. Missing is a violation whenever it is seen: the
 * API stores before it answers. Not yet final is one only if the system had settled;
 * before that it is merely undecided.
 */
export const nothingLost = checker(
  { id: 6, key: 'nothing-lost', title: 'every booking the API acknowledged exists and ends in a terminal state', checkedWhat: 'acknowledged bookings' },
  (index) => {
    const { requests, settled } = index.evidence;
    if (requests === undefined) return { checked: 0, violations: [], unknown: 'the run has no request log' };
    const acknowledged = new Map<string, { seatId: string; status: number }>();
    for (const request of requests) {
      if (request.bookingId !== undefined && request.status >= 200 && request.status < 300 && !acknowledged.has(request.bookingId)) {
        acknowledged.set(request.bookingId, { seatId: request.seatId, status: request.status });
      }
    }
    const violations: Violation[] = [];
    let undecided = 0;
    for (const [bookingId, answer] of acknowledged) {
      const booking = index.bookings.get(bookingId);
      if (booking === undefined) {
        violations.push({ seatId: answer.seatId, bookingIds: [bookingId], message: `booking ${bookingId} was acknowledged (${answer.status}) but is not in the bookings table` });
      } else if (!isFinal(booking)) {
        if (settled === true) {
          violations.push({ seatId: booking.seatId, bookingIds: [bookingId], message: `booking ${bookingId} was acknowledged but is still ${booking.status} after the system settled` });
        } else undecided++;
      }
    }
    return {
      checked: acknowledged.size,
      violations,
      ...(undecided > 0 && { unknown: `${counted(undecided, 'acknowledged booking')} not final yet, and the storm did not see the system settle` }),
    };
  },
);
