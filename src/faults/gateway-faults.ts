import type { FaultPolicy, FaultRequest, GatewayFault } from '../gateway/fault-policy.js';
import type { Random } from '../random.js';
import { FaultParamReader, isActive } from './spec.js';
import { faultsAt, type FaultLogger, type FaultName, type FaultSpec, type FaultWindow } from '../model/fault.js';

/** The faults the payment gateway injects. */
export const gatewayFaultNames: ReadonlySet<FaultName> = new Set(faultsAt('gateway'));

/** One gateway fault, its parameters read. */
interface GatewayRule {
  name: FaultName;
  window: FaultWindow;
  probability: number;
  kinds: ReadonlySet<FaultRequest['kind']>;
  fault(random: Random): GatewayFault;
  action: string;
}

const kindsOf = (on: 'charge' | 'refund' | 'both'): ReadonlySet<FaultRequest['kind']> => new Set(on === 'both' ? ['charge', 'refund'] : [on]);

const appliedChoices = ['true', 'false', 'random'] as const;
/** `applied=true|false|random`: whether a hung request's effect happened anyway. */
function appliedOf(reader: FaultParamReader, fallback: (typeof appliedChoices)[number]): (random: Random) => boolean {
  const raw = reader.choice('applied', appliedChoices, fallback);
  return raw === 'random' ? (random) => random() < 0.5 : () => raw === 'true';
}

const errorStatuses = [500, 502, 503] as const;

/** How long refunds hang when `for` is not given: longer than the saga's refund retries, so bookings escalate. */
const refundTimeoutForMs = 15_000;

/**
 * When a fault is active (`from`, `for`), with refund-timeout's default length: the only
 * fault that ends by itself unless told. Read through `reader` when the caller reads the
 * fault's other parameters too, so that its done() knows these.
 */
export function faultWindowOf(spec: FaultSpec, reader = new FaultParamReader(spec)): FaultWindow {
  const forMs = reader.durationMs('for', spec.name === 'refund-timeout' ? refundTimeoutForMs : undefined);
  return { fromMs: reader.durationMs('from', 0), ...(forMs !== undefined ? { forMs } : {}) };
}

/**
 * Reads a gateway fault's parameters (every fault also takes `from` and `for`, its
 * window):
 * - `payment-decline`: `rate` (0.2) of charges declined;
 * - `gateway-error`: `rate` (0.1) of requests answered 500/502/503 without effect, `on`
 *   charge|refund|both (both);
 * - `gateway-lost-response`: `rate` (0.1) of requests that never get an answer, `on`
 *   (charge), `applied` true|false|random (true: "the charge happened, the response was lost");
 * - `refund-timeout`: `rate` (1) of refunds that hang past the task's timeout while the
 *   window lasts (`for`, 15s: longer than the saga's refund retries, so bookings escalate),
 *   `applied` (false).
 */
function ruleOf(spec: FaultSpec): GatewayRule {
  const reader = new FaultParamReader(spec);
  const rule = ((): GatewayRule => {
    switch (spec.name) {
      case 'payment-decline':
        return { name: spec.name, window: reader.window(), probability: reader.probability('rate', 0.2), kinds: kindsOf('charge'), fault: () => ({ type: 'decline', reason: 'card_declined' }), action: 'declined the charge' };
      case 'gateway-error': {
        const kinds = kindsOf(reader.choice('on', ['charge', 'refund', 'both'] as const, 'both'));
        return {
          name: spec.name,
          window: reader.window(),
          probability: reader.probability('rate', 0.1),
          kinds,
          fault: (random) => ({ type: 'error', status: errorStatuses[Math.floor(random() * errorStatuses.length)]! }),
          action: 'answered 5xx without effect',
        };
      }
      case 'gateway-lost-response': {
        const kinds = kindsOf(reader.choice('on', ['charge', 'refund', 'both'] as const, 'charge'));
        const applied = appliedOf(reader, 'true');
        return { name: spec.name, window: reader.window(), probability: reader.probability('rate', 0.1), kinds, fault: (random) => ({ type: 'hang', applied: applied(random) }), action: 'lost the response' };
      }
      case 'refund-timeout': {
        const applied = appliedOf(reader, 'false');
        return { name: spec.name, window: faultWindowOf(spec, reader), probability: reader.probability('rate', 1), kinds: kindsOf('refund'), fault: (random) => ({ type: 'hang', applied: applied(random) }), action: 'hung the refund' };
      }
      default:
        throw new Error(`${spec.name} is not a gateway fault`);
    }
  })();
  reader.done();
  return rule;
}

/**
 * The gateway's fault policy for a run's gateway faults, or undefined when there are none:
 * for each request, the first fault that is active (its window, on `elapsedMs` since the
 * load started), applies to the request's kind and wins its draw decides; each injection is
 * logged. Faults are drawn from `random`, so a seed repeats them. Throws a usage error for
 * bad parameters, before the run starts.
 */
export function gatewayFaultPolicy(specs: readonly FaultSpec[], deps: { random: Random; elapsedMs: () => number; log: FaultLogger }): FaultPolicy | undefined {
  const rules = specs.filter((spec) => gatewayFaultNames.has(spec.name)).map(ruleOf);
  if (rules.length === 0) return undefined;
  return (request) => {
    const elapsed = deps.elapsedMs();
    for (const rule of rules) {
      if (!rule.kinds.has(request.kind) || !isActive(rule.window, elapsed) || !(deps.random() < rule.probability)) continue;
      const fault = rule.fault(deps.random);
      deps.log({ fault: rule.name, action: `${rule.action} (${request.kind} attempt ${request.attempt})`, bookingId: request.bookingId, detail: { kind: request.kind, attempt: request.attempt, amount: request.amount, fault } });
      return fault;
    }
    return undefined;
  };
}
