import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src/model/verdict.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName, withClosedDefault } from '../helpers/endpoint.js';

describe('booksim run (the built CLI)', { timeout: 180_000 }, () => {
  const fx = useEndpoint();

  it('when no endpoint is named and none answers, it runs deploy → storm → verify → report on an embedded one, says so, and exits 0', async () => {
    const reports = join(mkdtempSync(join(tmpdir(), 'booksim-run-')), 'reports');
    const env = await withClosedDefault();
    const result = await runCli(['run', '--seats', '4', '--bookings', '20', '--rps', '20', '--seed', '2', '--reports-dir', reports], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`nothing answers at ${env.BOOKSIM_DEFAULT_ENDPOINT}: running on booksim's embedded endpoint at http://127.0.0.1:`);
    expect(result.stdout).toContain('VALID — all 8 invariants hold');
    const report = result.stdout.match(/^report: (.+)$/m)?.[1];
    expect(report).toBe(join(realpathSync(join(reports, 'latest')), 'report.html'));
    expect(readFileSync(report!, 'utf8')).toContain('no-double-booking');
  });

  it('when the conditional writes are sabotaged on standard-fanout under duplicates, it exits 1 and the report shows the double booking', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'booksim-run-sabotage-'));
    const result = await runCli([
      'run', '--endpoint', fx.endpoint.url, '--stack', uniqueName('run-sabotage'), '--reports-dir', reports, '--topology', 'standard-fanout',
      '--scenario', 'duplicates', '--sabotage', 'no-conditional-write', '--fault', 'aws-latency:rate=1,ms=1500,service=dynamodb,operation=UpdateItem',
      '--seats', '6', '--bookings', '40', '--rps', '20', '--contention', '4', '--seed', '3', '--json',
    ]);
    expect(result.code, result.stderr).toBe(1);
    const output = JSON.parse(result.stdout) as { verify: VerifyReport; report: string };
    const doubleBooking = output.verify.invariants.find((i) => i.key === 'no-double-booking')!;
    expect(doubleBooking.verdict).toBe('invalid');
    const html = readFileSync(output.report, 'utf8');
    expect(html).toContain('no-double-booking');
    // The counterexample's sentence, as escaped into the page.
    expect(html).toMatch(/seat [\w-]+\/S\d+ was sold \d times/);
  });

  it('when a flag is bad, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['run', '--endpoint', fx.endpoint.url, '--rps', 'lots', '--bookings', '5']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--rps');
  });

  it('when --event is not a name, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['run', '--endpoint', fx.endpoint.url, '--event', 'gala night', '--bookings', '5']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--event must be 1–64 letters, digits');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('when --standard-queue-chaos is not a probability, it refuses before anything starts, exit 2', async () => {
    const result = await runCli(['run', '--endpoint', fx.endpoint.url, '--standard-queue-chaos', 'often', '--bookings', '5']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--standard-queue-chaos must be a number from 0 to 1, got "often"');
  });
});
