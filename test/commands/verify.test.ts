import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import type { RunJson } from '../../src/run-dir/schema.js';
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
    [['--threshold', 'success_rate>0.99'], 'unknown metric "success_rate" (known: api, decision, vip.decision, standard.decision, saga.success_rate, compensation_rate'],
    [['--threshold', 'checkout.failure_rate<0.05'], 'unknown saga step "checkout" (known: validate, reserve, issue, notify, refund, release,'],
    [['--threshold', 'saga.success_rate>99'], 'the limit 99 is above 1: it is a rate, a ratio from 0 to 1 (0.99, or 99%)'],
    [['--slo', 'strict'], 'unknown SLO preset "strict" (known: design)'],
    [['--run', 'no-such-run'], 'no run no-such-run'],
  ])('when given %j, it refuses with exit 2 before asking the endpoint', async (args, message) => {
    const result = await runCli(['verify', '--endpoint', 'http://127.0.0.1:9', '--reports-dir', reports, ...args]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });

  it.each([
    ['run', '--slo', 'strict', 'unknown SLO preset "strict"'],
    ['compare', '--threshold', 'saga.success_rate>2', 'the limit 2 is above 1'],
  ])('when %s is given a bad %s, it refuses with exit 2 before deploying anything', async (command, flag, value, message) => {
    const result = await runCli([command, '--endpoint', 'http://127.0.0.1:9', '--reports-dir', reports, flag, value]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });

  describe('thresholds beyond latency', () => {
    /** A copy of the run with the one figure the storm cannot give: it killed no worker, so its crash detection is set here. */
    let figuresRun = '';
    beforeAll(() => {
      figuresRun = join(reports, 'with-figures');
      cpSync(runDir, figuresRun, { recursive: true });
      const file = join(figuresRun, 'run.json');
      const run = JSON.parse(readFileSync(file, 'utf8')) as RunJson;
      run.summary.chaos = { faults: ['crash-mid-heartbeat:after=1'], injected: {}, detectionMs: { count: 2, p50: 2100, p90: 2400, p99: 2400, p999: 2400, max: 2400 } };
      writeFileSync(file, JSON.stringify(run));
    });

    // One pair per metric: the storm kept every rule, so every saga succeeded and nothing compensated or stayed undecided.
    const pairs = [
      ['saga.success_rate>0.99', 'saga.success_rate<0.5'],
      ['compensation_rate<0.01', 'compensation_rate>50%'],
      ['reserve.failure_rate<0.05', 'reserve.failure_rate>0.5'],
      ['issue.failure_rate<=0', 'issueticket.failure_rate>0'],
      ['decision.undecided<1', 'decision.undecided>=1'],
      ['rate.achieved_ratio>0.1', 'rate.achieved_ratio>10'],
      ['crash.detection.p99<5000', 'crash.detection.max<1000'],
      ['calls.per_booking<1000', 'calls.per_booking<1'],
      ['cost.per_booking<1', 'cost.per_booking<0.0000001'],
      ['reserve.total.max<60000', 'reserve.work.p50<0.001'],
    ];
    const thresholdArgs = (expressions: string[]) => expressions.flatMap((expression) => ['--threshold', expression]);

    it('when every threshold holds, each passes with its measured value and it exits 0', async () => {
      const result = await verify('--run', figuresRun, '--json', ...thresholdArgs(pairs.map(([passing]) => passing!)));
      const report = JSON.parse(result.stdout) as VerifyReport;
      expect(report.thresholds.filter((t) => t.verdict !== 'passed'), result.stdout).toEqual([]);
      expect(report.thresholds.every((t) => typeof t.measured === 'number')).toBe(true);
      expect(result.code).toBe(0);
    });

    it('when every threshold is crossed, each is breached, the table shows them, JUnit has one failing testcase each, and it exits 1', async () => {
      const junitCopy = join(reports, 'breached-junit.xml');
      const result = await verify('--run', figuresRun, '--junit', junitCopy, ...thresholdArgs(pairs.map(([, breached]) => breached!)));
      expect(result.code, result.stdout + result.stderr).toBe(1);
      const report = JSON.parse(readFileSync(join(figuresRun, 'verify.json'), 'utf8')) as VerifyReport;
      expect(report.thresholds.map((t) => [t.expression, t.verdict])).toEqual(pairs.map(([, breached]) => [breached, 'breached']));
      for (const [, breached] of pairs) expect(result.stdout).toContain(breached);
      expect(result.stdout).toMatch(/10 thresholds breached/);
      const junit = readFileSync(junitCopy, 'utf8');
      expect(junit).toContain('breached: saga.success_rate measured 1, must be &lt; 0.5');
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(junit) as { testsuites: { testsuite: { testcase: unknown[]; '@_failures': string } } };
      expect(parsed.testsuites.testsuite.testcase).toHaveLength(8 + pairs.length);
      expect(parsed.testsuites.testsuite['@_failures']).toBe(String(pairs.length));
    });

    it('when asked for --slo design, it adds the design SLOs scaled to the fast profile, shows each, and they hold on a run that kept every rule', async () => {
      const result = await verify('--run', figuresRun, '--slo', 'design', '--threshold', 'decision.undecided<1');
      const report = JSON.parse(readFileSync(join(figuresRun, 'verify.json'), 'utf8')) as VerifyReport;
      const design = ['vip.decision.p99<9152', 'standard.decision.p99<22268', 'saga.success_rate>0.99', 'reserve.failure_rate<0.05'];
      expect(report.thresholds.map((t) => [t.expression, t.slo])).toEqual([['decision.undecided<1', undefined], ...design.map((expression) => [expression, 'design'])]);
      for (const expression of design) expect(result.stdout).toContain(`${expression} (slo design)`);
      // The storm's few bookings include VIP ones (seed 5), so every SLO is measured, and met.
      expect(report.thresholds.map((t) => t.verdict), result.stdout).toEqual(Array(5).fill('passed'));
      expect(result.code).toBe(0);
      const junit = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(figuresRun, 'junit.xml'), 'utf8')) as { testsuites: { testsuite: { testcase: Array<{ '@_name': string }> } } };
      expect(junit.testsuites.testsuite.testcase.slice(8).map((c) => c['@_name'])).toEqual(['decision.undecided<1', ...design.map((expression) => `${expression} (slo design)`)]);
    });

    it('when the run lacks what a metric is measured from, the threshold is unknown with a note, and it exits 3', async () => {
      // The storm itself killed no worker: nothing to measure crash detection from.
      const result = await verify('--threshold', 'crash.detection.p99<5000');
      expect(result.code).toBe(3);
      expect(unwrap(result.stdout)).toContain('threshold crash.detection.p99<5000 (unknown): no worker was killed mid-task');
    });
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
