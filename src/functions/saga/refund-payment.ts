import { randomUUID } from 'node:crypto';
import { refundBooking, refundKey, sagaGatewayTimeoutMs, type RefundOutcome } from '../gateway-client.js';
import type { ActivityHandler } from '../model.js';

/**
 * RefundPayment (compensation): returns whatever was captured for the booking, under the
 * key `refund:<bookingId>`; its result `{refund}` goes to `$.refund`. Safe to run when the
 * charge never happened (`nothing_to_refund`) and to run again (`already_refunded` or the
 * replayed answer): the booking is refunded at most once (invariants 5 and 8, docs/design.md, Invariants).
 * Throws TaskError RefundTimeout or GatewayError (retried, then escalated to manual
 * review) or GatewayRejected (escalated at once). An input's `refundKey` replaces the key
 * (the reconciler's sabotage `new-key-on-retry`); the gateway still refunds a booking at
 * most once.
 *
 * Sabotage `refund-new-key` (FunctionContext.sabotage): every attempt sends a key of its
 * own, `refund:<bookingId>:<uuid>`, so a retry after a timeout is a new refund instead of
 * a replay. The gateway returns a booking's money once whatever the key (a second refund
 * is `already_refunded`), but the refund of a booking with nothing captured is applied
 * again under each key: two `nothing_to_refund` operations in the ledger.
 */
export const refundPayment: ActivityHandler = async (input, context): Promise<{ refund: RefundOutcome }> => {
  const booking = context.sabotage?.has('refund-new-key') ? { ...input, refundKey: `${refundKey(input.bookingId)}:${randomUUID()}` } : input;
  return { refund: await refundBooking(context.resources.gatewayUrl, booking, { timeoutMs: sagaGatewayTimeoutMs }) };
};
