import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src/model/verdict.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('booksim run --topology (the built CLI)', { timeout: 180_000 }, () => {
  const fx = useEndpoint();

  async function run(...args: string[]) {
    const reports = mkdtempSync(join(tmpdir(), 'booksim-topology-'));
    const result = await runCli(['run', '--endpoint', fx.endpoint.url, '--stack', uniqueName('topo'), '--reports-dir', reports, '--seed', '3', '--json', ...args]);
    const output = JSON.parse(result.stdout) as { storm: { runDir: string }; verify: VerifyReport };
    return { code: result.code, stderr: result.stderr, output, runJson: JSON.parse(readFileSync(join(output.storm.runDir, 'run.json'), 'utf8')) as { topology: string } };
  }

  it('when every seat is asked for once, the standard wiring books them all and verify is valid; the run records its topology', async () => {
    const { code, stderr, output, runJson } = await run('--topology', 'standard-fanout', '--seats', '10', '--bookings', '10', '--rps', '20', '--contention', '1', '--duplicates', '0');
    expect(code, stderr).toBe(0);
    expect(output.verify.verdict).toBe('valid');
    expect(runJson.topology).toBe('standard-fanout');
  });

  // As test/commands/run.test.ts's double booking on standard-fanout: duplicates with half the seat writes slow, so a placement's write lands after another booking of the seat has read the seat free.
  const slowWrites = ['--scenario', 'duplicates', '--sabotage', 'no-conditional-write', '--fault', 'aws-latency:rate=0.5,ms=1500,service=dynamodb,operation=UpdateItem', '--seats', '6', '--bookings', '40', '--rps', '20', '--contention', '4'];

  it('when conditional writes are sabotaged on fifo-fanout, each seat is handled one booking at a time, so FIFO order alone keeps it: verify is valid', async () => {
    const { code, stderr, output } = await run(...slowWrites);
    expect(code, stderr).toBe(0);
    expect(output.verify.verdict).toBe('valid');
  });

  it('when a fault aims at the payment worker of a direct-chain stack, which has none (the API calls payment), it refuses with exit 2 and says which functions it can aim at', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'booksim-topology-'));
    const result = await runCli(['run', '--endpoint', fx.endpoint.url, '--stack', uniqueName('direct'), '--reports-dir', reports, '--topology', 'direct-chain', '--fault', 'worker-hang:function=payment,for=1s', '--bookings', '3']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('no worker hosts payment in this stack\'s topology');
    expect(unwrap(result.stderr)).toContain('ValidatePayment');
  });
});
