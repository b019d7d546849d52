import { escalatedSummary } from './booking-facts.js';
import { checker, counted, type Violation } from './result.js';

/**
 * Invariant 7: every saga execution has ended and every queue is drained. ESCALATED
 * bookings are not in limbo, they wait for a person: the note lists them with the money
 * at stake.
 */
export const noLimbo = checker(
  {
    id: 7,
    key: 'no-limbo',
    title: 'every execution has ended, every queue is drained; ESCALATED bookings are listed with the money at stake',
    checkedWhat: 'executions and queues',
  },
  (index) => {
    const { executions, queues } = index.evidence;
    const violations: Violation[] = [];
    for (const execution of executions) {
      if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') continue;
      const seatId = index.bookings.get(execution.name)?.seatId;
      violations.push({
        ...(seatId !== undefined && { seatId }),
        bookingIds: [execution.name],
        message: `the saga of booking ${execution.name} is still ${execution.status}, started ${new Date(execution.startDate).toISOString()}`,
      });
    }
    for (const queue of queues) {
      const held = queue.visible + queue.inFlight;
      if (held === 0) continue;
      const messages = `${counted(held, 'message')} (${queue.inFlight} in flight)`;
      violations.push({
        bookingIds: [],
        message: queue.deadLetter ? `dead-letter queue ${queue.name} holds ${messages}: work given up on` : `queue ${queue.name} still holds ${messages}`,
      });
    }
    const escalated = escalatedSummary(index);
    return { checked: executions.length + queues.length, violations, ...(escalated !== undefined && { notes: [escalated] }) };
  },
);
