import { describe, expect, it } from 'vitest';
import { compensationComplete } from '../../../src/verify/invariants/compensation-complete.js';
import type { VerifyEvidence } from '../../../src/verify/model.js';
import { evidenceOf, executionOf, seatWith, t0, timeline } from '../evidence-fixture.js';

/** A booking the reconciler settled after all: its first execution failed with `error` (none: the endpoint did not say), a restart of it succeeded. */
function failedThenRestarted(error: string | undefined): VerifyEvidence {
  const { error: _, ...failed } = executionOf('S1-B1', 'FAILED', t0 + 100);
  const restarted = { ...executionOf('S1-B1', 'SUCCEEDED', t0 + 5000), name: 'S1-B1-r1' };
  return evidenceOf(seatWith('S1', [{ status: 'CONFIRMED', execution: null }]), { executions: [{ ...failed, ...(error !== undefined && { error }) }, restarted] });
}

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

  it('when a failed execution ended outside the compensation, it is invalid even though the restart settled the booking', () => {
    const result = compensationComplete(failedThenRestarted('BookingTimedOut'));
    expect(result).toMatchObject({ verdict: 'invalid', checked: 1, violations: 1 });
    expect(result.counterexamples).toMatchObject([
      {
        seatId: 'S1',
        bookingIds: ['S1-B1'],
        message: "booking S1-B1's saga S1-B1 failed with BookingTimedOut, without compensating: a failed saga ends in PaymentDeclined or BookingFailed, after its refund and release",
      },
    ]);
  });

  it.each(['PaymentDeclined', 'BookingFailed'])('when a failed execution ended in the saga’s own %s and its restart settled the booking, it is valid', (error) => {
    expect(compensationComplete(failedThenRestarted(error))).toMatchObject({ verdict: 'valid', checked: 1 });
  });

  it('when the endpoint did not say why an execution failed, it is unknown, unless something else was violated', () => {
    expect(compensationComplete(failedThenRestarted(undefined))).toMatchObject({
      verdict: 'unknown',
      note: "the endpoint did not say why 1 failed execution failed (DescribeExecution's error), so whether it compensated was not checked",
    });
    const held = evidenceOf(seatWith('S1', ['PAYMENT_FAILED'], { holder: 'S1-B1' }));
    const { error: _, ...undescribed } = held.executions[0]!;
    expect(compensationComplete({ ...held, executions: [undescribed] }).verdict).toBe('invalid');
  });

  it('when the run has no ledger, it is unknown, unless a seat is still held', () => {
    expect(compensationComplete({ ...evidenceOf(seatWith('S1', ['PAYMENT_FAILED'])), ledger: undefined })).toMatchObject({
      verdict: 'unknown',
      note: 'the run has no gateway ledger, so refunds were not checked',
    });
    expect(compensationComplete({ ...evidenceOf(seatWith('S1', ['PAYMENT_FAILED'], { holder: 'S1-B1' })), ledger: undefined }).verdict).toBe('invalid');
  });
});
