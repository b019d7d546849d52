/**
 * What `booksim sabotage` finds, as every layer reads it: for each sabotage, what each
 * check (invariant or threshold) said of its run against what the catalog expects
 * (src/model/sabotage.ts), and the clean control runs of the same exposures.
 */
import type { Sabotage } from './sabotage.js';
import type { WrittenReport } from './run.js';
import type { Verdict } from './verdict.js';

/**
 * One check's answer on one run, against the catalog:
 * - `caught`: expected to flag the sabotage, and did (invalid, or breached);
 * - `missed`: expected to, and did not;
 * - `also`: flagged it without being expected to (worth knowing, not a failure);
 * - `held`: neither expected nor flagged;
 * - `unknown`: the check could not decide (missing data); never a catch.
 */
export type MatrixFinding = 'caught' | 'missed' | 'also' | 'held' | 'unknown';

/** A check of the matrix: an invariant by key, or a threshold by its expression. */
export interface MatrixCheck {
  kind: 'invariant' | 'threshold';
  /** The invariant's key (`nothing-lost`) or the threshold as written (`crash.detection.max<4000`). */
  key: string;
  /** Invariant number (1–8), for the column heading; absent for a threshold. */
  id?: number;
}

export interface MatrixCell {
  check: string;
  expected: boolean;
  finding: MatrixFinding;
  /** The first counterexample (an invariant) or the measured value (a threshold), when the check flagged the run. */
  evidence?: string;
}

/** A run of the matrix: where it is and what verify said overall. */
export interface MatrixRun {
  runId: string;
  runDir: string;
  stack: string;
  verdict: Verdict;
}

export interface SabotageRow {
  sabotage: Sabotage;
  /** The control run of the same exposure (an index into {@link SabotageMatrix.controls}). */
  control: number;
  run: MatrixRun;
  cells: MatrixCell[];
  /** Every check the catalog expects to flag the sabotage did. */
  caught: boolean;
}

/** A clean run of an exposure: the same storm as its sabotages', without any. */
export interface ControlRow {
  /** The exposure in a few words: scenario, extra faults, topology. */
  label: string;
  /** The sabotages exposed by this run. */
  sabotages: Sabotage[];
  run: MatrixRun;
  /** The checks that flagged the clean run (invalid, breached or unknown): none for a good control. */
  flagged: string[];
  valid: boolean;
}

export interface SabotageMatrix {
  /** The columns: the eight invariants in order, then the thresholds the exposures check. */
  checks: MatrixCheck[];
  rows: SabotageRow[];
  controls: ControlRow[];
  /** Every sabotage caught by what should catch it, and every control valid. */
  passed: boolean;
}

export interface SabotageMatrixResult {
  endpoint: string;
  seed: number;
  matrix: SabotageMatrix;
  report: WrittenReport;
}
