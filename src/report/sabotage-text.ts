import chalk from 'chalk';
import type { MatrixCheck, MatrixFinding, SabotageMatrixResult } from '../model/sabotage-matrix.js';

/** A cell's mark and colour: caught green, missed red, unknown amber, flagged besides yellow, held grey. */
const marks: Record<MatrixFinding, string> = {
  caught: chalk.green('●'),
  missed: chalk.red.bold('✗'),
  also: chalk.yellow('+'),
  unknown: chalk.yellow('?'),
  held: chalk.gray('·'),
};

/** Each check's column heading, in the terminal and the HTML report alike: the invariant's number, or T1, T2… for thresholds. */
export function checkHeadings(checks: readonly MatrixCheck[]): string[] {
  let threshold = 0;
  return checks.map((check) => (check.id === undefined ? `T${++threshold}` : String(check.id)));
}

/**
 * The sabotage matrix for a terminal (pure): a row per sabotage, a column per check, each
 * cell caught / missed / flagged besides / unknown / held; what the columns are; the
 * clean controls; the first counterexample of each catch; and the outcome with its exit code.
 */
export function sabotageText(result: SabotageMatrixResult): string {
  const { matrix } = result;
  const titles = checkHeadings(matrix.checks);
  const nameWidth = Math.max('sabotage'.length, ...matrix.rows.map((row) => row.sabotage.length));
  const colWidths = titles.map((title) => Math.max(title.length, 1));
  const line = (name: string, cells: string[], plainCells: string[], tail: string) =>
    `  ${name.padEnd(nameWidth)}  ${cells.map((cell, i) => cell + ' '.repeat(colWidths[i]! - plainCells[i]!.length)).join(' ')}  ${tail}`.trimEnd();
  const rows = matrix.rows.map((row) => {
    const cells = row.cells.map((cell) => marks[cell.finding]);
    const plain = row.cells.map(() => '•');
    return line(row.sabotage, cells, plain, row.caught ? chalk.green('caught') : chalk.red.bold('NOT CAUGHT'));
  });
  const legend = matrix.checks.map((check, i) => `${titles[i]} ${check.key}`).join(' · ');
  const controls = matrix.controls.map(
    (control) => `  ${control.valid ? chalk.green('valid') : chalk.red.bold(control.run.verdict)}  ${control.label}${control.flagged.length > 0 ? ` (${control.flagged.join(', ')})` : ''}  [${control.run.runId}]`,
  );
  const catches = matrix.rows.flatMap((row) =>
    row.cells.filter((cell) => (cell.finding === 'caught' || cell.finding === 'missed') && cell.evidence !== undefined).map((cell) => `  ${row.sabotage} → ${cell.check}: ${cell.evidence}`),
  );
  const caught = matrix.rows.filter((row) => row.caught).length;
  const valid = matrix.controls.filter((control) => control.valid).length;
  const outcome = `caught ${caught} of ${matrix.rows.length} sabotages; ${valid} of ${matrix.controls.length} clean controls valid`;
  return [
    chalk.bold(`sabotage matrix on ${result.endpoint}, seed ${result.seed}: ${matrix.rows.length} sabotages, ${matrix.controls.length} clean controls`),
    '',
    chalk.bold(line('sabotage', titles, titles, 'result')),
    ...rows,
    '',
    `  ${marks.caught} caught as expected  ${marks.missed} expected, not caught  ${marks.also} flagged besides  ${marks.unknown} could not decide  ${marks.held} held`,
    `  ${legend}`,
    '',
    chalk.bold('clean controls (the same storms, no sabotage)'),
    ...controls,
    ...(catches.length > 0 ? ['', chalk.bold('first counterexample of each catch'), ...catches] : []),
    '',
    matrix.passed ? chalk.green(`${outcome} (exit 0)`) : chalk.red.bold(`${outcome} (exit 1)`),
    `report: ${result.report.file}`,
  ].join('\n');
}
