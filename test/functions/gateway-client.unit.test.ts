import { describe, expect, it } from 'vitest';
import { chargeBooking, refundBooking, type GatewayCallOptions } from '../../src/functions/gateway-client.js';
import type { FaultPolicy, GatewayFault } from '../../src/gateway/fault-policy.js';
import { declineBookings } from '../../src/gateway/policies.js';
import { gatewayFor } from '../gateway/gateway-client.js';

/** Short enough that a hanging gateway costs the test little. */
const options: GatewayCallOptions = { timeoutMs: 300 };
const booking = { bookingId: 'b-1', amount: 4200 };

/** Injects `fault` into the first request of the given kind, and nothing else. */
function firstAttemptOf(kind: 'charge' | 'refund', fault: GatewayFault): FaultPolicy {
  return (request) => (request.kind === kind && request.attempt === 1 ? fault : undefined);
}

const outcomes = (entries: Array<{ outcome: string }>) => entries.map((e) => e.outcome);

describe('gateway client: charges', () => {
  it('when the gateway captures, it returns the charge, and a retry gets the same charge without a second capture', async () => {
    const gateway = await gatewayFor();
    const charge = await chargeBooking(gateway.url, booking, options);
    expect(charge).toEqual({ chargeId: 'ch_1', amount: 4200 });
    expect(await chargeBooking(gateway.url, booking, options)).toEqual(charge);
    expect(gateway.ledger()).toEqual([expect.objectContaining({ idempotencyKey: 'charge:b-1', outcome: 'captured' })]);
  });

  it('when the gateway declines, it throws PaymentDeclined with the reason', async () => {
    const gateway = await gatewayFor({ policy: declineBookings(new Set(['b-1']), 'insufficient_funds') });
    await expect(chargeBooking(gateway.url, booking, options)).rejects.toMatchObject({ name: 'TaskError', error: 'PaymentDeclined', message: expect.stringContaining('insufficient_funds') });
  });

  it('when the gateway answers 5xx, it throws GatewayError, and the retry captures once', async () => {
    const gateway = await gatewayFor({ policy: firstAttemptOf('charge', { type: 'error', status: 502 }) });
    await expect(chargeBooking(gateway.url, booking, options)).rejects.toMatchObject({ error: 'GatewayError', message: expect.stringContaining('502') });
    await chargeBooking(gateway.url, booking, options);
    expect(outcomes(gateway.ledger())).toEqual(['failed', 'captured']);
  });

  it('when the charge happened but the answer never came, it throws GatewayError, and the retry under the same key gets the capture replayed', async () => {
    const gateway = await gatewayFor({ policy: firstAttemptOf('charge', { type: 'hang', applied: true }) });
    await expect(chargeBooking(gateway.url, booking, options)).rejects.toMatchObject({ error: 'GatewayError', message: expect.stringContaining('may or may not have happened') });
    expect(await chargeBooking(gateway.url, booking, options)).toEqual({ chargeId: 'ch_1', amount: 4200 });
    expect(outcomes(gateway.ledger())).toEqual(['captured']);
    expect(gateway.stats()).toMatchObject({ replays: 1 });
  });

  it('when nothing listens, it throws GatewayError', async () => {
    const gateway = await gatewayFor();
    await gateway.close();
    await expect(chargeBooking(gateway.url, booking, options)).rejects.toMatchObject({ error: 'GatewayError', message: expect.stringContaining('no answer') });
  });

  it('when the key was used for another amount, it throws GatewayRejected, which no retry can fix', async () => {
    const gateway = await gatewayFor();
    await chargeBooking(gateway.url, booking, options);
    await expect(chargeBooking(gateway.url, { ...booking, amount: 1 }, options)).rejects.toMatchObject({ error: 'GatewayRejected', message: expect.stringContaining('409') });
  });
});

describe('gateway client: refunds', () => {
  it('when the booking was charged, it refunds once, and a retry is answered without a second refund', async () => {
    const gateway = await gatewayFor();
    await chargeBooking(gateway.url, booking, options);
    expect(await refundBooking(gateway.url, booking, options)).toBe('refunded');
    expect(await refundBooking(gateway.url, booking, options)).toBe('refunded');
    expect(gateway.ledger().map((e) => [e.idempotencyKey, e.outcome])).toEqual([
      ['charge:b-1', 'captured'],
      ['refund:b-1', 'refunded'],
    ]);
  });

  it('when nothing was captured, it succeeds with nothing_to_refund', async () => {
    const gateway = await gatewayFor();
    expect(await refundBooking(gateway.url, booking, options)).toBe('nothing_to_refund');
  });

  it('when the refund happened but the answer never came, it throws RefundTimeout, and the retry refunds nothing more', async () => {
    const gateway = await gatewayFor({ policy: firstAttemptOf('refund', { type: 'hang', applied: true }) });
    await chargeBooking(gateway.url, booking, options);
    await expect(refundBooking(gateway.url, booking, options)).rejects.toMatchObject({ error: 'RefundTimeout' });
    expect(await refundBooking(gateway.url, booking, options)).toBe('refunded');
    expect(outcomes(gateway.ledger())).toEqual(['captured', 'refunded']);
  });

  it('when the gateway answers 5xx to a refund, it throws GatewayError', async () => {
    const gateway = await gatewayFor({ policy: firstAttemptOf('refund', { type: 'error', status: 500 }) });
    await expect(refundBooking(gateway.url, booking, options)).rejects.toMatchObject({ error: 'GatewayError' });
  });
});
