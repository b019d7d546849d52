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

  it('when a storm names the event of an earlier one, it warns in one line before the load that its sold seats will be rejected; status lists the event', async () => {
    const stack = uniqueName('cli-event');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-event-'));
    const storm = (...args: string[]) => runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--event', 'gala', '--seats', '3', '--rps', '30', '--seed', '2', '--reports-dir', reports, '--no-report', ...args]);

    const first = await storm('--bookings', '9');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.split('\n')[0]).toMatch(new RegExp(`^storm \\S+: stack ${stack}, event gala, profile fast, seed 2$`));
    expect(first.stderr).not.toContain('already sold');

    const again = await storm('--bookings', '6');
    expect(again.code, again.stderr).toBe(0);
    const warning = `event gala: 3 of 3 seats already sold on stack ${stack} — bookings for them will be rejected`;
    expect(again.stderr).toContain(`${warning}\n`);
    expect(again.stderr.indexOf(warning)).toBeLessThan(again.stderr.indexOf('bookings at 30/s'));
    expect(again.stdout).toMatch(/bookings\s+6 accepted: 0 confirmed, 6 rejected/);
    expect(again.stdout).toContain('0 of 3 sold (3 sold before this run)');

    const status = await runCli(['status', '--endpoint', fx.endpoint.url, '--stack', stack]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^ {2}gala\s+seats\s+3\s+sold\s+3$/m);
    const data = JSON.parse((await runCli(['status', '--endpoint', fx.endpoint.url, '--stack', stack, '--json'])).stdout) as { events: unknown[] };
    expect(data.events).toEqual([{ event: 'gala', seats: 3, sold: 3 }]);
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
    [['--event', 'my gala', '--duration', '1s'], `--event must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit (got "my gala")`],
    [['--event', 'a/b', '--duration', '1s'], '--event must be'],
  ])('when given %j, it refuses with exit 2 and names the problem', async (args, message) => {
    const result = await runCli(['storm', '--endpoint', 'http://127.0.0.1:9', ...args]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });
});
