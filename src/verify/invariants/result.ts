import { maxCounterexamples, type InvariantChecker, type VerifyEvidence } from '../model.js';
import { type Counterexample, type InvariantResult } from '../../model/verdict.js';
import { indexOf, timelineOf, type EvidenceIndex } from '../timeline.js';

/** What names an invariant, as docs/design.md, Invariants, numbers it: also what a caller reports when its checker throws. */
export interface InvariantSpec {
  id: number;
  key: string;
  title: string;
  /** What `checked` counts ("seats", "bookings", …). */
  checkedWhat: string;
}

/** A checker that says which invariant it checks, so a caller can name it even when it throws. */
export type DescribedChecker = InvariantChecker & { describe: InvariantSpec };

/** One violation, before its time line is read: the culprit booking first. */
export interface Violation {
  seatId?: string;
  bookingIds: string[];
  message: string;
}

/** What a checker found over the evidence. */
export interface Findings {
  checked: number;
  violations: Violation[];
  /** Why the invariant could not be decided, when it could not; only matters if nothing was violated. */
  unknown?: string;
  /** Worth saying, though not a violation (escalated bookings, what was left to another invariant). */
  notes?: string[];
}

/** Makes a checker of a function that finds violations in the indexed evidence. */
export function checker(spec: InvariantSpec, find: (index: EvidenceIndex) => Findings): DescribedChecker {
  const check = (evidence: VerifyEvidence) => {
    const index = indexOf(evidence);
    return resultOf(spec, find(index), index);
  };
  return Object.assign(check, { describe: spec });
}

/**
 * The invariant's result: invalid if anything was violated, else unknown if the findings
 * say why it could not be decided, else valid. Keeps the first {@link maxCounterexamples}
 * violations by seat, then booking, and reads the time lines of those only.
 */
export function resultOf(spec: InvariantSpec, findings: Findings, index: EvidenceIndex): InvariantResult {
  const { violations, unknown, notes = [] } = findings;
  const verdict = violations.length > 0 ? 'invalid' : unknown !== undefined ? 'unknown' : 'valid';
  const said = verdict === 'unknown' ? [unknown!, ...notes] : notes;
  const counterexamples = firstInOrder(violations, maxCounterexamples).map(
    (violation): Counterexample => ({
      ...(violation.seatId !== undefined ? { seatId: violation.seatId } : {}),
      bookingIds: violation.bookingIds,
      message: violation.message,
      events: timelineOf(index, violation.bookingIds),
    }),
  );
  return {
    id: spec.id,
    key: spec.key,
    title: spec.title,
    verdict,
    checked: findings.checked,
    checkedWhat: spec.checkedWhat,
    violations: violations.length,
    counterexamples,
    ...(said.length > 0 ? { note: said.join('; ') } : {}),
  };
}

// Numeric collation puts seat 9 before seat 10; a fixed locale keeps the order the same on every machine.
const collator = new Intl.Collator('en', { numeric: true });

/** Compares ids as a person orders them (S9 before S10), the same on every machine. */
export const naturalOrder: (a: string, b: string) => number = collator.compare;

/** By seat (violations of no seat last), then culprit booking, then message. */
function compareViolations(a: Violation, b: Violation): number {
  if (a.seatId !== b.seatId) {
    if (a.seatId === undefined) return 1;
    if (b.seatId === undefined) return -1;
    const bySeat = collator.compare(a.seatId, b.seatId);
    if (bySeat !== 0) return bySeat;
  }
  return collator.compare(a.bookingIds[0] ?? '', b.bookingIds[0] ?? '') || collator.compare(a.message, b.message);
}

/** The first `count` in order, without sorting them all: a broken topology can violate an invariant for every booking. */
function firstInOrder(violations: readonly Violation[], count: number): Violation[] {
  const kept: Violation[] = [];
  for (const violation of violations) {
    if (kept.length === count && compareViolations(violation, kept[count - 1]!) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareViolations(violation, kept[middle]!) < 0) high = middle;
      else low = middle + 1;
    }
    kept.splice(low, 0, violation);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

/** "B1", "B1 and B2", "B1, B2 and B3". */
export function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** "1 booking", "2 bookings". */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
