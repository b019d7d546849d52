import { describe, expect, it } from 'vitest';
import { declineBookings } from '../../src/gateway/policies.js';
import { charge, gatewayFor, get, post } from './gateway-client.js';

describe('gateway refunds', () => {
  it('when a captured booking is refunded, it refunds the whole amount, net is 0, and a retry replays without a second refund', async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', charge('b-1', 4200), 'charge-b-1');
    const refund = await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1');
    expect(refund).toEqual({ status: 201, replayed: false, body: { refundId: 're_2', bookingId: 'b-1', amount: 4200, status: 'refunded' } });
    expect(await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1')).toEqual({ ...refund, status: 200, replayed: true });
    expect((await get(gateway, '/charges/b-1')).body).toEqual({ bookingId: 'b-1', captured: 4200, refunded: 4200, net: 0 });
    expect(gateway.ledger().map((e) => [e.type, e.outcome, e.amount])).toEqual([
      ['charge', 'captured', 4200],
      ['refund', 'refunded', 4200],
    ]);
  });

  it('when nothing was charged, it answers nothing_to_refund, records it, and replays it even after a later capture', async () => {
    const gateway = await gatewayFor();
    const refund = await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1');
    expect(refund).toEqual({ status: 200, replayed: false, body: { status: 'nothing_to_refund', bookingId: 'b-1' } });
    expect(gateway.ledger()).toEqual([
      { seq: 1, at: expect.any(String), type: 'refund', bookingId: 'b-1', idempotencyKey: 'refund-b-1', amount: 0, outcome: 'nothing_to_refund' },
    ]);
    await post(gateway, '/charges', charge('b-1'), 'charge-b-1');
    expect(await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1')).toEqual({ ...refund, replayed: true });
    expect((await get(gateway, '/charges/b-1')).body.net).toBe(4200);
  });

  it('when the charge was declined, a refund finds nothing to refund', async () => {
    const gateway = await gatewayFor({ policy: declineBookings(new Set(['b-1'])) });
    expect((await post(gateway, '/charges', charge('b-1'), 'charge-b-1')).status).toBe(402);
    expect((await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1')).body.status).toBe('nothing_to_refund');
  });

  it('when a refunded booking is refunded again under another key, it points at the first refund and writes no second refund', async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', charge('b-1'), 'charge-b-1');
    const first = await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1');
    const second = await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1-again');
    expect(second).toEqual({ status: 200, replayed: false, body: { status: 'already_refunded', bookingId: 'b-1', refundId: first.body.refundId } });
    expect(gateway.ledger().filter((e) => e.type === 'refund')).toHaveLength(1);
    expect((await get(gateway, '/charges/b-1')).body.net).toBe(0);
  });

  it('when a refund names an amount, it refunds that much, and refuses more than was captured', async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', charge('b-1', 4200), 'charge-b-1');
    const tooMuch = await post(gateway, '/refunds', { bookingId: 'b-1', amount: 4201 }, 'refund-too-much');
    expect(tooMuch).toMatchObject({ status: 400, body: { error: 'InvalidRequest' } });
    expect((await post(gateway, '/refunds', { bookingId: 'b-1', amount: 1200 }, 'refund-part')).body.amount).toBe(1200);
    expect((await get(gateway, '/charges/b-1')).body).toEqual({ bookingId: 'b-1', captured: 4200, refunded: 1200, net: 3000 });
  });
});
