import chalk from 'chalk';
import type { Counterexample, InvariantResult, ThresholdResult, TimelineEvent, Verdict, VerifyReport } from '../model/verdict.js';

/** How much of a verify report the terminal shows; verify.json and `--json` keep everything. */
export interface VerifyTextOptions {
  /** Counterexamples shown per invalid invariant; 3 unless given. */
  counterexamples?: number;
  /** Events shown per counterexample's time line; 12 unless given. */
  events?: number;
  /** Columns that messages and notes are wrapped to; 100 unless given. */
  width?: number;
}

const label = (text: string) => chalk.bold(text.padEnd(10));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const verdictColour: Record<Verdict | ThresholdResult['verdict'], (text: string) => string> = {
  valid: chalk.green,
  passed: chalk.green,
  invalid: chalk.red.bold,
  breached: chalk.red.bold,
  unknown: chalk.yellow,
};
/** An upper-case verdict padded to `width` before colouring, so escape codes do not upset the columns. */
export const verdictCell = (verdict: keyof typeof verdictColour, width = 0) => verdictColour[verdict](verdict.toUpperCase().padEnd(width));

/** Splits text into lines of at most `width` columns at spaces; a word longer than that stays whole. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** `text` wrapped to `width` columns: the first line after `first`, the others after `indent` spaces (as deep as `first` unless given). */
function hanging(first: string, text: string, width: number, indent = first.length): string[] {
  const [head = '', ...rest] = wrap(text, Math.max(20, width - first.length));
  const more = rest.length === 0 ? [] : wrap(rest.join(' '), Math.max(20, width - indent));
  return [first + head, ...more.map((line) => ' '.repeat(indent) + line)];
}

/**
 * A counterexample's time line as plain text lines, without indentation: the time
 * relative to the earliest timed event ("+0.000s"), or "now" for state read at the end
 * (listed last), then the booking and what happened, in aligned columns.
 */
export function timelineLines(events: TimelineEvent[]): string[] {
  const ordered = [...events].sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
  const start = ordered[0]?.at ?? 0;
  const when = ordered.map((event) => (event.at === undefined ? 'now' : `+${((event.at - start) / 1000).toFixed(3)}s`));
  const whenWidth = Math.max(0, ...when.map((text) => text.length));
  const idWidth = Math.max(0, ...ordered.map((event) => event.bookingId?.length ?? 0));
  return ordered.map((event, i) => [when[i]!.padEnd(whenWidth), ...(idWidth > 0 ? [(event.bookingId ?? '').padEnd(idWidth)] : []), event.what].join('  '));
}

/** The table of invariants: number, key, verdict, what was checked, violations. */
function invariantTable(invariants: InvariantResult[]): string[] {
  const checked = invariants.map((r) => `${r.checked} ${r.checkedWhat}`.trim());
  const keyWidth = Math.max('invariant'.length, ...invariants.map((r) => r.key.length));
  const checkedWidth = Math.max('checked'.length, ...checked.map((text) => text.length));
  const verdictWidth = 'unknown'.length;
  const violationsWidth = 'violations'.length;
  // Cells come padded, so that colour codes do not upset the columns.
  const row = (id: string, key: string, verdict: string, what: string, violations: string) => `  ${id.padStart(2)}  ${key.padEnd(keyWidth)}  ${verdict}  ${what.padStart(checkedWidth)}  ${violations}`;
  return [
    chalk.bold(row('#', 'invariant', 'verdict'.padEnd(verdictWidth), 'checked', 'violations')),
    ...invariants.map((r, i) => {
      const violations = String(r.violations).padStart(violationsWidth);
      return row(String(r.id), r.key, verdictCell(r.verdict, verdictWidth), checked[i]!, r.violations > 0 ? chalk.red(violations) : violations);
    }),
  ];
}

/**
 * A threshold's value in its unit: ms with one decimal (as the storm summary shows
 * latencies), a ratio or count without trailing zeros, money to 3 significant digits with
 * its currency.
 */
export function thresholdValue(value: number, threshold: Pick<ThresholdResult, 'unit' | 'currency'>): string {
  switch (threshold.unit ?? 'ms') {
    case 'ms':
      return `${value.toFixed(1)} ms`;
    case 'ratio':
      return String(Number(value.toFixed(4)));
    case 'count':
      return String(Number(value.toFixed(2)));
    case 'currency':
      return `${Number(value.toPrecision(3))}${threshold.currency === undefined ? '' : ` ${threshold.currency}`}`;
  }
}

/** The measured value, or a dash when nothing was measured. */
const measuredCell = (result: ThresholdResult) => (result.measured === undefined ? '–' : thresholdValue(result.measured, result));

/** A threshold as the table and JUnit name it: its expression, and the SLO preset it came from. */
export const thresholdName = (threshold: ThresholdResult) => (threshold.slo === undefined ? threshold.expression : `${threshold.expression} (slo ${threshold.slo})`);

function thresholdTable(thresholds: ThresholdResult[]): string[] {
  const expressionWidth = Math.max('threshold'.length, ...thresholds.map((t) => thresholdName(t).length));
  const measuredWidth = Math.max('measured'.length, ...thresholds.map((t) => measuredCell(t).length));
  const row = (expression: string, measured: string, verdict: string) => `  ${expression.padEnd(expressionWidth)}  ${measured.padStart(measuredWidth)}  ${verdict}`;
  return [chalk.bold(row('threshold', 'measured', 'verdict')), ...thresholds.map((t) => row(thresholdName(t), measuredCell(t), verdictCell(t.verdict)))];
}

