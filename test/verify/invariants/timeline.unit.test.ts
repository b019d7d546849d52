import { describe, expect, it } from 'vitest';
import { indexOf, timelineOf } from '../../../src/verify/timeline.js';
import { evidenceOf, ledgerEntry, seatWith, t0 } from '../evidence-fixture.js';

describe('the time line of bookings', () => {
  it('when a booking was confirmed, it lists what happened in time order, then what is true now', () => {
    const evidence = evidenceOf(seatWith('S1', ['CONFIRMED']));
    expect(timelineOf(indexOf(evidence), ['S1-B1'])).toEqual([
      { at: t0 - 10, bookingId: 'S1-B1', what: 'request sent (202)' },
      { at: t0, bookingId: 'S1-B1', what: 'booking stored' },
      { at: t0 + 100, bookingId: 'S1-B1', what: 'saga started' },
      { at: t0 + 200, bookingId: 'S1-B1', what: 'charge captured 4200' },
      { at: t0 + 600, bookingId: 'S1-B1', what: 'ticket T-S1-B1 issued' },
      { at: t0 + 900, bookingId: 'S1-B1', what: 'saga ended SUCCEEDED' },
      { at: t0 + 1000, bookingId: 'S1-B1', what: 'decided CONFIRMED' },
      { bookingId: 'S1-B1', what: 'FIFO sequence 18446744073709551000' },
      { bookingId: 'S1-B1', what: 'holds seat S1 now, sold' },
    ]);
  });

  it('when several bookings are asked for, it interleaves their events by time', () => {
    const evidence = evidenceOf(seatWith('S1', ['CONFIRMED', 'REJECTED']));
    const whats = timelineOf(indexOf(evidence), ['S1-B2', 'S1-B1'])
      .filter((event) => event.at !== undefined)
      .map((event) => event.at!);
    expect(whats).toEqual([...whats].sort((a, b) => a - b));
  });

  it('when the gateway recorded refunds, declines and failures, it says which', () => {
    const evidence = evidenceOf(seatWith('S1', [{ status: 'ESCALATED', ledger: ['captured', 'refunded', 'nothing to refund', 'refund failed', 'charge failed', 'declined'] }]), {
      ledger: [ledgerEntry('S1-B1', 'refunded', t0 + 900, true)],
    });
    const whats = timelineOf(indexOf(evidence), ['S1-B1']).map((event) => event.what);
    expect(whats).toEqual(
      expect.arrayContaining(['refund refunded 4200', 'refund: nothing to refund', 'refund failed 4200 (not applied)', 'charge failed 4200 (not applied)', 'charge declined', 'refund refunded 4200 (response lost)']),
    );
  });

  it('when a refund failed under a key of its own (refund:<bookingId>:…), it still says refund', () => {
    const failed = { ...ledgerEntry('S1-B1', 'refund failed', t0 + 900), idempotencyKey: 'refund:S1-B1:2f1c' };
    const whats = timelineOf(indexOf(evidenceOf(seatWith('S1', ['PAYMENT_FAILED']), { ledger: [failed] })), ['S1-B1']).map((event) => event.what);
    expect(whats).toContain('refund failed 4200 (not applied)');
    expect(whats).not.toContain('charge failed 4200 (not applied)');
  });

  it('when bookings wait in line, it gives their place in it', () => {
    const evidence = evidenceOf(seatWith('S1', ['HELD', ...Array<'PENDING'>(12).fill('PENDING')]));
    const place = (bookingId: string) => timelineOf(indexOf(evidence), [bookingId]).at(-1)?.what;
    expect([place('S1-B2'), place('S1-B3'), place('S1-B4'), place('S1-B5'), place('S1-B12'), place('S1-B13')]).toEqual([
      '1st in line of seat S1',
      '2nd in line of seat S1',
      '3rd in line of seat S1',
      '4th in line of seat S1',
      '11th in line of seat S1',
      '12th in line of seat S1',
    ]);
    expect(timelineOf(indexOf(evidence), ['S1-B2']).map((event) => event.what)).toContain('no FIFO sequence');
  });

  it('when a holder gave up its seat, it says it is no longer on it', () => {
    const evidence = evidenceOf(seatWith('S1', ['PAYMENT_FAILED', 'CONFIRMED']));
    expect(timelineOf(indexOf(evidence), ['S1-B1']).at(-1)?.what).toBe('no longer on seat S1');
  });
});
