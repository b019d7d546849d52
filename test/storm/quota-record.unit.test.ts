import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import { quotaHits, stormQuotas } from '../../src/storm/quota-record.js';
import { paymentQueueThrottle } from '../fixtures/quota-hits.js';

const firstAt = Date.parse(paymentQueueThrottle.firstAt);

/** A request answered `answeredMsBefore` the first throttle (negative: after it), with the given status (0: no answer). */
const request = (answeredMsBefore: number, status = 202): RequestLogEntry => ({
  index: 0,
  requestId: 'r',
  seatId: 'S0001',
  tier: 'STANDARD',
  intendedAt: firstAt - answeredMsBefore - 40,
  sentAt: firstAt - answeredMsBefore - 40,
  latencyMs: 40,
  status,
});

describe('the quotas a storm hit', () => {
  it('adds to each throttle the bookings answered in the second before its first hit, whatever their status, and no others', () => {
    const requests = [request(0), request(500), request(999), request(300, 409), request(1000), request(2000), request(-1), request(200, 0)];
    expect(quotaHits([], [paymentQueueThrottle], requests)).toEqual([{ ...paymentQueueThrottle, bookingsPerSecondAtFirstHit: 4 }]);
  });

  it('counts only the throttles of this storm when the endpoint recorded some before it', () => {
    const earlier = { ...paymentQueueThrottle, throttled: 12 };
    const unchanged = { ...paymentQueueThrottle, resource: 'booksim-inventory.fifo SendMessage', throttled: 3 };
    const [hit, ...rest] = quotaHits([earlier, unchanged], [paymentQueueThrottle, unchanged], [request(0)]);
    expect(rest).toEqual([]);
    expect(hit).toEqual({ ...paymentQueueThrottle, throttled: 400 });
    expect(hit).not.toHaveProperty('bookingsPerSecondAtFirstHit');
  });

  it('marks a throttle first hit after the last answer as hit after the load, with no booking rate', () => {
    const settling = { ...paymentQueueThrottle, firstAt: new Date(firstAt + 5000).toISOString() };
    expect(quotaHits([], [settling], [request(0), request(500)])).toEqual([{ ...settling, afterLoad: true }]);
  });

  it('lists them in the order they were first hit', () => {
    const later = { ...paymentQueueThrottle, resource: 'account', firstAt: '2026-12-07T10:00:07.000Z' };
    expect(quotaHits([], [later, paymentQueueThrottle], []).map((hit) => hit.resource)).toEqual([paymentQueueThrottle.resource, 'account']);
  });

  it('are none on an endpoint that enforces no quota (quotas off, LocalStack, AWS), and an empty list with its region when nothing throttled', () => {
    expect(stormQuotas(undefined, undefined, [])).toBeUndefined();
    expect(stormQuotas({ enabled: false }, { enabled: false }, [])).toBeUndefined();
    expect(stormQuotas(undefined, { region: 'us-east-1', throttles: [] }, [])).toEqual({ region: 'us-east-1', hits: [] });
  });
});
