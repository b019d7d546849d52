import { describe, expect, it } from 'vitest';
import { reassignment } from '../../../src/verify/invariants/reassignment.js';
import { evidenceOf, seatWith, timeline } from '../evidence-fixture.js';

describe('invariant 4: reassignment', () => {
  it('when every failed holder passed the seat on to the next in line, it is valid', () => {
    const evidence = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'ESCALATED', 'CONFIRMED', 'REJECTED']), seatWith('S2', ['PAYMENT_FAILED']));
    expect(reassignment(evidence)).toMatchObject({ id: 4, verdict: 'valid', checked: 2, checkedWhat: 'seats', violations: 0 });
  });

  it('when a failed holder still holds the seat while an eligible booking waits, it is invalid', () => {
    const result = reassignment(evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'PENDING'], { holder: 'S1-B1', line: ['S1-B2'] })));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B1', 'S1-B2'], message: 'seat S1 is still held by S1-B1, whose payment failed, while S1-B2 waited' });
    expect(timeline(counterexample)).toEqual(
      expect.arrayContaining(['S1-B1: decided PAYMENT_FAILED', 'S1-B1: holds seat S1 now, unsold', 'S1-B2: PENDING now', 'S1-B2: 1st in line of seat S1']),
    );
  });

  it('when a seat was freed while bookings waited in its line (nobody promoted), it is invalid', () => {
    const result = reassignment(evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'PENDING', 'PENDING'], { holder: undefined, line: ['S1-B2', 'S1-B3'] })));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B2', 'S1-B3'], message: 'seat S1 is free and unsold while S1-B2 and S1-B3 still wait in its line: it was freed without passing it on' });
    expect(timeline(counterexample)).toEqual(expect.arrayContaining(['S1-B2: PENDING now', 'S1-B2: 1st in line of seat S1']));
  });

  it('when a free seat’s line holds only bookings that are final, or nobody, it is valid', () => {
    const freed = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'PAYMENT_FAILED'], { holder: undefined, line: [] }), seatWith('S2', ['PAYMENT_FAILED']));
    expect(reassignment(freed).verdict).toBe('valid');
  });

  it('when a seat nobody bought turned a booking away, it is invalid', () => {
    const result = reassignment(evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'REJECTED', 'REJECTED'])));
    expect(result.counterexamples).toMatchObject([{ seatId: 'S1', bookingIds: ['S1-B2', 'S1-B3'], message: 'seat S1 is unsold although S1-B2 and S1-B3 were REJECTED' }]);
  });

  it('when the system was not seen to settle and nothing is wrong yet, it is unknown', () => {
    const result = reassignment({ ...evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'CONFIRMED'])), settled: undefined });
    expect(result).toMatchObject({ verdict: 'unknown', note: 'the storm did not see the system settle, so a seat may still be passing on' });
  });

  it('when the system was not seen to settle but a seat was already given up on, it is invalid', () => {
    const result = reassignment({ ...evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'REJECTED'])), settled: false });
    expect(result.verdict).toBe('invalid');
  });
});
