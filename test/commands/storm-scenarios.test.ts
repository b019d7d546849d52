import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { faultNames, type FaultLogEntry } from '../../src/model/fault.js';
import { deployStack } from '../../src/deploy/deploy.js';
import type { StormSummary } from '../../src/model/run.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

// Each case is a storm with worker processes and faults, then verify: seconds each, more on a loaded CI machine.
describe('booksim storm --scenario, then verify (the built CLI)', { timeout: 180_000 }, () => {
  const fx = useEndpoint();

  async function stormThenVerify(scenario: string, ...extra: string[]) {
    const stack = uniqueName(`sc-${scenario}`);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reports = mkdtempSync(join(tmpdir(), 'booksim-scenario-'));
    const common = ['--endpoint', fx.endpoint.url, '--reports-dir', reports];
    const storm = await runCli(['storm', ...common, '--stack', stack, '--scenario', scenario, '--seats', '6', '--bookings', '40', '--rps', '20', '--seed', '3', '--json', ...extra]);
    expect(storm.code, storm.stderr).toBe(0);
    const summary = JSON.parse(storm.stdout) as StormSummary;
    const faults = JSON.parse(readFileSync(join(summary.runDir, 'faults.json'), 'utf8')) as FaultLogEntry[];
    const verify = await runCli(['verify', ...common, '--json']);
    return { summary, faults, verify: { code: verify.code, report: JSON.parse(verify.stdout) as VerifyReport } };
  }

  const fired = (faults: FaultLogEntry[], name: string) => faults.filter((entry) => entry.fault === name && entry.phase === 'injected');

  it('when the gateway declines charges, the faults are logged, seats pass down the line, and verify is valid', async () => {
    const { summary, faults, verify } = await stormThenVerify('declines');
    expect(fired(faults, 'payment-decline').length).toBeGreaterThan(0);
    expect(summary.chaos).toMatchObject({ scenario: 'declines', injected: { 'payment-decline': fired(faults, 'payment-decline').length } });
    expect(summary.bookings.paymentFailed).toBeGreaterThan(0);
    expect(verify.code).toBe(0);
    expect(verify.report.verdict).toBe('valid');
  });

  it('when messages and tasks are delivered twice and messages late, every effect still happens once, in FIFO order: verify is valid', async () => {
    const { faults, verify } = await stormThenVerify('duplicates');
    expect(fired(faults, 'duplicate-delivery').length).toBeGreaterThan(0);
    expect(fired(faults, 'late-delivery').length).toBeGreaterThan(0);
    expect(verify.code).toBe(0);
  });

  it('when an IssueTicket worker is SIGKILLed mid-heartbeat, the kill is logged, detection is measured, and verify is valid', async () => {
    const { summary, faults, verify } = await stormThenVerify('heartbeat-crash');
    const kills = fired(faults, 'crash-mid-heartbeat');
    expect(kills.length).toBeGreaterThan(0);
    expect(kills[0]!.detail).toMatchObject({ task: 'IssueTicket', pid: expect.any(Number) });
    expect(summary.chaos?.detectionMs?.count).toBeGreaterThan(0);
    // The workers heartbeat, so every crash is noticed by a heartbeat timeout, well before the task's TimeoutSeconds.
    expect(summary.chaos?.detectedBy).toEqual({ heartbeatTimeout: summary.chaos?.detectionMs?.count, taskTimeout: 0 });
    expect(verify.code).toBe(0);
  });

  it('when AWS calls are throttled and failed at the proxy, the SDK retries absorb them: verify is valid', async () => {
    const { faults, verify } = await stormThenVerify('throttling');
    expect(fired(faults, 'aws-throttle').length).toBeGreaterThan(0);
    expect(fired(faults, 'aws-throttle')[0]!.detail).toMatchObject({ service: expect.any(String), operation: expect.any(String) });
    expect(verify.code).toBe(0);
  });

  it('when refunds hang until the saga escalates, the reconciler finishes them after the heal: verify is valid', async () => {
    const { summary, faults, verify } = await stormThenVerify('refund-timeouts');
    expect(fired(faults, 'refund-timeout').length).toBeGreaterThan(0);
    expect(faults.some((entry) => entry.fault === 'refund-timeout' && entry.action.startsWith('healed'))).toBe(true);
    expect(summary.chaos?.reconciler?.refunded).toBeGreaterThan(0);
    expect(summary.bookings.escalated).toBe(0);
    expect(verify.code).toBe(0);
  });

  it('when sagas are stopped after they charged, the reconciler restarts them under the same key: verify is valid', async () => {
    const { summary, faults, verify } = await stormThenVerify('stuck-orders');
    expect(fired(faults, 'stop-execution').length).toBeGreaterThan(0);
    expect(summary.chaos?.reconciler?.restarted).toBeGreaterThan(0);
    expect(verify.code).toBe(0);
  });

  it('when the reconciler restarts them with a new key (--sabotage new-key-on-retry), verify reports the double charge and exits 1', async () => {
    const { summary, verify } = await stormThenVerify('stuck-orders', '--sabotage', 'new-key-on-retry');
    expect(summary.chaos?.sabotage).toEqual(['new-key-on-retry']);
    expect(summary.chaos?.reconciler?.restarted).toBeGreaterThan(0);
    expect(verify.code).toBe(1);
    const exactlyOnce = verify.report.invariants.find((i) => i.key === 'exactly-once-effects')!;
    expect(exactlyOnce.verdict).toBe('invalid');
    expect(exactlyOnce.counterexamples[0]!.message).toMatch(/was charged 2 times/);
  });

  it.each([
    ['lost-responses', ['gateway-lost-response', 'aws-lost-response']],
    ['cold-starts', ['cold-start']],
    ['vip-rush', ['payment-decline', 'crash-mid-heartbeat']],
    ['kitchen-sink', ['duplicate-delivery', 'late-delivery', 'aws-latency']],
  ])('when the %s scenario runs, its faults fire and verify is valid', async (scenario, names) => {
    const { faults, verify } = await stormThenVerify(scenario);
    for (const name of names) expect(fired(faults, name).length, name).toBeGreaterThan(0);
    expect(verify.code, JSON.stringify(verify.report.invariants.filter((i) => i.verdict !== 'valid'))).toBe(0);
  });

  it('when VIPs storm with standard customers, their sagas take the FastPath Parallel, the others the standard path, and their decisions are reported apart', async () => {
    const { summary, verify } = await stormThenVerify('declines', '--vip', '0.5');
    expect(verify.code).toBe(0);
    expect(summary.latency.timeToDecisionByTier.VIP?.count).toBeGreaterThan(0);
    expect(summary.latency.timeToDecisionByTier.STANDARD?.count).toBeGreaterThan(0);
    const { sfn } = fx.clients;
    const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name === `${summary.stack}-saga`)!;
    const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }))).executions!;
    const pathOf = async (executionArn: string) => {
      const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
      const entered = events.flatMap((event) => (event.stateEnteredEventDetails ? [event.stateEnteredEventDetails.name] : []));
      return { tier: (JSON.parse(input!) as { tier: string }).tier, fast: entered.includes('FastPath'), standard: entered.includes('ValidatePayment') };
    };
    const paths = await Promise.all(executions.map((execution) => pathOf(execution.executionArn!)));
    expect(new Set(paths.filter((path) => path.tier === 'VIP').map(({ fast, standard }) => `${fast}/${standard}`))).toEqual(new Set(['true/false']));
    expect(new Set(paths.filter((path) => path.tier === 'STANDARD').map(({ fast, standard }) => `${fast}/${standard}`))).toEqual(new Set(['false/true']));
  });

  it.each([
    [['--scenario', 'chaos-monkey'], 'there is no scenario "chaos-monkey"'],
    [['--fault', 'payment-decline:rate=2'], 'rate=2 is not a share between 0 and 1'],
    [['--fault', 'crash-mid-hearbeat'], 'there is no fault "crash-mid-hearbeat"'],
  ])('when given %j, it refuses with exit 2 before starting anything', async (args, message) => {
    const result = await runCli(['storm', '--endpoint', 'http://127.0.0.1:9', '--bookings', '1', ...args]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });

  it('when asked, booksim scenarios lists every preset with its faults', async () => {
    const result = await runCli(['scenarios', '--json']);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<{ name: string; faults: string[] }>;
    expect(listed.map((s) => s.name)).toContain('kitchen-sink');
    expect(listed.find((s) => s.name === 'heartbeat-crash')?.faults).toEqual(['crash-mid-heartbeat:after=1,times=2']);
  });

  it('when asked for the faults, booksim scenarios lists every fault of the registry with where it is injected and its parameters', async () => {
    const result = await runCli(['scenarios', '--faults', '--json']);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<{ name: string; target: string; summary: string }>;
    expect(listed.map((fault) => fault.name)).toEqual(faultNames);
    expect(listed.find((fault) => fault.name === 'worker-hang')).toMatchObject({ target: 'worker', summary: expect.stringContaining('SIGSTOP') });
    const text = await runCli(['scenarios', '--faults']);
    expect(text.stdout).toMatch(/^payment-decline +gateway +rate= \(0\.2\) of charges declined$/m);
  });
});
