import { XMLBuilder } from 'fast-xml-parser';
import { invariantName, thresholdName, thresholdValue, timelineLines } from './verify-text.js';
import type { Counterexample, InvariantResult, ThresholdResult, VerifyReport } from '../model/verdict.js';

const suiteName = 'booksim verify';
const invariantClass = 'booksim.verify.invariants';
const thresholdClass = 'booksim.verify.thresholds';

// XML 1.0 cannot carry control characters (an ANSI escape in a message, say) even as
// character references: a JUnit file with one is rejected whole by CI.
const notXmlChar = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlText = (text: string) => text.replace(notXmlChar, '');
// Parsers turn newlines in attributes into spaces; say it in one line on purpose.
const xmlAttribute = (text: string) => xmlText(text).replace(/\s+/g, ' ').trim();

/** A child element of a testcase: `failure` or `error`, with its message attribute and text. */
interface Outcome {
  element: 'failure' | 'error';
  type: string;
  message: string;
  text: string;
}

function counterexampleText(counterexample: Counterexample): string {
  return [counterexample.message, ...timelineLines(counterexample.events).map((line) => `  ${line}`)].join('\n');
}

const checked = (result: InvariantResult) => `${result.checked} ${result.checkedWhat}`.trim();

function invariantOutcome(result: InvariantResult): Outcome | undefined {
  const note = result.note === undefined ? [] : [`note: ${result.note}`];
  if (result.verdict === 'unknown') {
    return { element: 'error', type: 'unknown', message: `unknown: ${result.note ?? 'the data to decide was missing'}`, text: `checked ${checked(result)}` };
  }
  if (result.verdict === 'valid') return undefined;
  const first = result.counterexamples[0]?.message;
  const unlisted = result.violations - result.counterexamples.length;
  return {
    element: 'failure',
    type: 'invalid',
    message: `${result.violations} ${result.violations === 1 ? 'violation' : 'violations'}${first === undefined ? '' : `; first: ${first}`}`,
    text: [
      `checked ${checked(result)}, ${result.violations} violated`,
      ...note,
      ...result.counterexamples.map((c) => `\n${counterexampleText(c)}`),
      ...(unlisted > 0 ? [`\n… and ${unlisted} more ${unlisted === 1 ? 'violation' : 'violations'}, counted but not listed`] : []),
    ].join('\n'),
  };
}

function thresholdOutcome(result: ThresholdResult): Outcome | undefined {
  const subject = result.statistic === undefined ? result.metric : `${result.metric}.${result.statistic}`;
  const measured = result.measured === undefined ? 'nothing' : thresholdValue(result.measured, result);
  const limit = (result.unit ?? 'ms') === 'ms' ? `${result.limit} ms` : thresholdValue(result.limit, result);
  const statement = `${subject} measured ${measured}, must be ${result.operator} ${limit}`;
  if (result.verdict === 'unknown') return { element: 'error', type: 'unknown', message: `unknown: ${result.note ?? 'nothing was measured'}`, text: statement };
  if (result.verdict === 'passed') return undefined;
  return { element: 'failure', type: 'breached', message: `breached: ${statement}`, text: [statement, ...(result.note === undefined ? [] : [`note: ${result.note}`])].join('\n') };
}

function testcase(name: string, classname: string, outcome: Outcome | undefined): Record<string, unknown> {
  return {
    '@_name': xmlAttribute(name),
    '@_classname': classname,
    '@_time': '0',
    ...(outcome === undefined ? {} : { [outcome.element]: { '@_message': xmlAttribute(outcome.message), '@_type': outcome.type, '#text': xmlText(outcome.text) } }),
  };
}

/** The Ant JUnit schema wants a local date-time without zone or fraction: the UTC one, as verifiedAt says in full in the properties. */
function junitTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? xmlAttribute(iso) : date.toISOString().slice(0, 19);
}

/**
 * A verify report as JUnit XML (pure): one testsuite "booksim verify" with a testcase per
 * invariant (classname booksim.verify.invariants) and per threshold (…thresholds). Invalid
 * and breached are failures with the counterexamples as text; unknown is an error, so that
 * CI never counts it as a pass.
 */
export function junitXml(report: VerifyReport): string {
  const invariantCases = report.invariants.map((r) => ({ name: invariantName(r), classname: invariantClass, outcome: invariantOutcome(r) }));
  const thresholdCases = report.thresholds.map((t) => ({ name: thresholdName(t), classname: thresholdClass, outcome: thresholdOutcome(t) }));
  const cases = [...invariantCases, ...thresholdCases];
  const counts = {
    '@_tests': cases.length,
    '@_failures': cases.filter((c) => c.outcome?.element === 'failure').length,
    '@_errors': cases.filter((c) => c.outcome?.element === 'error').length,
    '@_skipped': 0,
    '@_time': '0',
  };
  const properties = { runId: report.runId, runDir: report.runDir, stack: report.stack, endpoint: report.endpoint, verifiedAt: report.verifiedAt, verdict: report.verdict, exitCode: String(report.exitCode) };
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': suiteName,
      ...counts,
      testsuite: {
        '@_name': suiteName,
        ...counts,
        '@_timestamp': junitTimestamp(report.verifiedAt),
        properties: { property: Object.entries(properties).map(([name, value]) => ({ '@_name': name, '@_value': xmlAttribute(value) })) },
        testcase: cases.map((c) => testcase(c.name, c.classname, c.outcome)),
      },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: true, suppressBooleanAttributes: false });
  return builder.build(document) as string;
}
