import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import { binRun, runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

// A storm runs worker processes and sagas: seconds, longer on a loaded CI machine.
describe('booksim verify (the built CLI)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();
  const stack = uniqueName('cli-verify');
  const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-verify-'));
  let runDir = '';

  const verify = (...args: string[]) => runCli(['verify', '--endpoint', fx.endpoint.url, '--reports-dir', reports, ...args]);

  beforeAll(async () => {
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    // Outside a test, so not through runCli (which ties the process to the test); it rejects on a non-zero exit.
    const storm = await promisify(execFile)(process.execPath, [binRun, 'storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--seats', '4', '--bookings', '24', '--rps', '30', '--duplicates', '0.2', '--seed', '5', '--reports-dir', reports, '--json']);
    runDir = (JSON.parse(storm.stdout) as { runDir: string }).runDir;
  }, 120_000);

  it('when the storm kept every rule, it says VALID for all eight invariants, writes verify.json and junit.xml, and exits 0', async () => {
    const junitCopy = join(reports, 'ci-junit.xml');
    const result = await verify('--junit', junitCopy);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('VALID');
    for (const key of ['no-double-booking', 'first-come-first-served', 'payment-only-for-holder', 'reassignment', 'exactly-once-effects', 'nothing-lost', 'no-limbo', 'compensation-complete']) {
      expect(result.stdout).toContain(key);
    }
    const report = JSON.parse(readFileSync(join(runDir, 'verify.json'), 'utf8')) as VerifyReport;
    expect(report).toMatchObject({ verdict: 'valid', exitCode: 0, stack });
    expect(report.invariants.map((i) => i.verdict)).toEqual(Array(8).fill('valid'));
    const junit = readFileSync(junitCopy, 'utf8');
    expect(junit).toBe(readFileSync(join(runDir, 'junit.xml'), 'utf8'));
    expect(XMLValidator.validate(junit)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(junit) as { testsuites: { testsuite: { testcase: unknown[]; '@_failures': string } } };
    expect(parsed.testsuites.testsuite.testcase).toHaveLength(8);
    expect(parsed.testsuites.testsuite['@_failures']).toBe('0');
  });

  it('when asked for JSON, it prints the report as data, with the same exit code', async () => {
    const result = await verify('--json', '--run', 'latest');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'valid', exitCode: 0, invariants: expect.any(Array), thresholds: [] });
  });

  it('when a threshold is breached, it lists it with the measured value and exits 1; one that holds passes', async () => {
    const result = await verify('--threshold', 'decision.p99<1', '--threshold', 'api.max<600000');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/decision\.p99\s*<\s*1/);
    const report = JSON.parse(readFileSync(join(runDir, 'verify.json'), 'utf8')) as VerifyReport;
    expect(report.thresholds.map((t) => t.verdict)).toEqual(['breached', 'passed']);
    expect(report.thresholds[0]!.measured).toBeGreaterThan(1);
  });

  it('when the run has no ledger and no request log, the invariants that need them are unknown and it exits 3', async () => {
    const copy = join(reports, 'without-evidence');
    cpSync(runDir, copy, { recursive: true });
    rmSync(join(copy, 'ledger.jsonl'));
    rmSync(join(copy, 'requests.json'));
    const result = await verify('--run', copy, '--json');
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as VerifyReport;
    expect(report.verdict).toBe('unknown');
    const unknown = report.invariants.filter((i) => i.verdict === 'unknown').map((i) => i.key);
    expect(unknown).toEqual(expect.arrayContaining(['payment-only-for-holder', 'nothing-lost']));
  });

  it.each([
    [['--threshold', 'decision.p99<<2'], 'decision.p99<<2'],
    [['--threshold', 'latency.p99<2'], 'latency'],
    [['--run', 'no-such-run'], 'no run no-such-run'],
  ])('when given %j, it refuses with exit 2 before asking the endpoint', async (args, message) => {
    const result = await runCli(['verify', '--endpoint', 'http://127.0.0.1:9', '--reports-dir', reports, ...args]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });

  // Last: it breaks the stack's state for good.
  it('when a seat gets a second CONFIRMED booking, it reports the double booking with the seat and both bookings, and exits 1', async () => {
    const report = JSON.parse(readFileSync(join(runDir, 'verify.json'), 'utf8')) as VerifyReport;
    const { Items } = await fx.clients.dynamodb.send(new ScanCommand({ TableName: `${stack}-bookings`, ConsistentRead: true }));
    const confirmed = Items!.find((item) => item.status?.S === 'CONFIRMED')!;
    const intruder = { ...confirmed, bookingId: { S: 'Bintruder0000000000000' }, requestId: { S: `${report.runId}-intruder` } };
    await fx.clients.dynamodb.send(new PutItemCommand({ TableName: `${stack}-bookings`, Item: intruder }));

    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('INVALID');
    const seatId = confirmed.seatId!.S!;
    expect(result.stdout).toContain(seatId);
    expect(result.stdout).toContain('Bintruder0000000000000');
    expect(result.stdout).toContain(confirmed.bookingId!.S!);
  });
});
