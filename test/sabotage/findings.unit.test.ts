import { describe, expect, it } from 'vitest';
import { invariantKeys, sabotageCatalog, type SabotageEntry } from '../../src/model/sabotage.js';
import type { InvariantResult, VerifyReport } from '../../src/model/verdict.js';
import { controlFindings, matrixChecks, sabotageCells } from '../../src/sabotage/findings.js';
import { validInvariants, validReport } from '../verify/report-fixture.js';

const entry = (invariants: SabotageEntry['caughtBy']['invariants'], thresholds: string[] = []): SabotageEntry => ({
  ...sabotageCatalog['ack-before-work'],
  caughtBy: { invariants, thresholds },
  exposure: { ...sabotageCatalog['ack-before-work'].exposure, thresholds },
});

const broken = (key: string, verdict: InvariantResult['verdict'] = 'invalid', message = `${key} broke`): InvariantResult[] =>
  validInvariants.map((invariant) =>
    invariant.key === key ? { ...invariant, verdict, violations: verdict === 'invalid' ? 1 : 0, counterexamples: verdict === 'invalid' ? [{ bookingIds: ['B1'], message, events: [] }] : [] } : invariant,
  );

const reportWith = (invariants: InvariantResult[], thresholds: VerifyReport['thresholds'] = []): VerifyReport => ({
  ...validReport,
  verdict: invariants.some((i) => i.verdict === 'invalid') || thresholds.some((t) => t.verdict === 'breached') ? 'invalid' : 'valid',
  invariants,
  thresholds,
});

const finding = (cells: Array<{ check: string; finding: string }>, check: string) => cells.find((cell) => cell.check === check)?.finding;

describe('the sabotage matrix findings', () => {
  it('has the eight invariants in order as columns, then each threshold the exposures check once', () => {
    const checks = matrixChecks([entry(['nothing-lost'], ['crash.detection.max<4000']), entry(['no-limbo'], ['crash.detection.max<4000'])]);
    // The invariants in verify's order (test/sabotage/catalog.unit.test.ts holds them to it), then the threshold once.
    expect(checks.map((check) => check.key)).toEqual([...invariantKeys, 'crash.detection.max<4000']);
    expect(checks.map((check) => check.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, undefined]);
  });

  it('calls a sabotage caught when the invariant it should break is invalid, with the first counterexample, and marks others that flagged it besides', () => {
    const report = reportWith(broken('nothing-lost', 'invalid', 'booking B1 was acknowledged but is still PENDING').map((i) => (i.key === 'no-limbo' ? { ...i, verdict: 'invalid' as const } : i)));
    const { cells, caught } = sabotageCells(entry(['nothing-lost']), matrixChecks([entry(['nothing-lost'])]), report);
    expect(caught).toBe(true);
    expect(cells.find((cell) => cell.check === 'nothing-lost')).toEqual({ check: 'nothing-lost', expected: true, finding: 'caught', evidence: 'booking B1 was acknowledged but is still PENDING' });
    expect(finding(cells, 'no-limbo')).toBe('also');
    expect(finding(cells, 'no-double-booking')).toBe('held');
  });

  it('calls it not caught when the expected invariant held, or could only say unknown', () => {
    const checks = matrixChecks([entry(['nothing-lost'])]);
    const held = sabotageCells(entry(['nothing-lost']), checks, reportWith(broken('no-limbo')));
    expect(held.caught).toBe(false);
    expect(finding(held.cells, 'nothing-lost')).toBe('missed');
    const unknown = sabotageCells(entry(['nothing-lost']), checks, reportWith(broken('nothing-lost', 'unknown')));
    expect(unknown.caught).toBe(false);
    expect(finding(unknown.cells, 'nothing-lost')).toBe('unknown');
  });

  it('needs every expected check: one of two invalid is not caught', () => {
    const checks = matrixChecks([entry(['payment-only-for-holder', 'exactly-once-effects'])]);
    expect(sabotageCells(entry(['payment-only-for-holder', 'exactly-once-effects']), checks, reportWith(broken('exactly-once-effects'))).caught).toBe(false);
  });

  it('calls a threshold caught when it was breached, with the measured value, and missed when it passed', () => {
    const threshold = 'crash.detection.max<4000';
    const checks = matrixChecks([entry([], [threshold])]);
    const breached = { expression: threshold, metric: 'crash.detection', statistic: 'max', operator: '<' as const, limit: 4000, verdict: 'breached' as const, measured: 19_012.4 };
    const caught = sabotageCells(entry([], [threshold]), checks, reportWith(validInvariants, [breached]));
    expect(caught.caught).toBe(true);
    expect(caught.cells.at(-1)).toEqual({ check: threshold, expected: true, finding: 'caught', evidence: 'measured 19012.4' });
    const passed = sabotageCells(entry([], [threshold]), checks, reportWith(validInvariants, [{ ...breached, verdict: 'passed', measured: 2100 }]));
    expect(passed.caught).toBe(false);
    expect(passed.cells.at(-1)!.finding).toBe('missed');
  });

  it('calls a control valid only when verify found nothing, and lists what flagged it otherwise', () => {
    expect(controlFindings(validReport)).toEqual({ flagged: [], valid: true });
    expect(controlFindings(reportWith(broken('reassignment')))).toEqual({ flagged: ['reassignment invalid'], valid: false });
    const unknown = { ...reportWith(broken('nothing-lost', 'unknown')), verdict: 'unknown' as const };
    expect(controlFindings(unknown)).toEqual({ flagged: ['nothing-lost unknown'], valid: false });
  });
});
