import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SabotageMatrix } from '../../src/model/sabotage-matrix.js';
import { sabotageCatalog, sabotageNames } from '../../src/model/sabotage.js';
import { runCli } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

interface MatrixOutput {
  passed: boolean;
  seed: number;
  report: string;
  matrix: SabotageMatrix;
}

/**
 * The matrix end to end, every sabotage in its exposure and every clean control, as CI
 * runs it: a change that blinds a checker (or breaks a safeguard for real) fails here.
 */
describe('booksim sabotage (the built CLI)', { timeout: 1_800_000 }, () => {
  // Standard queues that keep order, as the command's own embedded endpoint has them: no-conditional-write's control runs on standard-fanout.
  const fx = useEndpoint({ standardQueueChaos: 0, seed: 1 });
  const sabotage = (...args: string[]) =>
    runCli(['sabotage', '--endpoint', fx.endpoint.url, '--stack', uniqueName('sab'), '--reports-dir', mkdtempSync(join(tmpdir(), 'booksim-sabotage-')), ...args]);

  it('when every safeguard is switched off in turn, each sabotage is caught by the invariant (or threshold) it should break and every clean control stays valid: exit 0', async () => {
    const result = await sabotage('--seed', '1', '--json');
    const output = JSON.parse(result.stdout) as MatrixOutput;
    const missed = output.matrix.rows.filter((row) => !row.caught).map((row) => `${row.sabotage}: ${row.cells.filter((cell) => cell.finding !== 'held').map((cell) => `${cell.check} ${cell.finding}`).join(', ')}`);
    const flagged = output.matrix.controls.filter((control) => !control.valid).map((control) => `${control.label}: ${control.flagged.join(', ')}`);
    expect([...missed, ...flagged]).toEqual([]);
    expect(result.code).toBe(0);
    expect(output.matrix.rows.map((row) => row.sabotage)).toEqual([...sabotageNames]);
    for (const row of output.matrix.rows) {
      for (const key of sabotageCatalog[row.sabotage].caughtBy.invariants) {
        const cell = row.cells.find((found) => found.check === key)!;
        // The first counterexample comes with each catch.
        expect(cell.evidence, `${row.sabotage} → ${key}`).toBeTruthy();
      }
    }
    const html = readFileSync(output.report, 'utf8');
    expect(html).toContain('Sabotage matrix');
    expect(html).toContain(`Caught ${sabotageNames.length} of ${sabotageNames.length} sabotages`);
  });

  it('when a catalog row is run alone, only its exposure and its control run; the terminal shows the matrix', async () => {
    const result = await sabotage('--seed', '2', '--sabotage', 'new-key-on-retry');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/new-key-on-retry\s+[·●+?✗ ]+\s+caught/);
    expect(result.stdout).toContain('caught 1 of 1 sabotages; 1 of 1 clean controls valid (exit 0)');
    expect(result.stderr).toContain('control 1 of 1, no sabotage: stuck-orders on fifo-fanout');
  });

  it('when a stack name would grow too long with a sabotage suffix, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['sabotage', '--endpoint', fx.endpoint.url, '--stack', 'a'.repeat(30)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/stack/);
  });
});
