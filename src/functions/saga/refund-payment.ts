import { refundBooking, sagaGatewayTimeoutMs, type RefundOutcome } from '../gateway-client.js';
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
 */
export const refundPayment: ActivityHandler = async (input, context): Promise<{ refund: RefundOutcome }> => ({
  refund: await refundBooking(context.resources.gatewayUrl, input, { timeoutMs: sagaGatewayTimeoutMs }),
});
