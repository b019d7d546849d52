import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { GatewayFaultRules } from '../../src/faults/gateway/rules.js';
import { planFault, planFaults } from '../../src/faults/registry.js';
import { FaultRunner } from '../../src/faults/runner.js';
import { FaultParamReader, faultText, parseFaultSpec, withOverrides } from '../../src/faults/spec.js';
import { BooksimError } from '../../src/errors.js';
import { faultNames, type FaultTarget } from '../../src/model/fault.js';
import { allScenarios, scenarioNamed } from '../../src/scenarios/index.js';
import { usageError } from '../helpers/usage-error.js';


describe('fault specs', () => {
  it('when written NAME:key=value,…, it reads numbers, booleans and words, and writes them back the same', () => {
    const spec = parseFaultSpec('refund-timeout:rate=0.5,applied=true,for=10s');
    expect(spec).toEqual({ name: 'refund-timeout', params: { rate: 0.5, applied: true, for: '10s' } });
    expect(faultText(spec)).toBe('refund-timeout:rate=0.5,applied=true,for=10s');
    expect(parseFaultSpec('cold-start')).toEqual({ name: 'cold-start', params: {} });
  });

  it.each([
    ['crash-mid-hearbeat:after=2', 'there is no fault "crash-mid-hearbeat"'],
    ['payment-decline:rate', '"rate" is not key=value'],
    ['payment-decline:rate=0.1,=2', '"=2" is not key=value'],
  ])('when given %s, it refuses with a usage error that says what is wrong', (text, message) => {
    expect(usageError(() => parseFaultSpec(text))).toContain(message);
  });

  it('when every fault of the catalog is given with its defaults, each parses, is checked by its injector, and belongs to exactly one of them', () => {
    const injectorOf = (target: FaultTarget) => new Set(faultNames.filter((name) => planFault(parseFaultSpec(name)).target === target));
    const injectors = [injectorOf('gateway'), injectorOf('aws'), injectorOf('worker')];
    for (const name of faultNames) {
      const spec = parseFaultSpec(name);
      expect(spec).toEqual({ name, params: {} });
      expect(() => planFaults([spec])).not.toThrow();
      expect(injectors.filter((names) => (names as ReadonlySet<string>).has(name))).toHaveLength(1);
    }
    expect(injectors.reduce((n, names) => n + names.size, 0)).toBe(faultNames.length);
  });

  it('when a fault is unknown, it is refused with the list of every fault (exit 2)', () => {
    const error = (() => {
      try {
        parseFaultSpec('meteor-strike');
      } catch (caught) {
        return caught as BooksimError;
      }
      throw new Error('expected a usage error');
    })();
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('there is no fault "meteor-strike"');
    expect(error.suggestions.join(' ')).toContain(faultNames.join(', '));
  });

  it('when a scenario fault is named again, its parameters are overridden key by key; a new one is added', () => {
    const base = [parseFaultSpec('payment-decline:rate=0.4'), parseFaultSpec('refund-timeout:for=15s')];
    const merged = withOverrides(base, [parseFaultSpec('refund-timeout:applied=true'), parseFaultSpec('cold-start:ms=10')]);
    expect(merged.map(faultText)).toEqual(['payment-decline:rate=0.4', 'refund-timeout:for=15s,applied=true', 'cold-start:ms=10']);
    expect(base[1]!.params).toEqual({ for: '15s' });
  });

  it('when a parameter is read, a bad value or an unknown key is a usage error naming the fault', () => {
    expect(usageError(() => new FaultParamReader(parseFaultSpec('payment-decline:rate=2')).probability('rate', 0))).toContain('rate=2 is not a share between 0 and 1');
    expect(usageError(() => new FaultParamReader(parseFaultSpec('worker-hang:for=soon')).durationMs('for', 0))).toContain('for=soon is not a duration');
    expect(usageError(() => new FaultParamReader(parseFaultSpec('crash-mid-heartbeat:after=1.5')).integer('after', 2, 1))).toContain('after=1.5 is not a whole number');
    const reader = new FaultParamReader(parseFaultSpec('payment-decline:rate=0.1,rte=0.2'));
    reader.probability('rate', 0);
    expect(usageError(() => reader.done())).toContain('unknown parameter rte');
  });

  it('when a fault has a window, it is active from `from` for `for`, and healed after', () => {
    const window = new FaultParamReader(parseFaultSpec('refund-timeout:from=1s,for=500ms')).window();
    expect(window).toEqual({ fromMs: 1000, forMs: 500 });
    /** Whether a refund is hit `ms` after the load started, with the fault run from the start of the load on a manual clock. */
    const activeAt = (text: string) => {
      const clock = new ManualClock();
      const rules = new GatewayFaultRules(() => 0, () => {});
      new FaultRunner(planFaults([parseFaultSpec(text)]), clock, () => {}).loadStarted({ gateway: rules });
      const start = clock.now();
      return (ms: number) => {
        clock.advance(start + ms - clock.now());
        return rules.policy({ kind: 'refund', bookingId: 'B1', amount: 100, attempt: 1 }) !== undefined;
      };
    };
    const isActive = activeAt('refund-timeout:from=1s,for=500ms');
    expect([999, 1000, 1499, 1500].map((ms) => isActive(ms))).toEqual([false, true, true, false]);
    expect(activeAt('gateway-error:rate=1,on=refund')(1e9)).toBe(true);
  });
});

describe('scenarios', () => {
  it('when listed, every preset the issue names is there, with a summary and at least one fault', () => {
    expect(allScenarios.map((s) => s.name)).toEqual(['duplicates', 'declines', 'lost-responses', 'refund-timeouts', 'heartbeat-crash', 'throttling', 'stuck-orders', 'vip-rush', 'cold-starts', 'slow-step', 'kitchen-sink']);
    for (const scenario of allScenarios) {
      expect(scenario.summary.length).toBeGreaterThan(10);
      expect(scenario.faults.length).toBeGreaterThan(0);
    }
  });

  it('when a name is unknown, it says so and lists the scenarios (exit 2)', () => {
    expect(usageError(() => scenarioNamed('chaos-monkey'))).toBe('there is no scenario "chaos-monkey"');
  });
});
