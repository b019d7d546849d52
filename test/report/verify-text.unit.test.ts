import chalk from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { timelineLines, verdictLine, verifyText } from '../../src/report/verify-text.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import { invalidReport, unknownReport, validReport } from '../verify/report-fixture.js';

const plain = (text: string) => stripVTControlCharacters(text);
const linesOf = (text: string) => plain(text).split('\n');
/** The lines after a heading, up to the next blank line. */
const section = (text: string, heading: string) => {
  const lines = linesOf(text);
  const start = lines.findIndex((line) => line.trim() === heading || line.trimStart().startsWith(heading));
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
};

describe('the verify report as text', () => {
  const level = chalk.level;
  afterEach(() => {
    chalk.level = level;
  });

  it('when rendered, it starts with the run, the stack, the endpoint and the run directory', () => {
    const text = plain(verifyText(invalidReport));
    expect(text.split('\n').slice(0, 4)).toEqual([
      'verify 2026-11-23T07-40-12Z-1f3a: stack booksim',
      'endpoint  http://127.0.0.1:4566',
      'run dir   reports/2026-11-23T07-40-12Z-1f3a',
      'verified  2026-11-23T07:41:02.517Z',
    ]);
  });

  it('when the run sold the seats of an event, the first line names the event its seats were judged on', () => {
    expect(linesOf(verifyText({ ...invalidReport, event: '261123-074012-1f3a' }))[0]).toBe('verify 2026-11-23T07-40-12Z-1f3a: stack booksim, event 261123-074012-1f3a');
  });

  it('when rendered, the invariants table has a row per invariant with verdict, what was checked and violations, in aligned columns', () => {
    const [header, ...rows] = section(verifyText(invalidReport), '#');
    expect(header!.trim().split(/\s{2,}/)).toEqual(['#', 'invariant', 'verdict', 'checked', 'violations']);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual([
      ['1', 'no-double-booking', 'INVALID', '100 seats', '4'],
      ['2', 'first-come-first-served', 'VALID', '100 seats', '0'],
      ['3', 'payment-only-for-holder', 'INVALID', '9995 bookings', '1'],
      ['4', 'reassignment', 'VALID', '100 seats', '0'],
      ['5', 'exactly-once-effects', 'VALID', '9995 bookings', '0'],
      ['6', 'nothing-lost', 'UNKNOWN', '0 bookings', '0'],
      ['7', 'no-limbo', 'VALID', '115 executions', '0'],
      ['8', 'compensation-complete', 'VALID', '15 executions', '0'],
    ]);
    // Verdicts start under their header; checked and violations end under theirs.
    const start = (line: string, word: string) => line.indexOf(word);
    const end = (line: string, word: string) => line.indexOf(word) + word.length;
    for (const [i, row] of rows.entries()) {
      const verdict = ['INVALID', 'VALID', 'INVALID', 'VALID', 'VALID', 'UNKNOWN', 'VALID', 'VALID'][i]!;
      expect(start(row, verdict)).toBe(start(header!, 'verdict'));
      expect(row.length).toBe(header!.length);
    }
    expect(end(rows[0]!, '100 seats')).toBe(end(header!, 'checked'));
  });

  it('when thresholds were given, it lists each with the measured value and its verdict', () => {
    const [header, ...rows] = section(verifyText(invalidReport), 'threshold ');
    expect(header!.trim().split(/\s{2,}/)).toEqual(['threshold', 'measured', 'verdict']);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual([
      ['api.p99<500', '31.5 ms', 'PASSED'],
      ['decision.p99 < 2000ms', '4015.1 ms', 'BREACHED'],
      ['vip.decision.p99.9<1500', '–', 'UNKNOWN'],
    ]);
  });

  it('when there is no threshold, it has no thresholds table', () => {
    expect(plain(verifyText(validReport))).not.toContain('measured');
  });

  it('when an invariant is violated, it shows its first counterexamples with time lines relative to the first event, untimed ones last', () => {
    const lines = section(verifyText(invalidReport), 'counterexamples');
    expect(lines.slice(0, 12)).toEqual([
      'counterexamples',
      '  1 no-double-booking: at most one CONFIRMED booking per seat (4 violations)',
      '    • seat S-007 has 2 CONFIRMED bookings: b-2 and b-1 & <both> paid',
      '        +0.000s   b-1  request sent (202)',
      '        +0.014s   b-2  request sent (202)',
      '        +1.250s   b-1  saga: IssueTicket succeeded',
      '        +12.345s  b-2  saga: IssueTicket succeeded',
      '        now       b-1  CONFIRMED now',
      '        now       b-2  CONFIRMED now',
      '    • seat S-042 has 2 CONFIRMED bookings: b-9 and b-8',
      '        +0.000s  b-8  request sent (202)',
      '        +0.030s  b-9  request sent (202)',
    ]);
    expect(lines[12]).toBe('    … 2 more violations');
    const text = plain(verifyText(invalidReport));
    expect(text).toContain('        now      b-31  REJECTED now');
  });

  it('when asked for fewer counterexamples and events, it cuts there and says how many more there are', () => {
    const text = plain(verifyText(invalidReport, { counterexamples: 1, events: 2 }));
    expect(text).toContain('        +0.014s   b-2  request sent (202)\n        … 4 more events\n    … 3 more violations; verify.json has 1 more counterexample');
    expect(text).not.toContain('S-042');
  });

  it('when there are notes, it lists the reasons for unknown verdicts and what valid invariants noted, wrapped to the width', () => {
    const lines = section(verifyText(invalidReport), 'notes');
    expect(lines).toEqual([
      'notes',
      '  6 nothing-lost (unknown): the run directory has no request log (requests.jsonl): which bookings',
      '                            were acknowledged is not known',
      '  7 no-limbo: 2 bookings ESCALATED with 8400 at stake: b-77 (4200), b-78 (4200)',
      "  threshold vip.decision.p99.9<1500 (unknown): the run's histograms have no timeToDecisionByTier.VIP",
    ]);
  });

  it('when rendered at the default width, no line is wider than 100 columns; headings and notes wrap under themselves', () => {
    const lines = linesOf(verifyText(invalidReport));
    expect(lines.filter((line) => line.length > 100)).toEqual([]);
    expect(lines).toContain('  3 payment-only-for-holder: net money is the price for CONFIRMED bookings, zero for the others (1');
    expect(lines).toContain('    violation)');
  });

  it('when everything holds, it says VALID with exit 0 and shows no counterexamples or notes', () => {
    const text = plain(verifyText(validReport));
    expect(text.split('\n').at(-1)).toBe('VALID — all 8 invariants hold (exit 0)');
    expect(text).not.toMatch(/counterexamples|notes|undefined|NaN/);
    expect(plain(verdictLine({ ...validReport, thresholds: [{ ...invalidReport.thresholds[0]! }, { ...invalidReport.thresholds[0]! }] }))).toBe(
      'VALID — all 8 invariants hold, all 2 thresholds passed (exit 0)',
    );
  });

  it('when invariants are violated or thresholds breached, the last line says INVALID, how many, and exit 1', () => {
    expect(linesOf(verifyText(invalidReport)).at(-1)).toBe('INVALID — 2 invariants violated, 1 threshold breached, 1 invariant and 1 threshold unknown (exit 1)');
    const onlyBreached: VerifyReport = { ...validReport, verdict: 'invalid', exitCode: 1, thresholds: [invalidReport.thresholds[1]!] };
    expect(plain(verdictLine(onlyBreached))).toBe('INVALID — 1 threshold breached (exit 1)');
  });

  it('when nothing is violated but something could not be decided, the last line says UNKNOWN and exit 3', () => {
    expect(linesOf(verifyText(unknownReport)).at(-1)).toBe('UNKNOWN — 1 invariant and 1 threshold unknown, 7 of 8 invariants hold (exit 3)');
  });

  it('when colours are on, verdicts are coloured without breaking the columns; when off, there are no escape codes', () => {
    chalk.level = 1;
    const coloured = verifyText(invalidReport);
    expect(coloured).toContain(chalk.red.bold('INVALID'));
    expect(coloured).toContain(chalk.green('VALID  '));
    chalk.level = 0;
    const uncoloured = verifyText(invalidReport);
    expect(uncoloured).not.toContain('\u001b[');
    expect(plain(coloured)).toBe(uncoloured);
  });
});

describe('a time line as text', () => {
  it('when events are timed, it shows each relative to the earliest, in time order, with untimed ones last as "now"', () => {
    const lines = timelineLines([
      { what: 'holds the seat now', bookingId: 'b-10' },
      { at: 5_000, bookingId: 'b-9', what: 'request sent (202)' },
      { at: 4_000, bookingId: 'b-10', what: 'request sent (202)' },
      { at: 6_500, what: 'seat S-1 released' },
    ]);
    expect(lines).toEqual(['+0.000s  b-10  request sent (202)', '+1.000s  b-9   request sent (202)', '+2.500s        seat S-1 released', 'now      b-10  holds the seat now']);
  });

  it('when no event names a booking, it leaves the booking column out', () => {
    expect(timelineLines([{ at: 1, what: 'queue drained' }, { what: 'DLQ empty' }])).toEqual(['+0.000s  queue drained', 'now      DLQ empty']);
  });
});
