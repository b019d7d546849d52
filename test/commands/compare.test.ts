import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

interface CompareOutput {
  matches: boolean;
  report: string;
  topologies: Array<{ topology: string; stack: string; expected: string; verdict: string; matches: boolean; violated: string[]; runDir: string }>;
}

describe('booksim compare (the built CLI)', { timeout: 240_000 }, () => {
  const fx = useEndpoint();
  const compare = (...args: string[]) =>
    runCli(['compare', '--endpoint', fx.endpoint.url, '--stack', uniqueName('cmp'), '--reports-dir', mkdtempSync(join(tmpdir(), 'booksim-compare-')), '--seed', '3', ...args]);

  it('when both topologies storm under duplicates with slow seat writes and no conditional writes, fifo-fanout holds and standard-fanout double-books: as the design predicts, exit 0', async () => {
    const result = await compare(
      '--scenario', 'duplicates', '--sabotage', 'no-conditional-write', '--fault', 'aws-latency:rate=0.5,ms=1500,service=dynamodb,operation=UpdateItem',
      '--seats', '6', '--bookings', '40', '--rps', '20', '--contention', '4', '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as CompareOutput;
    expect(output.matches).toBe(true);
    expect(output.topologies.map((t) => [t.topology, t.verdict])).toEqual([
      ['fifo-fanout', 'valid'],
      ['standard-fanout', 'invalid'],
    ]);
    expect(output.topologies[1]!.violated).toContain('no-double-booking invalid');
    const html = readFileSync(output.report, 'utf8');
    for (const { runDir } of output.topologies) expect(html).toContain(runDir.split('/').pop()!);
    expect(html).toContain('standard-fanout');
  });

  it('when a topology does not give what the design predicts (standard-fanout with nothing to contend for is valid), the table says so and it exits 1', async () => {
    const result = await compare('--topologies', 'standard-fanout', '--seats', '5', '--bookings', '5', '--rps', '10', '--contention', '1', '--duplicates', '0');
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/standard-fanout\s+invalid\s+VALID/);
    expect(result.stdout).toContain('standard-fanout did not give what the design predicts (exit 1)');
  });

  it('when a stack name would grow too long with a topology suffix, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['compare', '--endpoint', fx.endpoint.url, '--stack', 'a'.repeat(30), '--bookings', '1']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('is not a valid stack name');
  });
});
