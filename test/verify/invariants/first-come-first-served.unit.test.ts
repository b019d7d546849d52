import { describe, expect, it } from 'vitest';
import { firstComeFirstServed } from '../../../src/verify/invariants/first-come-first-served.js';
import { evidenceOf, seatWith, timeline } from '../evidence-fixture.js';

describe('invariant 2: first come, first served', () => {
  it('when the confirmed booking is the first in line whose payment did not fail, it is valid', () => {
    const result = firstComeFirstServed(evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'ESCALATED', 'CONFIRMED', 'REJECTED']), seatWith('S2', ['CONFIRMED', 'PENDING']), seatWith('S3', ['REJECTED'])));
    expect(result).toMatchObject({ id: 2, verdict: 'valid', checked: 2, checkedWhat: 'seats with a confirmed booking', violations: 0 });
  });

  it('when the confirmation skipped the first in line, rejected without a payment attempt, it is invalid and names the winner first', () => {
    const result = firstComeFirstServed(evidenceOf(seatWith('S1', ['REJECTED', 'CONFIRMED'])));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({
      seatId: 'S1',
      bookingIds: ['S1-B2', 'S1-B1'],
      message: 'seat S1: booking S1-B2 was confirmed although S1-B1 (REJECTED, never charged or declined), earlier in line, was skipped',
    });
    // The two sequences are equal as Numbers: only a BigInt comparison sees that S1-B1 came first.
    expect(timeline(counterexample)).toEqual(expect.arrayContaining(['S1-B1: FIFO sequence 18446744073709551000', 'S1-B2: FIFO sequence 18446744073709551001', 'S1-B1: decided REJECTED']));
  });

  it('when sequences differ in length, it compares them as numbers, not as strings', () => {
    const result = firstComeFirstServed(evidenceOf(seatWith('S1', [{ status: 'REJECTED', sequence: '9' }, { status: 'CONFIRMED', sequence: '10' }])));
    expect(result.verdict).toBe('invalid');
  });

  it('when several earlier bookings were skipped, it lists them in FIFO order with what became of each', () => {
    const result = firstComeFirstServed(evidenceOf(seatWith('S1', [{ status: 'REJECTED', ledger: ['declined'] }, 'PAYMENT_FAILED', 'HELD', 'CONFIRMED'], { holder: 'S1-B4', line: [] })));
    expect(result.counterexamples[0]).toMatchObject({
      bookingIds: ['S1-B4', 'S1-B1', 'S1-B3'],
      message: 'seat S1: booking S1-B4 was confirmed although S1-B1 (REJECTED) and S1-B3 (HELD, never charged or declined), earlier in line, were skipped',
    });
  });

  it('when a booking that may have come first has no FIFO sequence, it is unknown and names the seat', () => {
    const result = firstComeFirstServed(evidenceOf(seatWith('S1', [{ status: 'REJECTED', sequence: null }, 'CONFIRMED']), seatWith('S2', [{ status: 'CONFIRMED', sequence: null }])));
    expect(result).toMatchObject({ verdict: 'unknown', violations: 0 });
    expect(result.note).toContain('2 seats could not be ordered, a booking lacking its FIFO sequence (S1 and S2)');
  });

  it('when a seat is sold twice, it leaves the seat to no-double-booking and says so', () => {
    const result = firstComeFirstServed(evidenceOf(seatWith('S1', ['REJECTED', 'CONFIRMED', 'CONFIRMED'])));
    expect(result).toMatchObject({ verdict: 'valid', checked: 0, note: '1 seat with several confirmed bookings left to no-double-booking' });
  });

  it('when the topology has no FIFO order (standard-fanout), first is the order the API stored the requests in: a later request confirmed over an earlier one is invalid', () => {
    const unordered = seatWith('S1', [{ status: 'REJECTED', sequence: null }, { status: 'CONFIRMED', sequence: null }]);
    const result = firstComeFirstServed({ ...evidenceOf(unordered), topology: 'standard-fanout' });
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
    expect(result.counterexamples[0]!.bookingIds).toEqual(['S1-B2', 'S1-B1']);
    const inOrder = seatWith('S2', [{ status: 'CONFIRMED', sequence: null }, { status: 'REJECTED', sequence: null }]);
    expect(firstComeFirstServed({ ...evidenceOf(inOrder), topology: 'standard-fanout' }).verdict).toBe('valid');
  });
});
