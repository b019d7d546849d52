import { describe, expect, it } from 'vitest';
import type { FaultRequest, GatewayFault } from '../../src/gateway/fault-policy.js';
import { declineBookings, randomFaults } from '../../src/gateway/policies.js';
import { seededRandom } from '../../src/random.js';

const request = (kind: FaultRequest['kind'], bookingId = 'b-1'): FaultRequest => ({ kind, bookingId, amount: 100, attempt: 1 });

describe('gateway fault policies', () => {
  it('when a booking is listed, declineBookings declines its charges only, on every attempt', () => {
    const policy = declineBookings(new Set(['b-1']));
    expect(policy(request('charge'))).toEqual({ type: 'decline', reason: 'card_declined' });
    expect(policy({ ...request('charge'), attempt: 3 })).toEqual({ type: 'decline', reason: 'card_declined' });
    expect(policy(request('refund'))).toBeUndefined();
    expect(policy(request('charge', 'b-2'))).toBeUndefined();
  });

  it('when drawing many requests, randomFaults injects each fault at its rate and never declines a refund', () => {
    const policy = randomFaults({ declineRate: 0.1, errorRate: 0.2, hangRate: 0.05, random: seededRandom(42) });
    const tally = (kind: FaultRequest['kind']) => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < 20_000; i++) {
        const type = policy(request(kind))?.type ?? 'none';
        counts[type] = (counts[type] ?? 0) + 1;
      }
      return counts;
    };
    const charges = tally('charge');
    expect(charges.decline! / 20_000).toBeCloseTo(0.1, 2);
    expect(charges.error! / 20_000).toBeCloseTo(0.2, 2);
    expect(charges.hang! / 20_000).toBeCloseTo(0.05, 2);
    const refunds = tally('refund');
    expect(refunds.decline).toBeUndefined();
    expect(refunds.error! / 20_000).toBeCloseTo(0.2, 2);
  });

  it('when seeded alike, randomFaults repeats the same faults, with 5xx statuses and both kinds of hang', () => {
    const draw = (seed: number) => {
      const policy = randomFaults({ errorRate: 0.5, hangRate: 0.5, random: seededRandom(seed) });
      return Array.from({ length: 200 }, () => policy(request('charge')));
    };
    const faults = draw(7);
    expect(draw(7)).toEqual(faults);
    expect(new Set(faults.map((f: GatewayFault | undefined) => JSON.stringify(f)))).toEqual(
      new Set(['{"type":"error","status":500}', '{"type":"error","status":502}', '{"type":"error","status":503}', '{"type":"hang","applied":true}', '{"type":"hang","applied":false}']),
    );
  });

  it.each([{ errorRate: -0.1 }, { hangRate: 1.5 }, { errorRate: Number.NaN }, { declineRate: 0.6, errorRate: 0.6 }])(
    'when the rates are %j, randomFaults refuses them',
    (rates) => {
      expect(() => randomFaults({ ...rates, random: seededRandom(1) })).toThrow(/gateway fault/);
    },
  );
});
