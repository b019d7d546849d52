import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import type { StormSummary } from '../../src/model/run.js';
import { quotasPath } from '../../src/model/quotas.js';
import { runCli, spawnCli, unwrap, waitForLine } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const oneLine = (stderr: string) => unwrap(stderr).trim();

describe('booksim local --aws-quotas', () => {
  it('when given a region, the ready line says the quotas are enforced with its figures, and GET /_booksim/quotas names it', async () => {
    const cli = spawnCli(['local', '--port', '0', '--aws-quotas', 'eu-west-1']);
    const [line, url] = await waitForLine(cli, /booksim local ready at (http:\/\/127\.0\.0\.1:\d+) .*/);
    expect(line).toContain('; AWS quotas enforced (eu-west-1 figures); Ctrl-C to stop');
    expect(await (await fetch(`${url}${quotasPath}`)).json()).toEqual({ region: 'eu-west-1', throttles: [] });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('when the region is not an AWS region name, it refuses in one line with exit 2', async () => {
    const result = await runCli(['local', '--port', '0', '--aws-quotas', 'mars']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain('--aws-quotas mars is not an AWS region name: give one such as us-east-1 or eu-west-1.');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('booksim run --aws-quotas', () => {
  it('when the region is not an AWS region name, it refuses before anything starts, with exit 2', async () => {
    const result = await runCli(['run', '--aws-quotas', 'US-EAST-1', '--bookings', '1']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain('--aws-quotas US-EAST-1 is not an AWS region name');
  });
});

describe('booksim storm --aws-quotas against an endpoint without quotas', () => {
  const fx = useEndpoint();

  it('exits 2 with one line saying to start booksim local --aws-quotas', async () => {
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--aws-quotas', 'us-east-1', '--bookings', '1']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain(
      `--aws-quotas us-east-1: the endpoint at ${fx.endpoint.url} does not enforce AWS quotas; start it with \`booksim local --aws-quotas us-east-1\` (or give --aws-quotas to \`booksim run\`, which starts one).`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('booksim storm against an endpoint that enforces quotas', { timeout: 120_000 }, () => {
  const fx = useEndpoint({ awsQuotas: { region: 'us-east-1' } });

  it('when asked for another region than the endpoint enforces, it exits 2 naming both', async () => {
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--aws-quotas', 'eu-west-1', '--bookings', '1']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain(`the endpoint at ${fx.endpoint.url} enforces us-east-1's quotas, not eu-west-1's`);
  });

  it('when a small storm hits no quota, the summary and run.json say so with the region whose figures applied', async () => {
    const stack = uniqueName('quota-storm');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reports = mkdtempSync(join(tmpdir(), 'booksim-quota-storm-'));
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--aws-quotas', 'us-east-1', '--stack', stack, '--seats', '5', '--bookings', '20', '--rps', '20', '--seed', '3', '--reports-dir', reports, '--no-report']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^quotas\s+no quota hit \(us-east-1 figures\)$/m);
    const { summary } = JSON.parse(readFileSync(join(reports, 'latest', 'run.json'), 'utf8')) as { summary: StormSummary };
    expect(summary.quotas).toEqual({ region: 'us-east-1', hits: [] });
  });
});
