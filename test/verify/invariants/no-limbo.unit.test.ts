import { describe, expect, it } from 'vitest';
import { noLimbo } from '../../../src/verify/invariants/no-limbo.js';
import { evidenceOf, queue, seatWith, timeline } from '../evidence-fixture.js';

describe('invariant 7: no limbo', () => {
  it('when every execution has ended and every queue is drained, it is valid and counts both', () => {
    const result = noLimbo(evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'CONFIRMED', 'REJECTED'])));
    expect(result).toMatchObject({ id: 7, verdict: 'valid', checked: 2 + 3, checkedWhat: 'executions and queues', violations: 0 });
    expect(result.note).toBeUndefined();
  });

  it('when an execution was left RUNNING, it is invalid and shows the saga that never ended', () => {
    const result = noLimbo(evidenceOf(seatWith('S1', ['HELD', 'PENDING'])));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B1'], message: 'the saga of booking S1-B1 is still RUNNING, started 2026-01-01T12:00:00.100Z' });
    expect(timeline(counterexample)).toEqual(expect.arrayContaining(['S1-B1: saga started', 'S1-B1: saga RUNNING now', 'S1-B1: holds seat S1 now, unsold']));
  });

  it('when queues still hold messages, it is invalid for each, and calls a dead-letter queue’s work given up on', () => {
    const queues = [queue('payment.fifo', 2, 1), queue('payment-dlq.fifo', 1, 0, true), queue('inventory.fifo', 0, 0)];
    const result = noLimbo(evidenceOf(seatWith('S1', ['CONFIRMED']), { queues }));
    expect(result.counterexamples).toEqual([
      { bookingIds: [], message: 'dead-letter queue payment-dlq.fifo holds 1 message (0 in flight): work given up on', events: [] },
      { bookingIds: [], message: 'queue payment.fifo still holds 3 messages (1 in flight)', events: [] },
    ]);
  });

  it('when bookings are ESCALATED, they are no violation but the note lists them with the money at stake', () => {
    const result = noLimbo(evidenceOf(seatWith('S1', ['ESCALATED', 'CONFIRMED']), seatWith('S2', [{ status: 'ESCALATED', ledger: ['captured', 'captured', 'refunded', 'refund failed'] }])));
    expect(result).toMatchObject({ verdict: 'valid', note: '2 escalated bookings await manual review, 8400 at stake: S1-B1 (4200), S2-B1 (4200)' });
  });

  it('when there is no ledger, the money at stake of an ESCALATED booking is its price', () => {
    const result = noLimbo({ ...evidenceOf(seatWith('S1', [{ status: 'ESCALATED', ledger: [] }])), ledger: undefined });
    expect(result.note).toBe('1 escalated booking awaits manual review, 4200 at stake: S1-B1 (4200)');
  });
});
