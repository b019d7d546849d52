import { describe, expect, it } from 'vitest';
import { invariantCheckers } from '../../../src/verify/invariants/index.js';
import { evidenceOf, seatWith, type EvidencePart } from '../evidence-fixture.js';

describe('the invariant checkers', () => {
  it('when listed, they come in the order of docs/design.md, Invariants, and each names itself', () => {
    expect(invariantCheckers.map((check) => [check.describe.id, check.describe.key])).toEqual([
      [1, 'no-double-booking'],
      [2, 'first-come-first-served'],
      [3, 'payment-only-for-holder'],
      [4, 'reassignment'],
      [5, 'exactly-once-effects'],
      [6, 'nothing-lost'],
      [7, 'no-limbo'],
      [8, 'compensation-complete'],
    ]);
  });

  it('when a healthy settled run is checked, every invariant is valid', () => {
    const evidence = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'CONFIRMED', 'REJECTED']), seatWith('S2', ['CONFIRMED', 'REJECTED']), seatWith('S3', ['PAYMENT_FAILED']));
    const results = invariantCheckers.map((check) => check(evidence));
    expect(results.map((result) => [result.key, result.verdict])).toEqual(invariantCheckers.map((check) => [check.describe.key, 'valid']));
    expect(results.map((result) => result.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('when the run recorded its event, the seat rules judge that event\'s seats only; a run without one (made before events) is judged on every seat', () => {
    const earlier = { otherRun: true } as const;
    const evidence = evidenceOf(
      // An earlier run's event, broken three ways: sold twice, a booking skipped, a seat left unsold.
      seatWith('old/S0001', [{ status: 'CONFIRMED', ...earlier }, { status: 'CONFIRMED', ...earlier }]),
      seatWith('old/S0002', [{ status: 'REJECTED', ...earlier }, { status: 'CONFIRMED', ...earlier }]),
      seatWith('old/S0003', [{ status: 'REJECTED', ...earlier }], { holder: undefined, line: [] }),
      // This run's event, healthy.
      seatWith('new/S0001', ['PAYMENT_FAILED', 'CONFIRMED', 'REJECTED']),
      seatWith('new/S0002', ['CONFIRMED']),
    );
    const seatRules = ['no-double-booking', 'first-come-first-served', 'reassignment'];
    const judged = (event: string | undefined) =>
      invariantCheckers.filter((check) => seatRules.includes(check.describe.key)).map((check) => check(event === undefined ? evidence : { ...evidence, event }));
    expect(judged('new').map((result) => [result.key, result.verdict, result.checked])).toEqual([
      ['no-double-booking', 'valid', 2],
      ['first-come-first-served', 'valid', 2],
      ['reassignment', 'valid', 2],
    ]);
    expect(judged('old').map((result) => [result.key, result.verdict])).toEqual(seatRules.map((key) => [key, 'invalid']));
    expect(judged(undefined).map((result) => [result.key, result.verdict, result.checked])).toEqual([
      ['no-double-booking', 'invalid', 5],
      ['first-come-first-served', 'invalid', 3],
      ['reassignment', 'invalid', 5],
    ]);
  });

  it('when a run has 100,000 bookings on contended seats, every checker gets through them', () => {
    const seats: EvidencePart[] = [];
    for (let seat = 1; seat <= 100; seat++) seats.push(seatWith(`S${seat}`, ['PAYMENT_FAILED', 'CONFIRMED', ...Array<'REJECTED'>(998).fill('REJECTED')]));
    const evidence = evidenceOf(...seats);
    expect(evidence.bookings).toHaveLength(100_000);
    const results = invariantCheckers.map((check) => check(evidence));
    expect(results.map((result) => result.verdict)).toEqual(Array(8).fill('valid'));
  });
});
