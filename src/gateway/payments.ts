import type { Ledger, LedgerEntry } from './ledger.js';
import { errorReply, invalidRequest, type GatewayReply } from './reply.js';
import type { ChargeRequest, RefundRequest } from './requests.js';

/** What a refund request will do, decided against the ledger before any fault is drawn. */
export type RefundPlan =
  | { action: 'refund'; amount: number }
  | { action: 'nothing_to_refund' }
  | { action: 'already_refunded'; refundId: string };

/**
 * The gateway's money operations. Each writes its ledger entry (or none, where it says
 * so) and returns the reply the client gets, which is also what its key replays.
 * Identifiers are derived from the ledger's seq (`ch_12`, `re_13`), so a run's ids are
 * reproducible and lead straight to their entry.
 */
export class Payments {
  constructor(private readonly ledger: Ledger) {}

  /** Captures a charge: a `charge`/`captured` entry and a 201. */
  capture(key: string, request: ChargeRequest, responseLost: boolean): GatewayReply {
    const entry = this.record(key, request.bookingId, request.amount, 'charge', 'captured', responseLost);
    const { bookingId, amount, currency } = request;
    return { status: 201, body: { chargeId: `ch_${entry.seq}`, bookingId, amount, currency, status: 'captured' } };
  }

  /** Refuses a charge: a `decline`/`declined` entry and a 402 with the reason. */
  decline(key: string, request: ChargeRequest, reason: string): GatewayReply {
    this.record(key, request.bookingId, request.amount, 'decline', 'declined', false);
    return errorReply(402, 'PaymentDeclined', undefined, { reason });
  }

  /**
   * Decides a refund: the whole net captured amount unless `amount` says less; nothing
   * when the booking has no capture; the earlier refund when it has one, since a booking
   * is refunded at most once. A 400 when `amount` exceeds what was captured.
   */
  planRefund(request: RefundRequest): RefundPlan {
    const previous = this.ledger.refundOf(request.bookingId);
    if (previous) return { action: 'already_refunded', refundId: refundIdOf(previous) };
    const { captured } = this.ledger.money(request.bookingId);
    if (captured === 0) return { action: 'nothing_to_refund' };
    const amount = request.amount ?? captured;
    if (amount > captured) invalidRequest(`amount ${amount} exceeds the ${captured} cents captured for booking ${request.bookingId}.`);
    return { action: 'refund', amount };
  }

  /**
   * Carries out a plan: a `refund` entry (`refunded` with a 201, or `nothing_to_refund`
   * with amount 0 and a 200, so the ledger shows the compensation ran); no entry for
   * `already_refunded`, which only points at the earlier refund.
   */
  refund(key: string, bookingId: string, plan: RefundPlan, responseLost: boolean): GatewayReply {
    switch (plan.action) {
      case 'already_refunded':
        return { status: 200, body: { status: 'already_refunded', bookingId, refundId: plan.refundId } };
      case 'nothing_to_refund':
        this.record(key, bookingId, 0, 'refund', 'nothing_to_refund', responseLost);
        return { status: 200, body: { status: 'nothing_to_refund', bookingId } };
      case 'refund': {
        const entry = this.record(key, bookingId, plan.amount, 'refund', 'refunded', responseLost);
        return { status: 201, body: { refundId: refundIdOf(entry), bookingId, amount: plan.amount, status: 'refunded' } };
      }
    }
  }

  /** Records a request that failed without effect (an injected 5xx, or lost before it was applied). */
  fail(key: string, bookingId: string, amount: number, responseLost: boolean): void {
    this.record(key, bookingId, amount, 'error', 'failed', responseLost);
  }

  private record(
    idempotencyKey: string,
    bookingId: string,
    amount: number,
    type: LedgerEntry['type'],
    outcome: LedgerEntry['outcome'],
    responseLost: boolean,
  ): LedgerEntry {
    // responseLost only where it is true, so ordinary entries stay as short as the spec's.
    return this.ledger.append({ type, bookingId, idempotencyKey, amount, outcome, ...(responseLost ? { responseLost } : {}) });
  }
}

function refundIdOf(entry: LedgerEntry): string {
  return `re_${entry.seq}`;
}
