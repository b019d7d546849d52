import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junitXml } from '../../src/report/junit.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import { invalidReport, validReport } from '../verify/report-fixture.js';

interface Outcome {
  '@_message': string;
  '@_type': string;
  '#text'?: string;
}
interface Testcase {
  '@_name': string;
  '@_classname': string;
  failure?: Outcome;
  error?: Outcome;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  '@_timestamp': string;
  properties: { property: { '@_name': string; '@_value': string }[] };
  testcase: Testcase[];
}

/** Checks the XML is well-formed, then reads it with every element that may repeat as an array. */
function parse(xml: string): { testsuites: { '@_tests': string; testsuite: Suite[] } } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
  return parser.parse(xml);
}

describe('the JUnit report of a verification', () => {
  it('when invariants and thresholds were checked, it has one suite with a testcase for each and the right counts', () => {
    const { testsuites } = parse(junitXml(invalidReport));
    expect(testsuites.testsuite).toHaveLength(1);
    const suite = testsuites.testsuite[0]!;
    expect(suite).toMatchObject({ '@_name': 'booksim verify', '@_tests': '11', '@_failures': '3', '@_errors': '2', '@_skipped': '0', '@_timestamp': '2026-11-23T07:41:02' });
    expect(testsuites['@_tests']).toBe('11');
    expect(suite.testcase.map((c) => [c['@_classname'], c['@_name']])).toEqual([
      ['booksim.verify.invariants', '1 no-double-booking: at most one CONFIRMED booking per seat'],
      ['booksim.verify.invariants', '2 first-come-first-served: the confirmed booking is the earliest in line whose payment did not fail; no one was skipped'],
      ['booksim.verify.invariants', '3 payment-only-for-holder: net money is the price for CONFIRMED bookings, zero for the others'],
      ['booksim.verify.invariants', '4 reassignment: no seat unsold while an eligible booking waited behind a failed one'],
      ['booksim.verify.invariants', '5 exactly-once-effects: at most one capture, one refund and one ticket per booking'],
      ['booksim.verify.invariants', '6 nothing-lost: every acknowledged booking exists and ends in a terminal state'],
      ['booksim.verify.invariants', '7 no-limbo: every execution has ended, every queue is drained'],
      ['booksim.verify.invariants', '8 compensation-complete: a failed saga that charged refunded; one that held released'],
      ['booksim.verify.thresholds', 'api.p99<500'],
      ['booksim.verify.thresholds', 'decision.p99 < 2000ms'],
      ['booksim.verify.thresholds', 'vip.decision.p99.9<1500'],
    ]);
    const properties = Object.fromEntries(suite.properties.property.map((p) => [p['@_name'], p['@_value']]));
    expect(properties).toMatchObject({ runId: invalidReport.runId, stack: 'booksim', endpoint: 'http://127.0.0.1:4566', verifiedAt: '2026-11-23T07:41:02.517Z', verdict: 'invalid', exitCode: '1' });
  });

  it('when an invariant is violated, its testcase fails with the counterexamples and their time lines, escaped and read back intact', () => {
    const xml = junitXml(invalidReport);
    expect(xml).toContain('b-1 &amp; &lt;both&gt; paid');
    const failure = parse(xml).testsuites.testsuite[0]!.testcase[0]!.failure!;
    expect(failure['@_type']).toBe('invalid');
    expect(failure['@_message']).toBe('4 violations; first: seat S-007 has 2 CONFIRMED bookings: b-2 and b-1 & <both> paid');
    const text = failure['#text']!;
    expect(text).toContain('seat S-007 has 2 CONFIRMED bookings: b-2 and b-1 & <both> paid\n  +0.000s   b-1  request sent (202)\n  +0.014s   b-2  request sent (202)');
    expect(text).toContain('  now       b-2  CONFIRMED now');
    expect(text).toContain('seat S-042 has 2 CONFIRMED bookings: b-9 and b-8\n  +0.000s  b-8  request sent (202)');
    expect(text).toContain('… and 2 more violations, counted but not listed');
  });

  it('when a threshold is breached, its testcase fails with the measured value and the bound', () => {
    const breached = parse(junitXml(invalidReport)).testsuites.testsuite[0]!.testcase[9]!;
    expect(breached.failure).toMatchObject({ '@_type': 'breached', '@_message': 'breached: decision.p99 measured 4015.1 ms, must be < 2000 ms' });
    expect(breached.error).toBeUndefined();
  });

  it('when an invariant or a threshold is unknown, its testcase is an error saying why, so CI does not count it as a pass', () => {
    const cases = parse(junitXml(invalidReport)).testsuites.testsuite[0]!.testcase;
    expect(cases[5]!.error).toMatchObject({ '@_type': 'unknown', '@_message': expect.stringMatching(/^unknown: the run directory has no request log/) });
    expect(cases[10]!.error).toMatchObject({ '@_type': 'unknown', '@_message': "unknown: the run's histograms have no timeToDecisionByTier.VIP" });
    expect(cases[5]!.failure).toBeUndefined();
  });

  it('when an invariant holds or a threshold passes, its testcase is empty', () => {
    const xml = junitXml(invalidReport);
    expect(xml).toMatch(/<testcase name="2 first-come-first-served: [^"]*" classname="booksim.verify.invariants" time="0"\/>/);
    const cases = parse(xml).testsuites.testsuite[0]!.testcase;
    for (const passed of [cases[1]!, cases[6]!, cases[8]!]) expect(Object.keys(passed).filter((key) => !key.startsWith('@_'))).toEqual([]);
  });

  it('when everything holds and there is no threshold, it counts no failure and no error', () => {
    const suite = parse(junitXml(validReport)).testsuites.testsuite[0]!;
    expect(suite).toMatchObject({ '@_tests': '8', '@_failures': '0', '@_errors': '0' });
    expect(suite.testcase.every((c) => c.failure === undefined && c.error === undefined)).toBe(true);
  });

  it('when a message holds quotes, newlines or control characters, the XML stays valid and the message one line', () => {
    const report: VerifyReport = {
      ...invalidReport,
      invariants: [
        {
          ...invalidReport.invariants[0]!,
          counterexamples: [{ bookingIds: ['b-"1"'], message: "seat 'S-1'\nhas \u001b[31m\"two\"\u0000 holders ]]>", events: [{ bookingId: 'b-"1"', what: 'a < b && c > d' }] }],
        },
      ],
      thresholds: [],
    };
    const failure = parse(junitXml(report)).testsuites.testsuite[0]!.testcase[0]!.failure!;
    expect(failure['@_message']).toBe('4 violations; first: seat \'S-1\' has [31m"two" holders ]]>');
    expect(failure['#text']).toContain('now  b-"1"  a < b && c > d');
  });
});
