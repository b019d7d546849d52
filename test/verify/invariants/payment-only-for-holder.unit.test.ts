import { describe, expect, it } from 'vitest';
import { paymentOnlyForHolder } from '../../../src/verify/invariants/payment-only-for-holder.js';
import { evidenceOf, ledgerEntry, seatWith, t0, timeline } from '../evidence-fixture.js';

describe('invariant 3: payment only for the holder', () => {
  it('when confirmed bookings paid the price and every other paid nothing in the end, it is valid', () => {
    const evidence = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', { status: 'PAYMENT_FAILED', ledger: ['captured', 'refunded'] }, 'CONFIRMED', 'REJECTED']));
    expect(paymentOnlyForHolder(evidence)).toMatchObject({ id: 3, verdict: 'valid', checked: 4, checkedWhat: 'bookings', violations: 0 });
  });

  it('when a REJECTED booking was charged, it is invalid and shows the charge', () => {
    const result = paymentOnlyForHolder(evidenceOf(seatWith('S1', ['CONFIRMED', { status: 'REJECTED', ledger: ['captured'] }])));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B2'], message: 'seat S1: booking S1-B2 is REJECTED yet paid 4200 net (captured 4200, refunded 0)' });
    expect(timeline(counterexample)).toEqual(expect.arrayContaining(['S1-B2: charge captured 4200', 'S1-B2: decided REJECTED']));
  });

  it('when a confirmed booking was charged twice, it is invalid', () => {
    const result = paymentOnlyForHolder(evidenceOf(seatWith('S1', [{ status: 'CONFIRMED', ledger: ['captured', 'captured'] }])));
    expect(result.counterexamples[0]?.message).toBe('seat S1: booking S1-B1 was confirmed at 4200 but paid 8400 net (captured 8400, refunded 0)');
  });

  it('when the ledger holds money for a booking the table does not have, it is invalid', () => {
    const result = paymentOnlyForHolder(evidenceOf(seatWith('S1', ['CONFIRMED']), { ledger: [ledgerEntry('ghost', 'captured', t0)] }));
    expect(result.counterexamples).toEqual([
      { bookingIds: ['ghost'], message: 'booking ghost has 1 gateway entry (4200 net) but no row in the bookings table', events: [{ at: t0, bookingId: 'ghost', what: 'charge captured 4200' }, { bookingId: 'ghost', what: 'not in the bookings table' }] },
    ]);
  });

  it('when a booking is ESCALATED, it does not judge its money but notes it as at stake', () => {
    const result = paymentOnlyForHolder(evidenceOf(seatWith('S1', ['ESCALATED', 'CONFIRMED'])));
    expect(result).toMatchObject({ verdict: 'valid', note: 'not checked: 1 escalated booking awaits manual review, 4200 at stake: S1-B1 (4200)' });
  });

  it('when another run’s booking had money moved, it leaves it to that run', () => {
    const result = paymentOnlyForHolder(evidenceOf(seatWith('S1', ['CONFIRMED', { status: 'REJECTED', ledger: ['captured'], otherRun: true }])));
    expect(result).toMatchObject({ verdict: 'valid', checked: 1 });
  });

  it('when the run has no ledger, it is unknown', () => {
    const result = paymentOnlyForHolder({ ...evidenceOf(seatWith('S1', ['CONFIRMED'])), ledger: undefined });
    expect(result).toMatchObject({ verdict: 'unknown', note: 'the run has no gateway ledger' });
  });
});
