import type { Booking } from '../../model/booking.js';
import type { ExecutionRecord } from '../model.js';
import { moneyOf } from '../timeline.js';
import { checker, type Violation } from './result.js';

/**
 * Invariant 8: a failed saga that charged refunded, and one that held released. A run's
 * saga failed when its booking is PAYMENT_FAILED, or its latest execution failed, timed
 * out or was aborted and the booking is not CONFIRMED. Its net money must be zero (but
 * for ESCALATED, whose refund gave up) and it must no longer hold its seat.
 */
export const compensationComplete = checker(
  { id: 8, key: 'compensation-complete', title: 'a failed saga that charged refunded; one that held released', checkedWhat: 'failed sagas' },
  (index) => {
    const hasLedger = index.evidence.ledger !== undefined;
    const violations: Violation[] = [];
    let checked = 0;
    for (const booking of index.runBookings) {
      if (!sagaFailed(booking, index.executions.get(booking.bookingId))) continue;
      checked++;
      const { bookingId, seatId } = booking;
      const { captured, refunded, net } = moneyOf(index, bookingId);
      if (hasLedger && booking.status !== 'ESCALATED' && net !== 0) {
        const kept = refunded === 0 ? `was charged ${captured} and never refunded` : `kept ${net} (captured ${captured}, refunded ${refunded})`;
        violations.push({ seatId, bookingIds: [bookingId], message: `booking ${bookingId}'s saga failed but it ${kept}` });
      }
      if (index.seats.get(seatId)?.holder === bookingId) {
        violations.push({ seatId, bookingIds: [bookingId], message: `booking ${bookingId}'s saga failed but it still holds seat ${seatId}` });
      }
    }
    return { checked, violations, ...(!hasLedger && { unknown: 'the run has no gateway ledger, so refunds were not checked' }) };
  },
);

const failedEnds: ReadonlySet<ExecutionRecord['status']> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

function sagaFailed(booking: Booking, executions: readonly ExecutionRecord[] | undefined): boolean {
  if (booking.status === 'PAYMENT_FAILED') return true;
  // A restarted saga decides by its last run: an earlier one that failed was taken over.
  const latest = executions?.at(-1);
  return booking.status !== 'CONFIRMED' && latest !== undefined && failedEnds.has(latest.status);
}
