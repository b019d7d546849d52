import { describe, expect, it } from 'vitest';
import { startGateway } from '../../src/gateway/server.js';
import { charge, gatewayFor, get, post } from './gateway-client.js';

describe('gateway server', () => {
  it.each([
    ['no Idempotency-Key', '/charges', charge('b-1'), undefined, 400, 'IdempotencyKeyRequired'],
    ['an empty Idempotency-Key', '/charges', charge('b-1'), '', 400, 'IdempotencyKeyRequired'],
    ['a key over 255 characters', '/charges', charge('b-1'), 'k'.repeat(256), 400, 'InvalidRequest'],
    ['a body that is not JSON', '/charges', '{"bookingId":', 'key-1', 400, 'InvalidRequest'],
    ['a JSON array', '/charges', '[]', 'key-1', 400, 'InvalidRequest'],
    ['a negative amount', '/charges', charge('b-1', -5), 'key-1', 400, 'InvalidRequest'],
    ['an amount in fractions of a cent', '/charges', charge('b-1', 12.5), 'key-1', 400, 'InvalidRequest'],
    ['an amount as a string', '/charges', { bookingId: 'b-1', amount: '4200' }, 'key-1', 400, 'InvalidRequest'],
    ['an empty bookingId', '/charges', charge(''), 'key-1', 400, 'InvalidRequest'],
    ['a bad currency', '/charges', { ...charge('b-1'), currency: 'euro' }, 'key-1', 400, 'InvalidRequest'],
    ['a refund of zero', '/refunds', { bookingId: 'b-1', amount: 0 }, 'key-1', 400, 'InvalidRequest'],
    ['an unknown path', '/payments', charge('b-1'), 'key-1', 404, 'NotFound'],
    ['a known path with the wrong method', '/ledger', {}, 'key-1', 405, 'MethodNotAllowed'],
  ])('when a request has %s, it answers 4xx, applies nothing and keeps serving', async (_what, path, body, key, status, error) => {
    const gateway = await gatewayFor();
    const answer = await post(gateway, path, body, key);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(gateway.ledger()).toEqual([]);
    // Nothing was stored under the key either: it still works for a good request.
    expect((await post(gateway, '/charges', charge('b-1'), 'key-1')).status).toBe(201);
  });

  it('when asked for health, the ledger and stats, it answers them and counts every request by endpoint', async () => {
    const gateway = await gatewayFor();
    expect(await get(gateway, '/health')).toMatchObject({ status: 200, body: { ok: true } });
    await post(gateway, '/charges', charge('b-1'), 'key-1');
    await post(gateway, '/charges', charge('b-1'), 'key-1');
    await get(gateway, '/nowhere');
    expect((await get(gateway, '/ledger')).body).toEqual({ entries: gateway.ledger() });
    expect(gateway.stats()).toEqual({
      requests: 5,
      replays: 1,
      byEndpoint: {
        'GET /health': { requests: 1, replays: 0 },
        'POST /charges': { requests: 2, replays: 1 },
        unmatched: { requests: 1, replays: 0 },
        'GET /ledger': { requests: 1, replays: 0 },
      },
    });
  });

  it('when a request hangs, it counts as in flight until its client gives up', async () => {
    let hanging!: () => void;
    const received = new Promise<void>((resolve) => (hanging = resolve));
    const gateway = await gatewayFor({ policy: () => ({ type: 'hang', applied: false }), onFault: () => hanging() });
    expect(gateway.inFlight()).toBe(0);
    const abort = new AbortController();
    const request = fetch(`${gateway.url}/charges`, { method: 'POST', headers: { 'idempotency-key': 'k' }, body: JSON.stringify(charge('b-1')), signal: abort.signal });
    await received;
    expect(gateway.inFlight()).toBe(1);
    abort.abort();
    await expect(request).rejects.toThrow();
    await expect.poll(() => gateway.inFlight()).toBe(0);
  });

  it('when closed with a request hanging, it ends that request and resolves', async () => {
    let hanging!: () => void;
    const received = new Promise<void>((resolve) => (hanging = resolve));
    const gateway = await gatewayFor({ policy: () => ({ type: 'hang', applied: false }), onFault: () => hanging() });
    const request = post(gateway, '/charges', charge('b-1'), 'key-1');
    await received;
    await gateway.close();
    await expect(request).rejects.toThrow(/fetch failed/);
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow(/fetch failed/);
  });

  it('when asked to bind anything but 127.0.0.1, it refuses', async () => {
    await expect(startGateway({ host: '0.0.0.0' })).rejects.toThrow(/127\.0\.0\.1 only/);
  });
});
