import { describe, expect, it } from 'vitest';
import { exactlyOnceEffects } from '../../../src/verify/invariants/exactly-once-effects.js';
import { acknowledged, evidenceOf, executionOf, ledgerEntry, seatWith, t0, timeline, type EvidencePart } from '../evidence-fixture.js';

describe('invariant 5: exactly-once effects', () => {
  it('when each booking was charged, refunded, ticketed and started at most once, it is valid', () => {
    const evidence = evidenceOf(seatWith('S1', [{ status: 'PAYMENT_FAILED', ledger: ['captured', 'refunded'] }, 'CONFIRMED', 'REJECTED']));
    expect(exactlyOnceEffects(evidence)).toMatchObject({ id: 5, verdict: 'valid', checked: 2, checkedWhat: 'bookings with effects', violations: 0 });
  });

  it('when a retried charge whose response was lost was captured again, it is invalid and shows both captures', () => {
    const result = exactlyOnceEffects(evidenceOf(seatWith('S1', ['CONFIRMED']), { ledger: [ledgerEntry('S1-B1', 'captured', t0 + 150, true)] }));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B1'], message: 'booking S1-B1 was charged 2 times (4200, 4200)' });
    expect(timeline(counterexample).filter((line) => line.includes('charge'))).toEqual(['S1-B1: charge captured 4200 (response lost)', 'S1-B1: charge captured 4200']);
  });

  it('when a booking was refunded twice, it is invalid', () => {
    const result = exactlyOnceEffects(evidenceOf(seatWith('S1', [{ status: 'PAYMENT_FAILED', ledger: ['captured', 'refunded', 'refunded'] }])));
    expect(result.counterexamples.map((c) => c.message)).toEqual(['booking S1-B1 was refunded 2 times (4200, 4200)']);
  });

  it('when a refund of nothing captured was applied twice (each attempt under a key of its own), it is invalid; one, after failed attempts, is valid', () => {
    const twice = exactlyOnceEffects(evidenceOf(seatWith('S1', [{ status: 'PAYMENT_FAILED', ledger: ['charge failed', 'refund failed', 'nothing to refund', 'nothing to refund'] }])));
    expect(twice).toMatchObject({ verdict: 'invalid', violations: 1 });
    expect(twice.counterexamples.map((c) => c.message)).toEqual(['booking S1-B1 was refunded 2 times (nothing to refund, nothing to refund)']);
    const once = evidenceOf(seatWith('S1', [{ status: 'PAYMENT_FAILED', ledger: ['charge failed', 'refund failed', 'refund failed', 'nothing to refund'] }]));
    expect(exactlyOnceEffects(once).verdict).toBe('valid');
  });

  it('when a client retry was answered with the booking of its first attempt, it is one booking, valid', () => {
    const seat = seatWith('S1', ['CONFIRMED', 'REJECTED']);
    const retry = { ...acknowledged('S1-B1', 'S1', t0 + 40), duplicateOf: 0 };
    expect(exactlyOnceEffects(evidenceOf(seat, { requests: [retry] })).verdict).toBe('valid');
  });

  it('when a client retry became a second booking of the same request, it is invalid and shows each attempt under its booking', () => {
    const seat = retriedAs(seatWith('S1', ['CONFIRMED', 'REJECTED']), 'S1-B1', 'S1-B2');
    const result = exactlyOnceEffects(evidenceOf(seat));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({
      seatId: 'S1',
      bookingIds: ['S1-B1', 'S1-B2'],
      message: 'request run-1-S1-B1 became 2 bookings (S1-B1 and S1-B2): a retry must get the booking of its first attempt',
    });
    expect(timeline(counterexample).filter((line) => line.includes('request'))).toEqual(['S1-B1: request sent (202)', 'S1-B2: request sent (202)']);
  });

  it('when the API answered one request with two bookings, it is invalid even if the table has only one of them', () => {
    const seat = seatWith('S1', ['CONFIRMED']);
    const stray = { ...acknowledged('S1-B1', 'S1', t0 + 40), bookingId: 'S1-B9' };
    expect(exactlyOnceEffects(evidenceOf(seat, { requests: [stray] })).counterexamples.map((c) => c.message)).toEqual([
      'request run-1-S1-B1 became 2 bookings (S1-B1 and S1-B9): a retry must get the booking of its first attempt',
    ]);
  });

  it('when a booking has two tickets, or a ticket although it is not confirmed, it is invalid for each', () => {
    const second = { bookingId: 'S1-B1', ticketId: 'T-again', seatId: 'S1', issuedAt: t0 + 700 };
    const result = exactlyOnceEffects(evidenceOf(seatWith('S1', ['CONFIRMED', { status: 'REJECTED', ticket: true }]), { tickets: [second] }));
    expect(result.violations).toBe(2);
    expect(result.counterexamples.map((c) => c.message)).toEqual(['booking S1-B1 has 2 tickets (T-S1-B1, T-again)', 'booking S1-B2 has ticket T-S1-B2 although it is REJECTED']);
    expect(timeline(result.counterexamples[0])).toEqual(expect.arrayContaining(['S1-B1: ticket T-S1-B1 issued', 'S1-B1: ticket T-again issued']));
  });

  it('when a booking’s saga ran twice to success (or still runs), it is invalid', () => {
    const result = exactlyOnceEffects(evidenceOf(seatWith('S1', ['CONFIRMED']), { executions: [executionOf('S1-B1', 'RUNNING', t0 + 50)] }));
    expect(result.counterexamples.map((c) => c.message)).toEqual(['booking S1-B1 has 2 saga executions that succeeded or still run (S1-B1 and S1-B1)']);
    expect(timeline(result.counterexamples[0])).toEqual(expect.arrayContaining(['S1-B1: saga RUNNING now', 'S1-B1: saga ended SUCCEEDED']));
  });

  it('when the reconciler restarted a saga that had failed (a new name, <bookingId>-r1), it is one saga, valid', () => {
    const restarted = { ...executionOf('S1-B1', 'SUCCEEDED', t0 + 2000), name: 'S1-B1-r1' };
    const evidence = evidenceOf(seatWith('S1', [{ status: 'CONFIRMED', execution: 'ABORTED' }]), { executions: [restarted] });
    expect(exactlyOnceEffects(evidence).verdict).toBe('valid');
    const twice = evidenceOf(seatWith('S1', ['CONFIRMED']), { executions: [restarted] });
    expect(exactlyOnceEffects(twice).counterexamples.map((c) => c.message)).toEqual(['booking S1-B1 has 2 saga executions that succeeded or still run (S1-B1 and S1-B1-r1)']);
  });

  it('when the run has no ledger, it is unknown, unless a ticket proves a violation', () => {
    const clean = { ...evidenceOf(seatWith('S1', ['CONFIRMED'])), ledger: undefined };
    expect(exactlyOnceEffects(clean)).toMatchObject({ verdict: 'unknown', note: 'the run has no gateway ledger, so captures and refunds were not checked' });
    const strayTicket = { ...evidenceOf(seatWith('S1', [{ status: 'PAYMENT_FAILED', ticket: true }])), ledger: undefined };
    expect(exactlyOnceEffects(strayTicket).verdict).toBe('invalid');
  });
});

/** The seat's booking `second` as a client retry of `first`'s request would make it under a fresh id: the same requestId, stored and answered. */
function retriedAs(part: EvidencePart, first: string, second: string): EvidencePart {
  const requestId = part.bookings!.find((booking) => booking.bookingId === first)!.requestId;
  return {
    ...part,
    bookings: part.bookings!.map((booking) => (booking.bookingId === second ? { ...booking, requestId } : booking)),
    requests: part.requests!.map((request) => (request.bookingId === second ? { ...request, requestId, duplicateOf: 0 } : request)),
  };
}
