import type { ControlRow, MatrixCell, MatrixCheck, MatrixFinding, MatrixRun } from '../model/sabotage-matrix.js';
import { invariantKeys, type SabotageEntry } from '../model/sabotage.js';
import type { VerifyReport } from '../model/verdict.js';

/** The matrix's columns: the eight invariants in order, then every threshold the entries' exposures check, once. */
export function matrixChecks(entries: readonly SabotageEntry[]): MatrixCheck[] {
  const thresholds = [...new Set(entries.flatMap((entry) => entry.exposure.thresholds))];
  return [
    ...invariantKeys.map((key, i): MatrixCheck => ({ kind: 'invariant', key, id: i + 1 })),
    ...thresholds.map((key): MatrixCheck => ({ kind: 'threshold', key })),
  ];
}

/** What one check said of a run: flagged (with its evidence), held, or could not decide; absent when the run did not check it. */
interface CheckAnswer {
  answer: 'flagged' | 'held' | 'unknown';
  evidence?: string;
}

function answerOf(check: MatrixCheck, report: VerifyReport): CheckAnswer | undefined {
  if (check.kind === 'invariant') {
    const result = report.invariants.find((invariant) => invariant.key === check.key);
    if (result === undefined) return undefined;
    if (result.verdict === 'valid') return { answer: 'held' };
    if (result.verdict === 'unknown') return { answer: 'unknown', ...(result.note === undefined ? {} : { evidence: result.note }) };
    const first = result.counterexamples[0]?.message;
    return { answer: 'flagged', ...(first === undefined ? {} : { evidence: first }) };
  }
  const result = report.thresholds.find((threshold) => threshold.expression === check.key);
  if (result === undefined) return undefined;
  if (result.verdict === 'passed') return { answer: 'held' };
  const measured = result.measured === undefined ? undefined : `measured ${Number(result.measured.toFixed(1))}`;
  if (result.verdict === 'unknown') return { answer: 'unknown', ...(result.note === undefined ? {} : { evidence: result.note }) };
  return { answer: 'flagged', ...(measured === undefined ? {} : { evidence: measured }) };
}

function findingOf(expected: boolean, answer: CheckAnswer | undefined): MatrixFinding {
  if (answer?.answer === 'flagged') return expected ? 'caught' : 'also';
  if (answer?.answer === 'unknown') return 'unknown';
  return expected ? 'missed' : 'held';
}

/**
 * A sabotaged run's row (pure): each check's finding against what the entry expects to
 * catch it. Caught only when every expected check flagged the run: an unknown is never a
 * catch, and a check the run did not make counts as missed.
 */
export function sabotageCells(entry: SabotageEntry, checks: readonly MatrixCheck[], report: VerifyReport): { cells: MatrixCell[]; caught: boolean } {
  const expected = new Set<string>([...entry.caughtBy.invariants, ...entry.caughtBy.thresholds]);
  const cells = checks.map((check): MatrixCell => {
    const answer = answerOf(check, report);
    const finding = findingOf(expected.has(check.key), answer);
    return { check: check.key, expected: expected.has(check.key), finding, ...(answer?.evidence === undefined || finding === 'held' ? {} : { evidence: answer.evidence }) };
  });
  return { cells, caught: cells.every((cell) => !cell.expected || cell.finding === 'caught') };
}

/** A clean control run (pure): valid when verify found nothing at all; otherwise what flagged it. */
export function controlFindings(report: VerifyReport): Pick<ControlRow, 'flagged' | 'valid'> {
  const flagged = [
    ...report.invariants.filter((invariant) => invariant.verdict !== 'valid').map((invariant) => `${invariant.key} ${invariant.verdict}`),
    ...report.thresholds.filter((threshold) => threshold.verdict !== 'passed').map((threshold) => `${threshold.expression} ${threshold.verdict}`),
  ];
  return { flagged, valid: report.verdict === 'valid' };
}

/** The run as the matrix keeps it. */
export function matrixRun(report: VerifyReport): MatrixRun {
  return { runId: report.runId, runDir: report.runDir, stack: report.stack, verdict: report.verdict };
}
