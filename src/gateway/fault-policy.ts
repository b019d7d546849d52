/**
 * A fault the gateway injects into one request. Faults are data, so a scenario can
 * schedule them, the fault log can record them and a test can name them.
 * - `decline`: the card is refused (charges only); the refusal is stored under the key.
 * - `error`: a 5xx before anything is applied; not stored, so a retry can succeed.
 * - `hang`: no response ever; with `applied` the effect happened all the same
 *   ("the charge happened but the response was lost").
 * - `delay`: the effect is applied at once and the response leaves `ms` later on the
 *   gateway's clock.
 */
export type GatewayFault =
  | { type: 'decline'; reason: string }
  | { type: 'error'; status: 500 | 502 | 503 }
  | { type: 'hang'; applied: boolean }
  | { type: 'delay'; ms: number };

/** What a policy sees of a request about to be executed (never of a replay). */
export interface FaultRequest {
  kind: 'charge' | 'refund';
  bookingId: string;
  /** Cents: the charge's amount, or the amount the refund would return. */
  amount: number;
  /** The nth request under this idempotency key, from 1, replays and conflicts included. */
  attempt: number;
}

/** Decides the fault for one request, or none; called once per executed request. */
export type FaultPolicy = (request: FaultRequest) => GatewayFault | undefined;

/** One injected fault, as the fault log records it. */
export interface FaultEvent extends FaultRequest {
  /** ISO time on the gateway's clock. */
  at: string;
  idempotencyKey: string;
  fault: GatewayFault;
}
