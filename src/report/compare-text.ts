import chalk from 'chalk';
import type { ComparisonResult } from '../model/run.js';
import { formatMoney, pricingText } from './cost-text.js';
import { verdictCell } from './verify-text.js';

const figure = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(1));

/**
 * The design question's answer in one table (pure): per topology, the verdict expected
 * and found, what broke, API and decision p99, AWS calls and cost per booking (at the price
 * table named under the table); then whether everything matched and where the comparison
 * report is.
 */
export function compareText(result: ComparisonResult): string {
  const rows = result.outcomes.map((o) => [
    o.topology,
    o.expected,
    o.verdict,
    figure(o.apiP99Ms),
    figure(o.decisionP99Ms),
    figure(o.callsPerBooking),
    formatMoney(o.costPerBooking, o.summary.cost?.pricing.currency),
    o.matches ? '✓' : '✗',
    o.violated.join(', ') || '–',
  ]);
  const header = ['topology', 'expected', 'verdict', 'API p99 ms', 'decision p99 ms', 'calls/booking', 'cost/booking', 'as expected', 'invariants not valid'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], colour: (cell: string, i: number) => string = (cell) => cell) =>
    `  ${cells.map((cell, i) => colour(i >= 3 && i <= 6 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!), i)).join('  ')}`.trimEnd();
  const colourRow = (matches: boolean) => (cell: string, i: number) =>
    i === 2 ? verdictCell(cell.trim() as 'valid' | 'invalid' | 'unknown', widths[2]) : i === 7 ? (matches ? chalk.green(cell) : chalk.red.bold(cell)) : cell;
  return [
    chalk.bold(`compare on ${result.endpoint}: ${result.outcomes.length} topologies, the same storm`),
    '',
    chalk.bold(line(header)),
    ...result.outcomes.map((o, i) => line(rows[i]!, colourRow(o.matches))),
    ...pricingLine(result),
    '',
    result.matches
      ? chalk.green('every topology gave what the design predicts (exit 0)')
      : chalk.red.bold(`${result.outcomes.filter((o) => !o.matches).map((o) => o.topology).join(', ')} did not give what the design predicts (exit 1)`),
    `report: ${result.report.file}`,
  ].join('\n');
}

/** Under the table: the price table(s) the costs are at, with the date their prices were read. */
function pricingLine(result: ComparisonResult): string[] {
  const tables = [...new Set(result.outcomes.flatMap((o) => (o.summary.cost ? [pricingText(o.summary.cost)] : [])))];
  return tables.length === 0 ? [] : [`  cost at ${tables.join('; ')}`];
}
