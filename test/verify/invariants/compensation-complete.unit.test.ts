import { describe, expect, it } from 'vitest';
import { compensationComplete } from '../../../src/verify/invariants/compensation-complete.js';
import { evidenceOf, seatWith, timeline } from '../evidence-fixture.js';

describe('invariant 8: compensation complete', () => {
  it('when every failed saga refunded what it charged and released its seat, it is valid and counts them', () => {
    const evidence = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', { status: 'PAYMENT_FAILED', ledger: ['captured', 'refunded'] }, 'ESCALATED', 'CONFIRMED']));
    expect(compensationComplete(evidence)).toMatchObject({ id: 8, verdict: 'valid', checked: 3, checkedWhat: 'failed sagas', violations: 0 });
  });

  it('when a failed saga charged but never refunded, it is invalid and shows the charge and the failure', () => {
    const result = compensationComplete(evidenceOf(seatWith('S1', [{ status: 'PAYMENT_FAILED', ledger: ['captured'] }, 'CONFIRMED'])));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B1'], message: "booking S1-B1's saga failed but it was charged 4200 and never refunded" });
    expect(timeline(counterexample)).toEqual(expect.arrayContaining(['S1-B1: charge captured 4200', 'S1-B1: saga ended FAILED', 'S1-B1: decided PAYMENT_FAILED']));
  });

  it('when a saga was aborted after charging and its booking was left HELD, it counts as failed and is invalid', () => {
    const result = compensationComplete(evidenceOf(seatWith('S1', [{ status: 'HELD', ledger: ['captured'], execution: 'ABORTED' }])));
    expect(result.counterexamples.map((c) => c.message)).toEqual(["booking S1-B1's saga failed but it still holds seat S1", "booking S1-B1's saga failed but it was charged 4200 and never refunded"]);
  });

  it('when a failed saga still holds its seat, it is invalid', () => {
    const result = compensationComplete(evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'PENDING'], { holder: 'S1-B1', line: ['S1-B2'] })));
    expect(result.counterexamples).toMatchObject([{ seatId: 'S1', bookingIds: ['S1-B1'], message: "booking S1-B1's saga failed but it still holds seat S1" }]);
  });

  it('when the run has no ledger, it is unknown, unless a seat is still held', () => {
    expect(compensationComplete({ ...evidenceOf(seatWith('S1', ['PAYMENT_FAILED'])), ledger: undefined })).toMatchObject({
      verdict: 'unknown',
      note: 'the run has no gateway ledger, so refunds were not checked',
    });
    expect(compensationComplete({ ...evidenceOf(seatWith('S1', ['PAYMENT_FAILED'], { holder: 'S1-B1' })), ledger: undefined }).verdict).toBe('invalid');
  });
});
