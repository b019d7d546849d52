import { chargeBooking, sagaGatewayTimeoutMs, type Charge } from '../gateway-client.js';
import type { ActivityHandler } from '../model.js';

/**
 * ValidatePayment: charges the booking's amount through the gateway under the key
 * `charge:<bookingId>`; its result `{chargeId, amount}` goes to `$.payment`. A retry, a
 * redelivered task or a restarted saga sends the same key, so the booking is captured at
 * most once (invariant 5, docs/design.md, Invariants). An input's `chargeKey` replaces the key: only the
 * reconciler's sabotage `new-key-on-retry` sets it, and then a restart charges again. Throws TaskError PaymentDeclined (the saga
 * releases the seat, nothing to refund), GatewayError (retried; may have charged) or
 * GatewayRejected (compensation refunds whatever was captured).
 */
export const validatePayment: ActivityHandler = (input, context): Promise<Charge> =>
  chargeBooking(context.resources.gatewayUrl, input, { timeoutMs: sagaGatewayTimeoutMs });
