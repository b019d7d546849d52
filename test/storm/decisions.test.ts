import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { FunctionContext } from '../../src/functions/model.js';
import type { BookingStatus, Tier } from '../../src/model/booking.js';
import { percentiles } from '../../src/load/histograms.js';
import { readDecisions } from '../../src/storm/decisions.js';
import { useFreshStacks } from './fresh-stack.js';

describe('reading the decisions from the bookings table', () => {
  const { deployed } = useFreshStacks('decisions');

  let bookings = 0;
  /** Stores a booking row of run `run` as the functions would leave it; `tookMs` sets decidedAt. */
  async function put(context: FunctionContext, seatId: string, status: BookingStatus, tier: Tier, tookMs?: number, run = 'run1'): Promise<void> {
    bookings += 1;
    const createdAt = 1_800_000_000_000 + bookings;
    const n = (value: number) => ({ N: String(value) });
    const item = {
      bookingId: { S: `b${bookings}` },
      seatId: { S: seatId },
      customerId: { S: `c${bookings}` },
      requestId: { S: `${run}-r${bookings}` },
      tier: { S: tier },
      amount: n(4200),
      status: { S: status },
      createdAt: n(createdAt),
      updatedAt: n(createdAt + (tookMs ?? 0)),
      ...(tookMs !== undefined ? { decidedAt: n(createdAt + tookMs) } : {}),
    };
    await context.clients.dynamodb.send(new PutItemCommand({ TableName: context.resources.names.tables.bookings, Item: item }));
  }

  /** Within the histograms' precision (3 significant digits). */
  const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001);

  it('when bookings end in every status, it counts them, the seats sold, and the time to decision overall and per tier', async () => {
    const context = await deployed();
    // 100 standard bookings rejected after 1..100 ms; with the 10 ms one below, the 51st of 101 is 50 ms, the 100th 99 ms.
    await Promise.all(Array.from({ length: 100 }, (_, i) => put(context, `R${i}`, 'REJECTED', 'STANDARD', i + 1)));
    // Seat V confirmed twice (a broken run): sold once.
    await put(context, 'V', 'CONFIRMED', 'VIP', 2000);
    await put(context, 'V', 'CONFIRMED', 'VIP', 4000);
    await put(context, 'W', 'CONFIRMED', 'STANDARD', 10);
    await put(context, 'W', 'PAYMENT_FAILED', 'VIP', 3000);
    // Escalated bookings are not timed, however long they took.
    await put(context, 'X', 'ESCALATED', 'STANDARD', 999_999);
    await put(context, 'X', 'PENDING', 'STANDARD');
    await put(context, 'X', 'HELD', 'VIP');
    await put(context, 'X', 'WAITLISTED', 'STANDARD');
    // Another run's booking on the same stack: not this run's.
    await put(context, 'V', 'CONFIRMED', 'VIP', 1, 'run0');

    const summary = await readDecisions(context, 'run1-');
    expect(summary.bookings).toEqual({ accepted: 108, confirmed: 3, rejected: 100, paymentFailed: 1, escalated: 1, undecided: 3 });
    expect(summary.seatsSold).toBe(2);
    expect(summary.statuses.size).toBe(108);
    expect([...summary.statuses.values()].filter((status) => status === 'CONFIRMED')).toHaveLength(3);

    const { all, byTier } = summary.timeToDecision;
    expect(all.percentiles.count).toBe(104);
    near(all.percentiles.max, 4000);
    expect(byTier.VIP.percentiles.count).toBe(3);
    near(byTier.VIP.percentiles.p50, 3000);
    near(byTier.VIP.percentiles.max, 4000);
    expect(byTier.STANDARD.percentiles.count).toBe(101);
    near(byTier.STANDARD.percentiles.p50, 50);
    near(byTier.STANDARD.percentiles.p99, 99);
    near(byTier.STANDARD.percentiles.max, 100);
    // The encoded histograms carry the same figures, for merging and re-reading.
    expect(percentiles(all.histogram)).toEqual(all.percentiles);
    expect(percentiles(byTier.VIP.histogram)).toEqual(byTier.VIP.percentiles);
  });

  it('when the run made no booking (others did), everything is zero and the histograms are empty', async () => {
    const context = await deployed();
    await put(context, 'A', 'CONFIRMED', 'VIP', 5, 'run8');
    const summary = await readDecisions(context, 'run9-');
    expect(summary.bookings).toEqual({ accepted: 0, confirmed: 0, rejected: 0, paymentFailed: 0, escalated: 0, undecided: 0 });
    expect(summary.seatsSold).toBe(0);
    expect(summary.statuses.size).toBe(0);
    expect(summary.timeToDecision.all.percentiles).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    expect(percentiles(summary.timeToDecision.byTier.STANDARD.histogram).count).toBe(0);
  });
});
