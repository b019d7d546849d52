import { describe, expect, it } from 'vitest';
import { charge, gatewayFor, get, post } from './gateway-client.js';

describe('gateway charges', () => {
  it('when a charge is posted twice under one key, it captures once and replays the same body marked Idempotent-Replayed', async () => {
    const gateway = await gatewayFor();
    const first = await post(gateway, '/charges', charge('b-1'), 'key-1');
    expect(first).toEqual({ status: 201, replayed: false, body: { chargeId: 'ch_1', bookingId: 'b-1', amount: 4200, currency: 'eur', status: 'captured' } });
    const again = await post(gateway, '/charges', charge('b-1'), 'key-1');
    expect(again).toEqual({ ...first, status: 200, replayed: true });
    expect(gateway.ledger()).toEqual([
      { seq: 1, at: expect.any(String), type: 'charge', bookingId: 'b-1', idempotencyKey: 'key-1', amount: 4200, outcome: 'captured' },
    ]);
    expect(gateway.stats().byEndpoint['POST /charges']).toEqual({ requests: 2, replays: 1 });
  });

  it('when a key is reused with another body or on another endpoint, it answers 409 IdempotencyKeyReused and applies nothing', async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', charge('b-1'), 'key-1');
    for (const [path, body] of [
      ['/charges', charge('b-1', 999)],
      ['/charges', charge('b-2')],
      ['/charges', { ...charge('b-1'), currency: 'usd' }],
      ['/refunds', { bookingId: 'b-1' }],
    ] as const) {
      const reused = await post(gateway, path, body, 'key-1');
      expect(reused.status).toBe(409);
      expect(reused.body.error).toBe('IdempotencyKeyReused');
    }
    expect(gateway.ledger()).toHaveLength(1);
  });

  it('when the same body comes with other formatting or key order, it is the same request and is replayed', async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', '{"bookingId":"b-1","amount":4200}', 'key-1');
    const again = await post(gateway, '/charges', '{ "amount": 4200, "bookingId": "b-1", "currency": "EUR" }', 'key-1');
    expect(again).toMatchObject({ status: 200, replayed: true });
  });

  it('when identical requests arrive at the same time, it captures once and every other one gets the replay', async () => {
    const gateway = await gatewayFor();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(gateway, '/charges', charge('b-1'), 'key-1')));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.replayed)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.chargeId))).toEqual(new Set(['ch_1']));
    expect(gateway.ledger().filter((e) => e.outcome === 'captured')).toHaveLength(1);
  });

  it("when asked for a booking's money, it sums captures and refunds from the ledger", async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', charge('seat 7/b', 1500), 'key-1');
    expect((await get(gateway, `/charges/${encodeURIComponent('seat 7/b')}`)).body).toEqual({ bookingId: 'seat 7/b', captured: 1500, refunded: 0, net: 1500 });
    expect((await get(gateway, '/charges/never-seen')).body).toEqual({ bookingId: 'never-seen', captured: 0, refunded: 0, net: 0 });
  });
});
