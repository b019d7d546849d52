import { BooksimError } from '../errors.js';
import type { Random } from '../random.js';
import type { FaultPolicy, GatewayFault } from './fault-policy.js';

/** Declines every charge of the given bookings, on every attempt; injects nothing else. */
export function declineBookings(ids: ReadonlySet<string>, reason = 'card_declined'): FaultPolicy {
  return (request) => (request.kind === 'charge' && ids.has(request.bookingId) ? { type: 'decline', reason } : undefined);
}

export interface RandomFaultRates {
  /** Share of charges declined. Default 0. */
  declineRate?: number;
  /** Share of requests answered 500, 502 or 503 without effect. Default 0. */
  errorRate?: number;
  /** Share of requests that never get a response; half of them were applied. Default 0. */
  hangRate?: number;
  random: Random;
}

const errorStatuses = [500, 502, 503] as const;
const declineReasons = ['card_declined', 'insufficient_funds', 'expired_card'] as const;

/**
 * Faults drawn independently for each request from `random`, so a seeded generator
 * repeats a run's faults. The rates are absolute and apply to refunds as to charges,
 * except that a refund is never declined. Throws a usage error when a rate is outside
 * [0, 1] or the rates add up to more than 1.
 */
export function randomFaults({ declineRate = 0, errorRate = 0, hangRate = 0, random }: RandomFaultRates): FaultPolicy {
  const rates = { declineRate, errorRate, hangRate };
  for (const [name, rate] of Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1)) throw new BooksimError(`gateway fault ${name} must be between 0 and 1, not ${rate}.`);
  }
  if (declineRate + errorRate + hangRate > 1) {
    throw new BooksimError(`gateway fault rates add up to ${declineRate + errorRate + hangRate}, more than 1.`);
  }
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!;
  return (request): GatewayFault | undefined => {
    // One draw places the request in a band, so the rates hold exactly and do not shadow each other.
    const draw = random();
    if (draw < declineRate) return request.kind === 'charge' ? { type: 'decline', reason: pick(declineReasons) } : undefined;
    if (draw < declineRate + errorRate) return { type: 'error', status: pick(errorStatuses) };
    if (draw < declineRate + errorRate + hangRate) return { type: 'hang', applied: random() < 0.5 };
    return undefined;
  };
}
