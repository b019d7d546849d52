import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('booksim storm (the built CLI)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();

  it('when run against a deployed stack, it prints the summary, writes the run directory and exits 0', async () => {
    const stack = uniqueName('cli-storm');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-storm-'));
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--seats', '5', '--bookings', '30', '--rps', '30', '--seed', '1', '--reports-dir', reports]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/bookings\s+\d+ accepted: 5 confirmed/);
    expect(result.stdout).toContain('time to decision');
    const run = JSON.parse(readFileSync(join(reports, 'latest', 'run.json'), 'utf8')) as { summary: { seatsSold: number; settle: { settled: boolean } } };
    expect(run.summary).toMatchObject({ seatsSold: 5, settle: { settled: true } });
  });

  it('when the stack is not deployed, it says to deploy it, exit 4', async () => {
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', 'never-deployed', '--bookings', '1', '--reports-dir', mkdtempSync(join(tmpdir(), 'booksim-x-'))]);
    expect(result.code).toBe(4);
    expect(unwrap(result.stderr)).toContain('booksim deploy');
  });

  it.each([
    [['--rps', '-5', '--duration', '1s'], '--rps'],
    [['--seats', '0', '--duration', '1s'], '--seats'],
    [['--contention', '0.5', '--duration', '1s'], '--contention'],
    [['--duplicates', '2', '--duration', '1s'], '--duplicates'],
    [['--duration', 'soon'], '--duration "soon" is not a duration'],
    [['--duration', '1s', '--bookings', '5'], 'cannot also be provided when using'],
  ])('when given %j, it refuses with exit 2 and names the problem', async (args, message) => {
    const result = await runCli(['storm', '--endpoint', 'http://127.0.0.1:9', ...args]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });
});
