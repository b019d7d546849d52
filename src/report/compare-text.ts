import chalk from 'chalk';
import type { ComparisonResult } from '../model/run.js';
import { verdictCell } from './verify-text.js';

const figure = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(1));

/**
 * The design question's answer in one table (pure): per topology, the verdict expected
 * and found, what broke, API and decision p99, and AWS calls per booking; then whether
 * everything matched and where the comparison report is.
 */
export function compareText(result: ComparisonResult): string {
  const rows = result.outcomes.map((o) => [
    o.topology,
    o.expected,
    o.verdict,
    figure(o.apiP99Ms),
    figure(o.decisionP99Ms),
    figure(o.callsPerBooking),
    o.matches ? '✓' : '✗',
    o.violated.join(', ') || '–',
  ]);
  const header = ['topology', 'expected', 'verdict', 'API p99 ms', 'decision p99 ms', 'calls/booking', 'as expected', 'invariants not valid'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], colour: (cell: string, i: number) => string = (cell) => cell) =>
    `  ${cells.map((cell, i) => colour(i >= 3 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!), i)).join('  ')}`.trimEnd();
  const colourRow = (matches: boolean) => (cell: string, i: number) =>
    i === 2 ? verdictCell(cell.trim() as 'valid' | 'invalid' | 'unknown', widths[2]) : i === 6 ? (matches ? chalk.green(cell) : chalk.red.bold(cell)) : cell;
  return [
    chalk.bold(`compare on ${result.endpoint}: ${result.outcomes.length} topologies, the same storm`),
    '',
    chalk.bold(line(header)),
    ...result.outcomes.map((o, i) => line(rows[i]!, colourRow(o.matches))),
    '',
    result.matches
      ? chalk.green('every topology gave what the design predicts (exit 0)')
      : chalk.red.bold(`${result.outcomes.filter((o) => !o.matches).map((o) => o.topology).join(', ')} did not give what the design predicts (exit 1)`),
    `report: ${result.report.file}`,
  ].join('\n');
}
