import { describe, expect, it } from 'vitest';
import { exactlyOnceEffects } from '../../../src/verify/invariants/exactly-once-effects.js';
import { evidenceOf, executionOf, ledgerEntry, seatWith, t0, timeline } from '../evidence-fixture.js';

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
