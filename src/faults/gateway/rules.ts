import type { FaultPolicy, FaultRequest, GatewayFault } from '../../gateway/fault-policy.js';
import type { FaultLogger, FaultName } from '../../model/fault.js';
import type { Random } from '../../random.js';
import { listedUntilHealed, type Injection } from '../package.js';
import type { FaultParamReader } from '../spec.js';

/** One gateway fault, started: which requests it hits, how often, and with what. */
export interface GatewayRule {
  fault: FaultName;
  probability: number;
  kinds: ReadonlySet<FaultRequest['kind']>;
  inject(random: Random): GatewayFault;
  /** What the log says it did, e.g. "declined the charge". */
  action: string;
}

/**
 * The gateway faults injecting now, as the payment gateway's fault policy: for each
 * request, the first started rule that applies to the request's kind and wins its draw
 * decides; each injection is logged. Draws come from `random`, so a seed repeats them.
 */
export class GatewayFaultRules {
  private readonly started: GatewayRule[] = [];

  constructor(
    private readonly random: Random,
    private readonly log: FaultLogger,
  ) {}

  /** Injects `rule` until healed. */
  add(rule: GatewayRule): Injection {
    return listedUntilHealed(this.started, rule);
  }

  readonly policy: FaultPolicy = (request) => {
    for (const rule of this.started) {
      if (!rule.kinds.has(request.kind) || !(this.random() < rule.probability)) continue;
      const fault = rule.inject(this.random);
      this.log({ fault: rule.fault, action: `${rule.action} (${request.kind} attempt ${request.attempt})`, bookingId: request.bookingId, detail: { kind: request.kind, attempt: request.attempt, amount: request.amount, fault } });
      return fault;
    }
    return undefined;
  };
}

/** `on=charge|refund|both`: the requests a fault hits. */
export function kindsOf(reader: FaultParamReader, fallback: 'charge' | 'refund' | 'both'): ReadonlySet<FaultRequest['kind']> {
  const on = reader.choice('on', ['charge', 'refund', 'both'] as const, fallback);
  return new Set(on === 'both' ? ['charge', 'refund'] : [on]);
}

/** `applied=true|false|random`: whether a hung request's effect happened anyway. */
export function appliedOf(reader: FaultParamReader, fallback: 'true' | 'false' | 'random'): (random: Random) => boolean {
  const raw = reader.choice('applied', ['true', 'false', 'random'] as const, fallback);
  return raw === 'random' ? (random) => random() < 0.5 : () => raw === 'true';
}
