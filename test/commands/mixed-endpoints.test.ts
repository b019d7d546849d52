import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { FaultLogEntry } from '../../src/model/fault.js';
import type { StackStatus } from '../../src/deploy/status.js';
import type { StormSummary } from '../../src/model/run.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName, withClosedDefault, withoutEndpoint, type EndpointFixture } from '../helpers/endpoint.js';

// Storms with worker processes and sagas, then verify: seconds each, more on a loaded CI machine.
describe('one endpoint for DynamoDB, another for the rest (AWS_ENDPOINT_URL_DYNAMODB; the built CLI)', { timeout: 180_000 }, () => {
  const main = useEndpoint();
  const tables = useEndpoint();
  const reports = mkdtempSync(join(tmpdir(), 'booksim-mixed-'));
  const mixed = () => ({ ...withoutEndpoint, AWS_ENDPOINT_URL: main.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint.url });
  const booksim = (...args: string[]) => runCli(args, mixed());

  const tablesOf = async (fx: EndpointFixture, stack: string) => ((await fx.clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).filter((name) => name.startsWith(`${stack}-`));
  const queuesOf = async (fx: EndpointFixture, stack: string) => (await fx.clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${stack}-` }))).QueueUrls ?? [];

  async function deployed(prefix: string): Promise<string> {
    const stack = uniqueName(prefix);
    const deploy = await booksim('deploy', '--stack', stack);
    expect(deploy.code, deploy.stderr).toBe(0);
    return stack;
  }

  async function storm(stack: string, ...extra: string[]): Promise<StormSummary> {
    const result = await booksim('storm', '--stack', stack, '--seats', '5', '--bookings', '30', '--rps', '30', '--seed', '4', '--reports-dir', reports, '--no-report', '--json', ...extra);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as StormSummary;
  }

  async function verified(): Promise<VerifyReport> {
    const result = await booksim('verify', '--reports-dir', reports, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    return JSON.parse(result.stdout) as VerifyReport;
  }

  it('when deployed, stormed, verified, shown and destroyed, each service lives and is found on its own endpoint', async () => {
    const stack = await deployed('mixed');
    expect(await tablesOf(tables, stack)).toHaveLength(4);
    expect(await tablesOf(main, stack)).toEqual([]);
    expect(await queuesOf(main, stack)).not.toEqual([]);
    expect(await queuesOf(tables, stack)).toEqual([]);

    const summary = await storm(stack);
    expect(summary.endpoint).toBe(`${main.endpoint.url} (dynamodb at ${tables.endpoint.url})`);
    expect(summary.settle.settled).toBe(true);
    expect(summary.seatsSold).toBe(5);
    expect((await verified()).verdict).toBe('valid');

    const status = await booksim('status', '--stack', stack, '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ deployed: true, runningExecutions: 0 } satisfies Partial<StackStatus>);

    const destroy = await booksim('destroy', '--stack', stack);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(await tablesOf(tables, stack)).toEqual([]);
    expect(await queuesOf(main, stack)).toEqual([]);
  });

  it('when a storm asks for AWS faults, a proxy stands in front of each endpoint and every injection lands in the one fault log', async () => {
    const stack = await deployed('mixed-faults');
    // Throttles at 0.1: a call throttled at all five of its attempts fails its handler, and the message waits out its 60 s visibility timeout, longer than the settle.
    const summary = await storm(stack, '--fault', 'aws-throttle:rate=0.1,service=dynamodb', '--fault', 'aws-latency:rate=0.2,ms=20,service=sqs');
    expect(summary.settle.settled).toBe(true);
    const faults = JSON.parse(readFileSync(join(summary.runDir, 'faults.json'), 'utf8')) as FaultLogEntry[];
    const injected = faults.filter((entry) => entry.phase === 'injected');
    const throttles = injected.filter((entry) => entry.fault === 'aws-throttle');
    const delays = injected.filter((entry) => entry.fault === 'aws-latency');
    expect(throttles.length).toBeGreaterThan(0);
    expect(delays.length).toBeGreaterThan(0);
    expect(new Set(throttles.map((entry) => entry.detail?.service))).toEqual(new Set(['dynamodb']));
    expect(new Set(delays.map((entry) => entry.detail?.service))).toEqual(new Set(['sqs']));
    expect(summary.chaos?.injected).toEqual({ 'aws-throttle': throttles.length, 'aws-latency': delays.length });
    expect((await verified()).verdict).toBe('valid');
  });

  it('when booksim run is given AWS_ENDPOINT_URL_DYNAMODB alone and nothing answers at the default, the tables go there and the rest runs on an embedded endpoint', async () => {
    const stack = uniqueName('mixed-run');
    const env = { ...(await withClosedDefault()), AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint.url };
    const result = await runCli(['run', '--stack', stack, '--seats', '4', '--bookings', '20', '--rps', '20', '--seed', '2', '--reports-dir', reports, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { endpoint: string; embedded: boolean; verify: VerifyReport };
    expect(output).toMatchObject({ embedded: true, verify: { verdict: 'valid' } });
    expect(output.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+ \(dynamodb at http:\/\/127\.0\.0\.1:\d+\)$/);
    expect(output.endpoint).toContain(tables.endpoint.url);
    expect(await tablesOf(tables, stack)).toHaveLength(4);
  });

  it('when the endpoint of one service does not answer, every command says which one before doing anything, exit 4', async () => {
    const env = { ...mixed(), AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' };
    for (const args of [['status'], ['storm', '--bookings', '1', '--reports-dir', reports]]) {
      const result = await runCli(args, env);
      expect(result.code, args[0]).toBe(4);
      expect(unwrap(result.stderr), args[0]).toContain('no AWS endpoint answers at http://127.0.0.1:9 (ECONNREFUSED)');
    }
  });
});
