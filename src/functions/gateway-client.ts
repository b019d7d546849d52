import { timingProfile, timingProfiles } from '../deploy/saga-profiles.js';
import { TaskError } from './model.js';
import { type SagaInput } from '../model/booking.js';

/**
 * The saga's HTTP client for the payment gateway (src/gateway/README.md). Every outcome
 * becomes either a result or a {@link TaskError} named as the saga's Retry/Catch expect
 * (src/deploy/saga.ts): PaymentDeclined, GatewayError, RefundTimeout, GatewayRejected.
 *
 * Idempotency keys are derived from the bookingId alone, so every retry, redelivery or
 * reconciler restart of a step sends the same key and the gateway replays instead of
 * charging or refunding again. The gateway's keys are global, so the charge and the
 * refund of one booking need different keys. A saga input's `chargeKey` / `refundKey`
 * replace them: only sabotages set them, to show what a new key does — the reconciler's
 * `new-key-on-retry` on a restart (a second capture), RefundPayment's `refund-new-key` on
 * every attempt (a second refund operation).
 */

export interface GatewayCallOptions {
  /** The client gives up after this long; the request may still have been applied. */
  timeoutMs: number;
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
}

/** A captured charge. */
export interface Charge {
  chargeId: string;
  /** Cents, as the gateway captured them. */
  amount: number;
}

/** Every way a refund can succeed: money returned now, nothing was captured, or an earlier refund already returned it. */
export type RefundOutcome = 'refunded' | 'nothing_to_refund' | 'already_refunded';

/** The Idempotency-Key of a booking's charge. */
export const chargeKey = (bookingId: string): string => `charge:${bookingId}`;

/** The Idempotency-Key of a booking's refund. */
export const refundKey = (bookingId: string): string => `refund:${bookingId}`;

const gatewayTasks = ['ValidatePayment', 'RefundPayment'] as const;

/**
 * How long the saga's workers wait for the gateway: half the shortest heartbeat interval
 * of ValidatePayment and RefundPayment in any profile. A worker sends no heartbeat while
 * it waits, so a longer wait would end as States.HeartbeatTimeout (the worker presumed
 * dead) instead of the worker's own, more precise GatewayError or RefundTimeout.
 */
export const sagaGatewayTimeoutMs =
  (Math.min(...timingProfiles.flatMap((name) => gatewayTasks.map((task) => timingProfile(name).activities[task].heartbeatSeconds))) * 1000) / 2;

/**
 * Charges the booking's amount under the key `charge:<bookingId>` (or the input's
 * `chargeKey`): its capture, fresh or replayed. Throws TaskError PaymentDeclined (402, the reason as message); GatewayError
 * for a 5xx, no answer, or a timeout — after which the charge may or may not have
 * happened, and a retry under the same key settles which; GatewayRejected for any other
 * refusal (e.g. 409: the key was used with another amount), which no retry can fix.
 */
export async function chargeBooking(gatewayUrl: string, booking: Pick<SagaInput, 'bookingId' | 'amount' | 'chargeKey'>, options: GatewayCallOptions): Promise<Charge> {
  const { bookingId, amount } = booking;
  const answer = await post(gatewayUrl, '/charges', booking.chargeKey ?? chargeKey(bookingId), { bookingId, amount }, options, 'GatewayError');
  if (answer.status === 402) throw new TaskError('PaymentDeclined', `the gateway declined booking ${bookingId}: ${String(answer.body.reason)}`);
  if ((answer.status === 200 || answer.status === 201) && answer.body.status === 'captured') {
    return { chargeId: String(answer.body.chargeId), amount: Number(answer.body.amount) };
  }
  throw unexpected(answer, `charge of booking ${bookingId}`);
}

/**
 * Refunds whatever was captured for the booking, under the key `refund:<bookingId>` (or
 * the input's `refundKey`); all three outcomes are success. Throws TaskError RefundTimeout when no answer came in time
 * (the refund may or may not have happened: retry under the same key), GatewayError for a
 * 5xx or no answer at all, GatewayRejected for any other refusal.
 */
