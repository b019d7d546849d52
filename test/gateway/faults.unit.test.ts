import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { FaultEvent, FaultPolicy, FaultRequest, GatewayFault } from '../../src/gateway/fault-policy.js';
import { charge, gatewayFor, post } from './gateway-client.js';

/** A policy that injects `fault` on the first attempt under each key and records what it was asked. */
function onFirstAttempt(fault: GatewayFault, seen: FaultRequest[] = []): FaultPolicy {
  return (request) => {
    seen.push(request);
    return request.attempt === 1 ? fault : undefined;
  };
}

/** A request the gateway leaves unanswered: the client gives up after 200 ms of real time. */
async function expectNoAnswer(request: Promise<unknown>): Promise<void> {
  await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
}

const captures = (entries: Array<{ outcome: string }>) => entries.filter((e) => e.outcome === 'captured').length;

describe('gateway faults', () => {
  it('when the policy declines a charge, it answers 402, records the decline, and replays it to a retry without asking again', async () => {
    const seen: FaultRequest[] = [];
    const events: FaultEvent[] = [];
    const clock = new ManualClock(Date.UTC(2026, 4, 1));
    const gateway = await gatewayFor({ clock, policy: onFirstAttempt({ type: 'decline', reason: 'insufficient_funds' }, seen), onFault: (e) => events.push(e) });
    const declined = await post(gateway, '/charges', charge('b-1'), 'key-1');
    expect(declined).toEqual({ status: 402, replayed: false, body: { error: 'PaymentDeclined', reason: 'insufficient_funds' } });
    expect(await post(gateway, '/charges', charge('b-1'), 'key-1')).toEqual({ ...declined, replayed: true });
    expect(seen).toEqual([{ kind: 'charge', bookingId: 'b-1', amount: 4200, attempt: 1 }]);
    expect(events).toEqual([{ ...seen[0], at: '2026-05-01T00:00:00.000Z', idempotencyKey: 'key-1', fault: { type: 'decline', reason: 'insufficient_funds' } }]);
    expect(gateway.ledger().map((e) => [e.type, e.outcome])).toEqual([['decline', 'declined']]);
  });

  it('when the policy injects a 5xx, nothing is applied or stored, and the retry under the same key captures once', async () => {
    const seen: FaultRequest[] = [];
    const gateway = await gatewayFor({ policy: onFirstAttempt({ type: 'error', status: 503 }, seen) });
    expect(await post(gateway, '/charges', charge('b-1'), 'key-1')).toMatchObject({ status: 503, body: { error: 'GatewayError' } });
    expect(await post(gateway, '/charges', charge('b-1'), 'key-1')).toMatchObject({ status: 201, replayed: false });
    expect(seen.map((r) => r.attempt)).toEqual([1, 2]);
    expect(gateway.ledger().map((e) => [e.type, e.outcome])).toEqual([
      ['error', 'failed'],
      ['charge', 'captured'],
    ]);
  });

  it('when a charge hangs after it was applied, the client times out, the ledger shows the capture as responseLost, and the retry gets it replayed', async () => {
    const gateway = await gatewayFor({ policy: onFirstAttempt({ type: 'hang', applied: true }) });
    await expectNoAnswer(post(gateway, '/charges', charge('b-1'), 'key-1', AbortSignal.timeout(200)));
    expect(gateway.ledger()).toEqual([
      { seq: 1, at: expect.any(String), type: 'charge', bookingId: 'b-1', idempotencyKey: 'key-1', amount: 4200, outcome: 'captured', responseLost: true },
    ]);
    const retry = await post(gateway, '/charges', charge('b-1'), 'key-1');
    expect(retry).toMatchObject({ status: 200, replayed: true, body: { chargeId: 'ch_1', status: 'captured' } });
    expect(captures(gateway.ledger())).toBe(1);
  });

  it('when a charge hangs before it was applied, the client times out, nothing is captured, and the retry captures once', async () => {
    const gateway = await gatewayFor({ policy: onFirstAttempt({ type: 'hang', applied: false }) });
    await expectNoAnswer(post(gateway, '/charges', charge('b-1'), 'key-1', AbortSignal.timeout(200)));
    expect(gateway.ledger().map((e) => [e.type, e.outcome, e.responseLost])).toEqual([['error', 'failed', true]]);
    expect(await post(gateway, '/charges', charge('b-1'), 'key-1')).toMatchObject({ status: 201, replayed: false });
    expect(captures(gateway.ledger())).toBe(1);
  });

  it('when a refund hangs after it was applied, a refund retry under another key still refunds nothing more', async () => {
    const gateway = await gatewayFor();
    await post(gateway, '/charges', charge('b-1'), 'charge-b-1');
    gateway.setPolicy(onFirstAttempt({ type: 'hang', applied: true }));
    await expectNoAnswer(post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-1', AbortSignal.timeout(200)));
    gateway.setPolicy(undefined);
    expect((await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-2')).body).toMatchObject({ status: 'already_refunded', refundId: 're_2' });
    expect(gateway.ledger().filter((e) => e.outcome === 'refunded')).toHaveLength(1);
  });

  it('when the policy delays a charge, it applies it at once and answers only when the clock reaches the delay', async () => {
    const clock = new ManualClock();
    const gateway = await gatewayFor({ clock, policy: onFirstAttempt({ type: 'delay', ms: 5_000 }) });
    let answered = false;
    const answer = post(gateway, '/charges', charge('b-1'), 'key-1').finally(() => (answered = true));
    await clock.whenPending(1);
    expect(captures(gateway.ledger())).toBe(1);
    clock.advance(4_999);
    // A replay goes through the same server: once it is back, the delayed answer would have been too.
    expect(await post(gateway, '/charges', charge('b-1'), 'key-1')).toMatchObject({ status: 200, replayed: true });
    expect(answered).toBe(false);
    clock.advance(1);
    expect(await answer).toMatchObject({ status: 201, body: { chargeId: 'ch_1' } });
  });

  it('when the policy declines a refund, it answers 500 and applies nothing, since declines are for charges only', async () => {
    const gateway = await gatewayFor({ policy: () => ({ type: 'decline', reason: 'card_declined' }) });
    expect(await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-1')).toMatchObject({ status: 500, body: { error: 'InternalError' } });
    expect(gateway.ledger()).toEqual([]);
  });
});
