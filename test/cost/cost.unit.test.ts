import { describe, expect, it } from 'vitest';
import { costSummary, usageCost } from '../../src/cost/cost.js';
import { addUsage, meters, scaleUsage, subtractUsage } from '../../src/cost/meters.js';
import { readPriceTable } from '../../src/cost/pricing.js';
import { runUsage } from '../../src/cost/run-usage.js';
import type { BookingStatus } from '../../src/model/booking.js';
import { formatMoney } from '../../src/report/cost-text.js';

const pricing = readPriceTable();

/** One CONFIRMED booking of a fifo-fanout storm, as a run measured it (the README's worked example). */
const confirmedBooking = {
  [meters.snsFifoRequests]: 1,
  [meters.snsFifoPublishedBytes]: 190,
  [meters.snsFifoDeliveries]: 2,
  [meters.snsFifoDeliveredBytes]: 380,
  [meters.snsStandardRequests]: 1,
  [meters.dynamodbWriteUnits]: 7,
  [meters.dynamodbReadUnits]: 3,
  [meters.sfnStateTransitions]: 6,
  [meters.lambdaRequests]: 8,
  [meters.lambdaDurationMs]: 416,
};

describe('cost', () => {
  it("when one confirmed booking's usage is priced, each meter costs amount × price ÷ per, summed by service (the README's worked example)", () => {
    const cost = usageCost(confirmedBooking, pricing);
    expect(cost.byService.sfn).toBeCloseTo((6 * 0.025) / 1000, 15);
    expect(cost.byService.dynamodb).toBeCloseTo((7 * 0.625 + 3 * 0.125) / 1e6, 15);
    expect(cost.byService.lambda).toBeCloseTo((8 * 0.2) / 1e6 + (416 * 0.0000166667) / 2000, 15);
    expect(cost.byService.sns).toBeCloseTo((1 * 0.3 + 2 * 0.01 + 1 * 0.5) / 1e6 + (190 * 0.017 + 380 * 0.001) / 2 ** 30, 15);
    expect(cost.total).toBeCloseTo(0.00016064, 8);
    expect(formatMoney(cost.total)).toBe('$0.000161');
  });

  it('when a run is priced, a confirmed and a rejected booking each carry the shared share, and per million is per booking × 1,000,000 by service', () => {
    const shared = { [meters.sqsFifoRequests]: 4 };
    const rejected = { [meters.snsFifoRequests]: 1, [meters.dynamodbWriteUnits]: 3, [meters.lambdaRequests]: 3, [meters.lambdaDurationMs]: 78 };
    const total = addUsage(confirmedBooking, scaleUsage(rejected, 3), scaleUsage(shared, 4));
    const summary = costSummary({ total, perConfirmed: confirmedBooking, perRejected: rejected, sharedPerBooking: shared }, pricing, 4);
    expect(summary.pricing).toEqual({ name: 'aws-us-east-1', region: 'us-east-1', currency: 'USD', readOn: '2026-12-07' });
    expect(summary.perConfirmed).toBeCloseTo(0.00016064 + 4 * 0.5e-6, 8);
    expect(formatMoney(summary.perConfirmed)).toBe('$0.000163');
    expect(summary.perRejected).toBeCloseTo(usageCost(rejected, pricing).total + 2e-6, 15);
    expect(summary.total).toBeCloseTo(usageCost(total, pricing).total, 15);
    expect(summary.perBooking).toBeCloseTo(summary.total / 4, 15);
    expect(summary.perMillion!.sqs).toBeCloseTo(((16 * 0.5) / 1e6 / 4) * 1e6, 12);
    expect(Object.values(summary.perMillion!).reduce((a, b) => a + b, 0)).toBeCloseTo(summary.perBooking! * 1e6, 9);
  });

  it('when there is no booking to divide by, the per-booking figures are null', () => {
    const summary = costSummary({ total: { [meters.sqsFifoRequests]: 10 }, perConfirmed: null, perRejected: null, sharedPerBooking: null }, pricing, 0);
    expect(summary).toMatchObject({ perConfirmed: null, perRejected: null, perBooking: null, perMillion: null });
    expect(summary.total).toBeCloseTo(5e-6, 15);
  });

  it('when a meter is not in the table (a usage key that is no meter), it costs nothing', () => {
    expect(usageCost({ 'sqs.unknown': 1_000_000 }, pricing)).toEqual({ total: 0, byService: {} });
  });
});

describe('runUsage', () => {
  it('when bookings have their own usage, it gives the mean CONFIRMED and REJECTED usage, and the rest of the total per accepted booking', () => {
    const statuses = new Map<string, BookingStatus>([
      ['B1', 'CONFIRMED'],
      ['B2', 'REJECTED'],
      ['B3', 'REJECTED'],
      ['B4', 'PAYMENT_FAILED'],
    ]);
    const byBooking = { B1: { a: 10 }, B2: { a: 2 }, B3: { a: 4, b: 1 }, B4: { a: 6 }, elsewhere: { a: 100 } };
    const usage = runUsage({ a: 142, b: 1, c: 8 }, byBooking, statuses);
    expect(usage.perConfirmed).toEqual({ a: 10 });
    expect(usage.perRejected).toEqual({ a: 3, b: 0.5 });
    // What no booking of the table caused (the unknown bookingId's too), per accepted booking.
    expect(usage.sharedPerBooking).toEqual({ a: 30, b: 0, c: 2 });
  });

  it('when there is no booking of a status, its mean is null', () => {
    expect(runUsage({ a: 1 }, {}, new Map())).toEqual({ total: { a: 1 }, perConfirmed: null, perRejected: null, sharedPerBooking: null });
  });

  it('when usages are added, scaled and subtracted, it goes meter by meter', () => {
    expect(addUsage({ a: 1 }, { a: 2, b: 3 })).toEqual({ a: 3, b: 3 });
    expect(scaleUsage({ a: 3 }, 1 / 3)).toEqual({ a: 1 });
    expect(subtractUsage({ a: 3, b: 1 }, { a: 1 })).toEqual({ a: 2, b: 1 });
  });
});

describe('formatMoney', () => {
  it.each([
    [12.3456, '$12.35'],
    [0.01, '$0.01'],
    [0.000161, '$0.000161'],
    [0.0000123456, '$0.0000123'],
    [0, '$0.00'],
    [null, '–'],
  ])('when given %s, it shows %s', (value, shown) => {
    expect(formatMoney(value)).toBe(shown);
  });

  it('when the currency is not USD, it follows the figure', () => {
    expect(formatMoney(1.5, 'EUR')).toBe('1.50 EUR');
  });
});