export async function refundBooking(gatewayUrl: string, booking: Pick<SagaInput, 'bookingId' | 'refundKey'>, options: GatewayCallOptions): Promise<RefundOutcome> {
  const { bookingId } = booking;
  const answer = await post(gatewayUrl, '/refunds', booking.refundKey ?? refundKey(bookingId), { bookingId }, options, 'RefundTimeout');
  const status = answer.body.status;
  if ((answer.status === 200 || answer.status === 201) && (status === 'refunded' || status === 'nothing_to_refund' || status === 'already_refunded')) return status;
  throw unexpected(answer, `refund of booking ${bookingId}`);
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** What the gateway holds for a booking, in cents. */
export interface BookingMoney {
  captured: number;
  refunded: number;
  /** captured − refunded. */
  net: number;
}

/**
 * Reads what the gateway captured and refunded for the booking (`GET /charges/:bookingId`,
 * a payment provider's "retrieve payment"): how the reconciler tells a saga stopped after
 * its refund from one stopped before it. Throws TaskError GatewayError for no answer in
 * time, a 5xx, or an answer that is not a booking's money; GatewayRejected for any other refusal.
 */
export async function moneyOfBooking(gatewayUrl: string, bookingId: string, options: GatewayCallOptions): Promise<BookingMoney> {
  const path = `/charges/${encodeURIComponent(bookingId)}`;
  const answer = await exchange(gatewayUrl, path, { method: 'GET' }, `GET ${path}`, options, 'GatewayError');
  const { captured, refunded, net } = answer.body;
  if (answer.status === 200 && typeof captured === 'number' && typeof refunded === 'number' && typeof net === 'number') return { captured, refunded, net };
  if (answer.status === 200) throw new TaskError('GatewayError', `money of booking ${bookingId}: an unreadable answer ${JSON.stringify(answer.body)}`);
  throw unexpected(answer, `money of booking ${bookingId}`);
}

/** POSTs a JSON body under an Idempotency-Key; see {@link exchange}. */
function post(gatewayUrl: string, path: string, key: string, body: object, options: GatewayCallOptions, timeoutError: string): Promise<Answer> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) };
  return exchange(gatewayUrl, path, init, `POST ${path} (key ${key})`, options, timeoutError, ': it may or may not have happened; a retry under the same key settles it.');
}

/**
 * Sends the request and reads the JSON answer, all within the timeout. A timeout throws
 * TaskError `timeoutError` (its message ends with `afterTimeout`); no connection or an
 * unreadable answer throws GatewayError. `what` names the request in messages.
 */
async function exchange(
  gatewayUrl: string,
  path: string,
  init: RequestInit,
  what: string,
  options: GatewayCallOptions,
  timeoutError: string,
  afterTimeout = '.',
): Promise<Answer> {
  const doFetch = options.fetch ?? fetch;
  try {
    // One signal for the request and the body: a gateway that sends headers and then stalls also times out.
    const response = await doFetch(gatewayUrl + path, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    const text = await response.text();
    return { status: response.status, body: parseBody(text) };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new TaskError(timeoutError, `${what} timed out after ${options.timeoutMs} ms${afterTimeout}`);
    throw new TaskError('GatewayError', `${what} got no answer: ${describe(error)}`);
  }
}

/** The answer's JSON object; an empty object for a body that is not one (a proxy's HTML error page). */
function parseBody(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A 5xx is transient (GatewayError, retried); anything else the gateway refused for good (GatewayRejected). */
function unexpected(answer: Answer, what: string): TaskError {
  const detail = `${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`;
  return new TaskError(answer.status >= 500 ? 'GatewayError' : 'GatewayRejected', detail);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici's "fetch failed" hides the reason (ECONNREFUSED, …) in its cause.
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
