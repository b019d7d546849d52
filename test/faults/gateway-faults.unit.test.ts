import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { GatewayFaultRules } from '../../src/faults/gateway/rules.js';
import { planFaults } from '../../src/faults/registry.js';
import { FaultRunner } from '../../src/faults/runner.js';
import { parseFaultSpec } from '../../src/faults/spec.js';
import type { FaultLogEntry } from '../../src/model/fault.js';
import type { FaultRequest } from '../../src/gateway/fault-policy.js';
import { seededRandom } from '../../src/random.js';
import { StormChaos } from '../../src/storm/chaos.js';

const charge = (attempt = 1): FaultRequest => ({ kind: 'charge', bookingId: 'B1', amount: 4200, attempt });
const refund = (attempt = 1): FaultRequest => ({ kind: 'refund', bookingId: 'B1', amount: 4200, attempt });

/** The gateway's policy for `specs`, their faults run from the start of the load on a manual clock; `elapsed.ms = …` moves it to that time since the start. */
function policyOf(specs: string[], seed = 1) {
  const log: Array<Omit<FaultLogEntry, 'at'>> = [];
  const clock = new ManualClock();
  const rules = new GatewayFaultRules(seededRandom(seed), (entry) => log.push(entry));
  new FaultRunner(planFaults(specs.map(parseFaultSpec)), clock, (entry) => entry.phase === undefined && log.push(entry)).loadStarted({ gateway: rules });
  const start = clock.now();
  const elapsed = {
    set ms(ms: number) {
      clock.advance(start + ms - clock.now());
    },
  };
  return { policy: rules.policy, log, elapsed };
}

describe('gateway faults', () => {
  it('when no gateway fault is asked for, there is no policy', () => {
    expect(new StormChaos({ faults: [parseFaultSpec('cold-start:ms=5')], sabotage: [] }, 1, new ManualClock()).gatewayPolicy).toBeUndefined();
  });

  it('when charges are declined at rate 1, every charge is declined and logged with its booking; refunds pass', () => {
    const { policy, log } = policyOf(['payment-decline:rate=1']);
    expect(policy(charge())).toEqual({ type: 'decline', reason: 'card_declined' });
    expect(policy(refund())).toBeUndefined();
    expect(log).toEqual([expect.objectContaining({ fault: 'payment-decline', bookingId: 'B1', action: 'declined the charge (charge attempt 1)' })]);
  });

  it('when a rate is below 1, about that share of requests is hit, the same ones for the same seed', () => {
    const hits = (seed: number) => {
      const { policy } = policyOf(['gateway-error:rate=0.25'], seed);
      return Array.from({ length: 2000 }, (_, i) => policy(charge(i + 1)) !== undefined);
    };
    const share = hits(7).filter(Boolean).length / 2000;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(hits(7)).toEqual(hits(7));
  });

  it('when refunds time out for a window, they hang (not applied by default) only inside it: after it, the heal', () => {
    const { policy, elapsed } = policyOf(['refund-timeout:from=1s,for=2s']);
    expect(policy(refund())).toBeUndefined();
    elapsed.ms = 1500;
    expect(policy(refund())).toEqual({ type: 'hang', applied: false });
    expect(policy(charge())).toBeUndefined();
    elapsed.ms = 3000;
    expect(policy(refund())).toBeUndefined();
  });

  it('when responses are lost, the charge is applied by default; applied=false or a refund target can be chosen', () => {
    expect(policyOf(['gateway-lost-response:rate=1']).policy(charge())).toEqual({ type: 'hang', applied: true });
    const { policy } = policyOf(['gateway-lost-response:rate=1,on=refund,applied=false']);
    expect(policy(charge())).toBeUndefined();
    expect(policy(refund())).toEqual({ type: 'hang', applied: false });
  });

  it('when a parameter is wrong, building the policy fails before the run, naming it', () => {
    expect(() => policyOf(['gateway-lost-response:on=everything'])).toThrow('on=everything is not one of charge, refund, both');
    expect(() => policyOf(['payment-decline:rat=1'])).toThrow('unknown parameter rat');
  });
});