/** `1 no-double-booking: at most one CONFIRMED booking per seat`, as JUnit names it too. */
export const invariantName = (result: InvariantResult) => `${result.id} ${result.key}: ${result.title}`;

function counterexampleLines(counterexample: Counterexample, maxEvents: number, width: number): string[] {
  const timeline = timelineLines(counterexample.events);
  const shown = timeline.slice(0, maxEvents);
  const hidden = timeline.length - shown.length;
  return [
    ...hanging('    • ', counterexample.message, width),
    ...shown.map((line) => chalk.dim(`        ${line}`)),
    ...(hidden > 0 ? [chalk.dim(`        … ${plural(hidden, 'more event')}`)] : []),
  ];
}

/** Each invalid invariant with its first counterexamples and their time lines, a blank line between invariants. */
function counterexampleSection(invalid: InvariantResult[], options: Required<VerifyTextOptions>): string[] {
  return invalid.flatMap((r, i) => {
    const shown = r.counterexamples.slice(0, options.counterexamples);
    const more = r.violations - shown.length;
    const kept = r.counterexamples.length - shown.length;
    return [
      ...(i > 0 ? [''] : []),
      ...hanging('  ', `${invariantName(r)} (${plural(r.violations, 'violation')})`, options.width, 4).map((line) => chalk.red.bold(line)),
      ...(shown.length === 0 ? ['    (no counterexample recorded)'] : shown.flatMap((c) => counterexampleLines(c, options.events, options.width))),
      ...(more > 0 ? [chalk.dim(`    … ${plural(more, 'more violation')}${kept > 0 ? `; verify.json has ${plural(kept, 'more counterexample')}` : ''}`)] : []),
    ];
  });
}

/** Notes of invariants and thresholds: why a verdict is unknown, escalated bookings and the money at stake. */
function notes(report: VerifyReport, width: number): string[] {
  const tag = (verdict: string) => (verdict === 'unknown' ? ' (unknown)' : '');
  const items = [
    ...report.invariants.filter((r) => r.note !== undefined || r.verdict === 'unknown').map((r) => ({ head: `  ${r.id} ${r.key}${tag(r.verdict)}: `, note: r.note })),
    ...report.thresholds.filter((t) => t.note !== undefined || t.verdict === 'unknown').map((t) => ({ head: `  threshold ${t.expression}${tag(t.verdict)}: `, note: t.note })),
  ];
  return items.flatMap(({ head, note }) =>
    hanging(head, note ?? 'no reason given', width).map((line, i) => (i === 0 ? line.replace(' (unknown): ', ` ${verdictColour.unknown('(unknown)')}: `) : line)),
  );
}

/** The closing line: the verdict, what decided it, and the exit code. */
export function verdictLine(report: VerifyReport): string {
  const invariants = (verdict: Verdict) => report.invariants.filter((r) => r.verdict === verdict).length;
  const thresholds = (verdict: ThresholdResult['verdict']) => report.thresholds.filter((t) => t.verdict === verdict).length;
  const parts: string[] = [];
  if (report.verdict === 'valid') {
    const n = report.invariants.length;
    parts.push(n === 1 ? 'the invariant holds' : `all ${n} invariants hold`);
    const t = report.thresholds.length;
    if (t > 0) parts.push(t === 1 ? 'the threshold passed' : `all ${t} thresholds passed`);
  } else {
    if (invariants('invalid') > 0) parts.push(`${plural(invariants('invalid'), 'invariant')} violated`);
    if (thresholds('breached') > 0) parts.push(`${plural(thresholds('breached'), 'threshold')} breached`);
    const undecided = [
      ...(invariants('unknown') > 0 ? [plural(invariants('unknown'), 'invariant')] : []),
      ...(thresholds('unknown') > 0 ? [plural(thresholds('unknown'), 'threshold')] : []),
    ];
    if (undecided.length > 0) parts.push(`${undecided.join(' and ')} unknown`);
    if (report.verdict === 'unknown' && invariants('valid') > 0) parts.push(`${invariants('valid')} of ${report.invariants.length} invariants hold`);
  }
  return `${verdictCell(report.verdict)} — ${parts.join(', ') || 'nothing was checked'} (exit ${report.exitCode})`;
}

/**
 * What `booksim verify` prints (pure): the run, the invariants table, the thresholds,
 * the first counterexamples of every violated invariant with their time lines, the
 * notes, and the verdict with its exit code. Colours follow chalk's detection of the
 * terminal, as the storm summary's do.
 */
export function verifyText(report: VerifyReport, options: VerifyTextOptions = {}): string {
  const settings: Required<VerifyTextOptions> = { counterexamples: options.counterexamples ?? 3, events: options.events ?? 12, width: options.width ?? 100 };
  const invalid = report.invariants.filter((r) => r.verdict === 'invalid');
  const noteLines = notes(report, settings.width);
  return [
    `${chalk.bold(`verify ${report.runId}`)}: stack ${report.stack}${report.event !== undefined ? `, event ${report.event}` : ''}`,
    `${label('endpoint')}${report.endpoint}`,
    `${label('run dir')}${report.runDir}`,
    `${label('verified')}${report.verifiedAt}`,
    '',
    ...invariantTable(report.invariants),
    ...(report.thresholds.length > 0 ? ['', ...thresholdTable(report.thresholds)] : []),
    ...(invalid.length > 0 ? ['', chalk.bold('counterexamples'), ...counterexampleSection(invalid, settings)] : []),
    ...(noteLines.length > 0 ? ['', chalk.bold('notes'), ...noteLines] : []),
    '',
    verdictLine(report),
  ].join('\n');
}
