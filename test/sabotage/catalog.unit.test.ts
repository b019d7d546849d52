import { describe, expect, it } from 'vitest';
import { plannedExposures } from '../../src/cli/sabotage-plans.js';
import { invariantKeys, sabotageCatalog, sabotageNames } from '../../src/model/sabotage.js';
import { exposureGroups, exposureLabel } from '../../src/sabotage/exposures.js';
import { invariantCheckers } from '../../src/verify/invariants/index.js';
import { parseThreshold } from '../../src/verify/thresholds.js';

describe('the sabotage catalog', () => {
  it('names the invariants as verify does, in the same order', () => {
    expect(invariantCheckers.map((checker) => checker.describe.key)).toEqual([...invariantKeys]);
  });

  it('has every sabotage caught by something its exposure checks', () => {
    for (const name of sabotageNames) {
      const { caughtBy, exposure } = sabotageCatalog[name];
      expect(caughtBy.invariants.length + caughtBy.thresholds.length, name).toBeGreaterThan(0);
      for (const threshold of caughtBy.thresholds) expect(exposure.thresholds, name).toContain(threshold);
      for (const threshold of exposure.thresholds) expect(() => parseThreshold(threshold), threshold).not.toThrow();
    }
  });

  it('breaks each of the eight invariants with at least one sabotage', () => {
    const caught = new Set(sabotageNames.flatMap((name) => sabotageCatalog[name].caughtBy.invariants));
    expect([...invariantKeys].filter((key) => !caught.has(key))).toEqual([]);
  });

  it('plans every exposure as storm would (scenario, faults and shape valid), without a sabotage', () => {
    const exposures = plannedExposures(sabotageNames, { seed: 1, concurrency: 16, reportsDir: 'reports' });
    expect(exposures.flatMap((exposure) => exposure.sabotages).sort()).toEqual([...sabotageNames].sort());
    for (const { storm } of exposures) expect(storm.chaos.sabotage).toEqual([]);
  });

  it('runs one control for sabotages that share an exposure, whatever the order of its fields', () => {
    const exposure = sabotageCatalog['ack-before-work'].exposure;
    const reordered = Object.fromEntries(Object.entries(exposure).reverse()) as typeof exposure;
    const catalog = { ...sabotageCatalog, 'no-heartbeat': { exposure: reordered }, 'no-task-timeout': { exposure: { ...exposure, rps: exposure.rps + 1 } } };
    const groups = exposureGroups(['ack-before-work', 'no-heartbeat', 'no-task-timeout'], catalog);
    expect(groups.map((group) => group.sabotages)).toEqual([['ack-before-work', 'no-heartbeat'], ['no-task-timeout']]);
    expect(exposureLabel({ ...exposure, scenario: 'declines', faults: ['worker-crash:function=inventory'], topology: 'fifo-fanout' })).toBe('declines + worker-crash:function=inventory on fifo-fanout');
  });
});
