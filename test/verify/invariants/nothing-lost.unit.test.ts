import { describe, expect, it } from 'vitest';
import { nothingLost } from '../../../src/verify/invariants/nothing-lost.js';
import { acknowledged, evidenceOf, seatWith, t0, timeline } from '../evidence-fixture.js';

describe('invariant 6: nothing lost', () => {
  it('when every acknowledged booking is in the table and final, it is valid', () => {
    const evidence = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'CONFIRMED', 'REJECTED']), seatWith('S2', ['ESCALATED', 'CONFIRMED']));
    expect(nothingLost(evidence)).toMatchObject({ id: 6, verdict: 'valid', checked: 5, checkedWhat: 'acknowledged bookings', violations: 0 });
  });

  it('when an acknowledged booking is missing from the table, it is invalid and shows its requests, retries included', () => {
    const unanswered = { ...acknowledged('S1-B9', 'S1', t0 + 20), status: 0, bookingId: undefined, error: 'socket hang up' };
    const result = nothingLost(evidenceOf(seatWith('S1', ['CONFIRMED']), { requests: [unanswered, acknowledged('S1-B9', 'S1', t0 + 400)] }));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({ seatId: 'S1', bookingIds: ['S1-B9'], message: 'booking S1-B9 was acknowledged (202) but is not in the bookings table' });
    expect(timeline(counterexample)).toEqual([
      'S1-B9: request sent (no answer: socket hang up)',
      'S1-B9: request sent again (202)',
      'S1-B9: not in the bookings table',
      'S1-B9: never placed on seat S1',
    ]);
  });

  it('when an acknowledged booking is not final after the system settled, it is invalid', () => {
    const result = nothingLost(evidenceOf(seatWith('S1', ['CONFIRMED', 'PENDING'])));
    expect(result.counterexamples.map((c) => c.message)).toEqual(['booking S1-B2 was acknowledged but is still PENDING after the system settled']);
  });

  it('when an acknowledged booking is not final and the system was not seen to settle, it is unknown', () => {
    const result = nothingLost({ ...evidenceOf(seatWith('S1', ['HELD', 'PENDING'])), settled: false });
    expect(result).toMatchObject({ verdict: 'unknown', note: '2 acknowledged bookings not final yet, and the storm did not see the system settle' });
  });

  it('when every acknowledged booking is final, it is valid even if the system was not seen to settle', () => {
    expect(nothingLost({ ...evidenceOf(seatWith('S1', ['CONFIRMED'])), settled: undefined }).verdict).toBe('valid');
  });

  it('when a request got an error status, it does not count as acknowledged', () => {
    const refused = { ...acknowledged('S1-B9', 'S1', t0), status: 503 };
    expect(nothingLost(evidenceOf(seatWith('S1', ['CONFIRMED']), { requests: [refused] }))).toMatchObject({ verdict: 'valid', checked: 1 });
  });

  it('when the run has no request log, it is unknown', () => {
    expect(nothingLost({ ...evidenceOf(seatWith('S1', ['CONFIRMED'])), requests: undefined })).toMatchObject({ verdict: 'unknown', note: 'the run has no request log' });
  });
});
