import { STATUS_CODES } from 'node:http';
import type { Clock } from '../clock.js';
import type { FaultEvent, FaultPolicy, FaultRequest, GatewayFault } from './fault-policy.js';
import { IdempotencyStore } from './idempotency.js';
import type { Ledger } from './ledger.js';
import { Payments } from './payments.js';
import { errorReply, respond, type Delivery, type GatewayReply } from './reply.js';
import { parseChargeRequest, parseRefundRequest, type ChargeRequest, type RefundRequest } from './requests.js';

export interface PaymentGatewayOptions {
  clock: Clock;
  ledger: Ledger;
  policy?: FaultPolicy;
  onFault?: (event: FaultEvent) => void;
}

/** A request checked and priced, ready to be applied. */
interface Operation {
  amount: number;
  /** Applies the effect (ledger entry) and returns the reply to store under the key. */
  apply(responseLost: boolean): GatewayReply;
  /** Present for charges only: applies a decline instead. */
  decline?(reason: string): GatewayReply;
}

/**
 * The gateway's request logic without HTTP: idempotency, fault policy and money.
 *
 * Concurrency: a request is handled in one synchronous step once its body is read —
 * key lookup, policy, ledger write and storing the result have no await between them —
 * so of two concurrent requests under one key the first applies and the second finds
 * its stored result and gets the replay. There is no "in progress" state to answer 409
 * RequestInProgress for: delays and hangs act on the response only, after the result is
 * stored, so a retry after a hang is answered at once instead of waiting on a request
 * that will never finish.
 */
export class PaymentGateway {
  private readonly keys = new IdempotencyStore();
  private readonly payments: Payments;
  private policy: FaultPolicy | undefined;

  constructor(private readonly options: PaymentGatewayOptions) {
    this.payments = new Payments(options.ledger);
    this.policy = options.policy;
  }

  /** Replaces the fault policy for later requests; undefined injects nothing. */
  setPolicy(policy: FaultPolicy | undefined): void {
    this.policy = policy;
  }

  /**
   * Handles `POST /charges` or `POST /refunds` with a validated key and a parsed body.
   * Throws a GatewayRequestError (400) for a bad body, without counting an attempt.
   * Side effects: ledger entries, the stored result under the key, onFault.
   */
  submit(kind: FaultRequest['kind'], key: string, body: Record<string, unknown>): Delivery {
    const parsed = kind === 'charge' ? { kind, request: parseChargeRequest(body) } : { kind, request: parseRefundRequest(body) };
    const fingerprint = JSON.stringify(parsed);
    const attempt = this.keys.nextAttempt(key);
    const found = this.keys.lookup(key, fingerprint);
    if (found.state === 'conflict') {
      return respond(errorReply(409, 'IdempotencyKeyReused', `the Idempotency-Key ${key} was used with another request.`));
    }
    // Stripe replays the stored answer; 201 becomes 200 because nothing was created this time.
    if (found.state === 'replay') return respond({ ...found.reply, status: found.reply.status === 201 ? 200 : found.reply.status }, 0, true);

    const { bookingId } = parsed.request;
    const operation = parsed.kind === 'charge' ? this.chargeOperation(key, parsed.request) : this.refundOperation(key, parsed.request);
    const fault = this.drawFault({ kind, bookingId, amount: operation.amount, attempt }, key);
    const settle = (reply: GatewayReply) => {
      this.keys.save(key, fingerprint, reply);
      return reply;
    };
    switch (fault?.type) {
      case undefined:
        return respond(settle(operation.apply(false)));
      case 'delay':
        return respond(settle(operation.apply(false)), fault.ms);
      case 'decline':
        return respond(settle(operation.decline!(fault.reason)));
      case 'error':
        this.payments.fail(key, bookingId, operation.amount, false);
        return respond(errorReply(fault.status, 'GatewayError', STATUS_CODES[fault.status]));
      case 'hang':
        if (fault.applied) settle(operation.apply(true));
        else this.payments.fail(key, bookingId, operation.amount, true);
        return { type: 'hang' };
    }
  }

  private chargeOperation(key: string, request: ChargeRequest): Operation {
    return {
      amount: request.amount,
      apply: (lost) => this.payments.capture(key, request, lost),
      decline: (reason) => this.payments.decline(key, request, reason),
    };
  }

  private refundOperation(key: string, request: RefundRequest): Operation {
    const plan = this.payments.planRefund(request);
    return { amount: plan.action === 'refund' ? plan.amount : 0, apply: (lost) => this.payments.refund(key, request.bookingId, plan, lost) };
  }

  /** Asks the policy and reports what it injects; a decline for a refund is a policy bug and throws. */
  private drawFault(request: FaultRequest, idempotencyKey: string): GatewayFault | undefined {
    const fault = this.policy?.(request);
    if (!fault) return undefined;
    if (fault.type === 'decline' && request.kind !== 'charge') throw new Error('the gateway fault policy declined a refund: declines apply to charges only.');
    this.options.onFault?.({ ...request, at: new Date(this.options.clock.now()).toISOString(), idempotencyKey, fault });
    return fault;
  }
}
