import { describe, expect, it } from 'vitest';
import { noDoubleBooking } from '../../../src/verify/invariants/no-double-booking.js';
import { evidenceOf, seatWith, timeline } from '../evidence-fixture.js';

describe('invariant 1: no double booking', () => {
  it('when every seat has at most one confirmed booking, it is valid and counts the seats', () => {
    const result = noDoubleBooking(evidenceOf(seatWith('S1', ['CONFIRMED', 'REJECTED']), seatWith('S2', ['PAYMENT_FAILED', 'CONFIRMED']), seatWith('S3', ['PENDING'])));
    expect(result).toMatchObject({ id: 1, key: 'no-double-booking', verdict: 'valid', checked: 3, checkedWhat: 'seats', violations: 0, counterexamples: [] });
  });

  it('when a seat has a second CONFIRMED booking, it is invalid and names the second first, with both time lines', () => {
    const result = noDoubleBooking(evidenceOf(seatWith('S1', ['CONFIRMED', 'CONFIRMED']), seatWith('S2', ['CONFIRMED'])));
    expect(result).toMatchObject({ verdict: 'invalid', checked: 2, violations: 1 });
    const [counterexample] = result.counterexamples;
    expect(counterexample).toMatchObject({
      seatId: 'S1',
      bookingIds: ['S1-B2', 'S1-B1'],
      message: 'seat S1 was sold 2 times: booking S1-B2 was confirmed as well as S1-B1, which holds it',
    });
    expect(timeline(counterexample)).toEqual(
      expect.arrayContaining(['S1-B1: decided CONFIRMED', 'S1-B2: decided CONFIRMED', 'S1-B1: ticket T-S1-B1 issued', 'S1-B2: ticket T-S1-B2 issued', 'S1-B1: holds seat S1 now, sold']),
    );
  });

  it('when the seat is held by neither confirmed booking, it blames the one confirmed last', () => {
    const result = noDoubleBooking(evidenceOf(seatWith('S1', ['CONFIRMED', 'CONFIRMED', 'CONFIRMED'], { holder: 'S1-B9' })));
    expect(result.counterexamples[0]).toMatchObject({
      bookingIds: ['S1-B2', 'S1-B3', 'S1-B1'],
      message: 'seat S1 was sold 3 times: bookings S1-B2 and S1-B3 were confirmed as well as S1-B1, confirmed first',
    });
  });

  it('when another run on the stack confirmed the seat before, a confirmation in this run is a double booking', () => {
    const result = noDoubleBooking(evidenceOf(seatWith('S1', [{ status: 'CONFIRMED', otherRun: true }, 'CONFIRMED'])));
    expect(result).toMatchObject({ verdict: 'invalid', violations: 1 });
  });

  it('when more seats are double booked than it keeps, it counts them all and keeps the first in natural seat order', () => {
    const seats = Array.from({ length: 25 }, (_, i) => seatWith(`S${25 - i}`, ['CONFIRMED', 'CONFIRMED']));
    const result = noDoubleBooking(evidenceOf(...seats));
    expect(result.violations).toBe(25);
    expect(result.counterexamples.map((c) => c.seatId)).toEqual(Array.from({ length: 20 }, (_, i) => `S${i + 1}`));
  });
});
