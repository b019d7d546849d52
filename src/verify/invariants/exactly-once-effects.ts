import type { LedgerOutcome } from '../../gateway/ledger.js';
import type { ExecutionRecord } from '../model.js';
import type { EvidenceIndex } from '../timeline.js';
import { checker, counted, listed, type Violation } from './result.js';

/**
 * Invariant 5: one booking per request, however often the client retried; at most one
 * capture and one refund per booking in the ledger, whatever retried; at most one ticket
 * per booking, and only for a CONFIRMED one; at most one saga execution per booking that
 * did not fail (the reconciler restarts failed ones). Without a ledger the requests,
 * tickets and executions can still prove a violation, but not its absence.
 */
export const exactlyOnceEffects = checker(
  {
    id: 5,
    key: 'exactly-once-effects',
    title: 'one booking per request; at most one capture and one refund per booking; at most one ticket per booking, and only for a confirmed one',
    checkedWhat: 'bookings with effects',
  },
  (index) => {
    const violations = [...requestViolations(index), ...ledgerViolations(index), ...ticketViolations(index), ...executionViolations(index)];
    const withEffects = new Set([...index.ledger.keys(), ...index.tickets.keys(), ...index.executions.keys()]);
    return {
      checked: withEffects.size,
      violations,
      ...(index.evidence.ledger === undefined && { unknown: 'the run has no gateway ledger, so captures and refunds were not checked' }),
    };
  },
);

/**
 * A client retry (same requestId) is the same booking: the API derives the bookingId from
 * the requestId. So the run's bookings in the table and the bookings the API answered
 * (2xx) for one requestId are one; two are a request booked twice.
 */
function requestViolations(index: EvidenceIndex): Violation[] {
  const bookingsOf = new Map<string, { seatId: string; bookingIds: Set<string> }>();
  const add = ({ requestId, seatId }: { requestId: string; seatId: string }, bookingId: string) => {
    const request = bookingsOf.get(requestId);
    if (request) request.bookingIds.add(bookingId);
    else bookingsOf.set(requestId, { seatId, bookingIds: new Set([bookingId]) });
  };
  for (const request of index.evidence.requests ?? []) {
    if (request.bookingId !== undefined && request.status >= 200 && request.status < 300) add(request, request.bookingId);
  }
  for (const booking of index.runBookings) add(booking, booking.bookingId);
  const violations: Violation[] = [];
  for (const [requestId, { seatId, bookingIds }] of bookingsOf) {
    if (bookingIds.size < 2) continue;
    const named = [...bookingIds];
    violations.push({
      seatId,
      bookingIds: named,
      message: `request ${requestId} became ${counted(named.length, 'booking')} (${listed(named)}): a retry must get the booking of its first attempt`,
    });
  }
  return violations;
}

/**
 * What the ledger may hold at most once per booking. A refund is one operation whatever
 * it found: `nothing_to_refund` (nothing was captured) is recorded as an applied refund,
 * and a retry under the refund's one key replays it, so two mean the refund ran twice.
 */
const onceOnly: ReadonlyArray<[ReadonlySet<LedgerOutcome>, string]> = [
  [new Set(['captured']), 'charged'],
  [new Set(['refunded', 'nothing_to_refund']), 'refunded'],
];

function ledgerViolations(index: EvidenceIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [bookingId, entries] of index.ledger) {
    for (const [outcomes, done] of onceOnly) {
      const applied = entries.filter((entry) => outcomes.has(entry.outcome));
      if (applied.length < 2) continue;
      const seatId = index.bookings.get(bookingId)?.seatId;
      const amounts = applied.map((entry) => (entry.outcome === 'nothing_to_refund' ? 'nothing to refund' : entry.amount)).join(', ');
      violations.push({
        ...(seatId !== undefined && { seatId }),
        bookingIds: [bookingId],
        message: `booking ${bookingId} was ${done} ${applied.length} times (${amounts})`,
      });
    }
  }
  return violations;
}

function ticketViolations(index: EvidenceIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [bookingId, tickets] of index.tickets) {
    const booking = index.bookings.get(bookingId);
    const seatId = booking?.seatId ?? tickets[0]!.seatId;
    const ticketIds = tickets.map((ticket) => ticket.ticketId).join(', ');
    if (tickets.length > 1) {
      violations.push({ seatId, bookingIds: [bookingId], message: `booking ${bookingId} has ${tickets.length} tickets (${ticketIds})` });
    }
    if (booking === undefined) {
      violations.push({ seatId, bookingIds: [bookingId], message: `ticket ${ticketIds} is for booking ${bookingId}, which is not in the bookings table` });
    } else if (booking.status !== 'CONFIRMED') {
      violations.push({ seatId, bookingIds: [bookingId], message: `booking ${bookingId} has ticket ${ticketIds} although it is ${booking.status}` });
    }
  }
  return violations;
}

/** A restart by the reconciler follows an execution that ended this way; two executions that did not are two sagas for one booking. */
const endedInFailure: ReadonlySet<ExecutionRecord['status']> = new Set(['FAILED', 'ABORTED', 'TIMED_OUT']);

function executionViolations(index: EvidenceIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [bookingId, executions] of index.executions) {
    const live = executions.filter((execution) => !endedInFailure.has(execution.status));
    if (live.length < 2) continue;
    const seatId = index.bookings.get(bookingId)?.seatId;
    violations.push({
      ...(seatId !== undefined && { seatId }),
      bookingIds: [bookingId],
      message: `booking ${bookingId} has ${counted(live.length, 'saga execution')} that succeeded or still run (${listed(live.map((execution) => execution.name))})`,
    });
  }
  return violations;
}
