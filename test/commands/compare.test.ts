import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

interface CompareOutput {
  matches: boolean;
  report: string;
  topologies: Array<{ topology: string; stack: string; expected: string; verdict: string; matches: boolean; violated: string[]; apiP99Ms: number; costPerBooking: number; runDir: string }>;
}

describe('booksim compare (the built CLI)', { timeout: 240_000 }, () => {
  // Standard queues that duplicate, delay and shuffle every delivery, as real SQS may: so that a small storm is sure to show what standard-fanout suffers.
  const fx = useEndpoint({ standardQueueChaos: 1, seed: 11 });
  const compare = (...args: string[]) =>
    runCli(['compare', '--endpoint', fx.endpoint.url, '--stack', uniqueName('cmp'), '--reports-dir', mkdtempSync(join(tmpdir(), 'booksim-compare-')), '--seed', '3', ...args]);

  it('when the four topologies storm under duplicates on queues that reorder, fifo-fanout and direct-chain hold, standard-fanout serves out of turn, shared-queue loses bookings; direct-chain answers slowest: as the design predicts, exit 0', async () => {
    const result = await compare('--scenario', 'duplicates', '--seats', '6', '--bookings', '60', '--rps', '30', '--contention', '5', '--json');
    expect(result.code, result.stdout).toBe(0);
    const output = JSON.parse(result.stdout) as CompareOutput;
    expect(output.matches).toBe(true);
    expect(output.topologies.map((t) => [t.topology, t.verdict])).toEqual([
      ['fifo-fanout', 'valid'],
      ['standard-fanout', 'invalid'],
      ['shared-queue', 'invalid'],
      ['direct-chain', 'valid'],
    ]);
    const [fifo, standard, shared, direct] = output.topologies;
    expect(standard!.violated).toContain('first-come-first-served invalid');
    expect(shared!.violated).toContain('nothing-lost invalid');
    // The client waits for the whole chain: a holder's request until its saga ends. Slower, not a factor slower: on a loaded machine fifo-fanout's tail stalls too (2.3 s against 3.4 s once, at a load average of 16).
    expect(direct!.apiP99Ms).toBeGreaterThan(fifo!.apiP99Ms);
    // Each topology's cost per booking, from what it called: all of them pay for the same sagas.
    for (const topology of output.topologies) expect(topology.costPerBooking).toBeGreaterThan(0);
    const html = readFileSync(output.report, 'utf8');
    expect(html).toContain('The design question, answered');
    expect(html).toContain('cost per booking (aws-us-east-1, 2026-12-07)');
    for (const { runDir, topology } of output.topologies) {
      expect(html).toContain(runDir.split('/').pop()!);
      expect(html).toContain(topology);
    }
  });

  it('when a topology does not give what the design predicts (standard-fanout with nothing to contend for is valid), the table says so and it exits 1', async () => {
    const result = await compare('--topologies', 'standard-fanout', '--seats', '5', '--bookings', '5', '--rps', '10', '--contention', '1', '--duplicates', '0');
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/standard-fanout\s+invalid\s+VALID/);
    // The table has a cost column, at the price table named under it.
    expect(result.stdout).toMatch(/calls\/booking\s+cost\/booking/);
    expect(result.stdout).toMatch(/standard-fanout\s+invalid\s+VALID(\s+\S+){3}\s+\$0\.\d+/);
    expect(result.stdout).toContain('cost at aws-us-east-1 (us-east-1, prices of 2026-12-07)');
    expect(result.stdout).toContain('standard-fanout did not give what the design predicts (exit 1)');
  });

  it('when a stack name would grow too long with a topology suffix, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['compare', '--endpoint', fx.endpoint.url, '--stack', 'a'.repeat(30), '--bookings', '1']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('is not a valid stack name');
  });

  it('when --event is not a name, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['compare', '--endpoint', fx.endpoint.url, '--event', '../gala', '--bookings', '1']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--event must be 1–64 letters, digits');
  });
});
