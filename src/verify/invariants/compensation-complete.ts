import { compensatedFailErrors } from '../../deploy/saga.js';
import type { Booking } from '../../model/booking.js';
import type { ExecutionRecord } from '../model.js';
import { moneyOf } from '../timeline.js';
import { checker, counted, type Violation } from './result.js';

/**
 * Invariant 8: a failed saga that charged refunded, and one that held released. A run's
 * saga failed when its booking is PAYMENT_FAILED, or its latest execution failed, timed
 * out or was aborted and the booking is not CONFIRMED. Its net money must be zero (but
 * for ESCALATED, whose refund gave up) and it must no longer hold its seat.
 *
 * And every execution of a run's booking that FAILED went through the compensation: the
 * saga's own Fail states (PaymentDeclined, BookingFailed) are the only ends of a failed
 * execution that come after the refund and the release. One that failed with any other
 * error left its money and seat behind when it failed, even if the reconciler's restart
 * settled the booking later (the sabotage skip-compensation-on-timeout).
 */
export const compensationComplete = checker(
  { id: 8, key: 'compensation-complete', title: 'a failed saga that charged refunded; one that held released', checkedWhat: 'failed sagas' },
  (index) => {
    const hasLedger = index.evidence.ledger !== undefined;
    const violations: Violation[] = [];
    let checked = 0;
    let undescribed = 0;
    for (const booking of index.runBookings) {
      const { bookingId, seatId } = booking;
      const executions = index.executions.get(bookingId);
      const failedRuns = executions?.filter((execution) => execution.status === 'FAILED') ?? [];
      const failed = sagaFailed(booking, executions);
      if (!failed && failedRuns.length === 0) continue;
      checked++;
      for (const { name, error } of failedRuns) {
        if (error === undefined) undescribed++;
        else if (!compensatedEnds.has(error)) {
          violations.push({
            seatId,
            bookingIds: [bookingId],
            message: `booking ${bookingId}'s saga ${name} failed with ${error}, without compensating: a failed saga ends in ${compensatedFailErrors.join(' or ')}, after its refund and release`,
          });
        }
      }
      if (!failed) continue;
      const { captured, refunded, net } = moneyOf(index, bookingId);
      if (hasLedger && booking.status !== 'ESCALATED' && net !== 0) {
        const kept = refunded === 0 ? `was charged ${captured} and never refunded` : `kept ${net} (captured ${captured}, refunded ${refunded})`;
        violations.push({ seatId, bookingIds: [bookingId], message: `booking ${bookingId}'s saga failed but it ${kept}` });
      }
      if (index.seats.get(seatId)?.holder === bookingId) {
        violations.push({ seatId, bookingIds: [bookingId], message: `booking ${bookingId}'s saga failed but it still holds seat ${seatId}` });
      }
    }
    const unknown = [
      ...(hasLedger ? [] : ['the run has no gateway ledger, so refunds were not checked']),
      ...(undescribed === 0 ? [] : [`the endpoint did not say why ${counted(undescribed, 'failed execution')} failed (DescribeExecution's error), so whether it compensated was not checked`]),
    ];
    return { checked, violations, ...(unknown.length > 0 && { unknown: unknown.join('; ') }) };
  },
);

const compensatedEnds: ReadonlySet<string> = new Set(compensatedFailErrors);

const failedEnds: ReadonlySet<ExecutionRecord['status']> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

function sagaFailed(booking: Booking, executions: readonly ExecutionRecord[] | undefined): boolean {
  if (booking.status === 'PAYMENT_FAILED') return true;
  // A restarted saga decides by its last run: an earlier one that failed was taken over.
  const latest = executions?.at(-1);
  return booking.status !== 'CONFIRMED' && latest !== undefined && failedEnds.has(latest.status);
}
