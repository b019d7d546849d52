import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import { runCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('booksim storm (the built CLI)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();

  it('when run against a deployed stack, it shows the live status as plain lines on stderr (not a terminal), prints the summary, writes the run directory and exits 0', async () => {
    const stack = uniqueName('cli-storm');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-storm-'));
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--seats', '5', '--bookings', '30', '--rps', '30', '--seed', '1', '--reports-dir', reports]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/bookings\s+\d+ accepted: 5 confirmed/);
    expect(result.stdout).toContain('time to decision');
    // The cost next to the calls, with the price table's date.
    expect(result.stdout).toMatch(/^cost\s+\$[\d.]+ total, \$0\.\d+ per booking, \$[\d.]+ per 1,000,000 \(dynamodb \$[\d.]+, lambda \$[\d.]+, sfn \$[\d.]+, sns \$[\d.]+, sqs \$[\d.]+\)$/m);
    expect(result.stdout).toMatch(/cost per booking: confirmed \$0\.\d+, rejected \$0\.\d+, at aws-us-east-1 \(us-east-1, prices of 2026-12-07\)/);
    // The load's final status, the system at the sampler's latest poll (none yet on a very slow machine), no faults line in a run without faults.
    const load = result.stderr.search(/^ {2}load {3}\d+\.\d s\/1 s {2}sent 30 {2}answered 30 \(\d+\.\d\/s of 30\/s\) {2}in flight 0 {2}errors 0 {2}non-2xx 0 {2}API p99 [\d,]+(\.\d)? ms$/m);
    expect(load, result.stderr).toBeGreaterThan(result.stderr.indexOf('30 bookings at 30/s'));
    expect(load).toBeLessThan(result.stderr.indexOf('waiting for the queues to drain'));
    expect(result.stderr).toMatch(/^ {2}system decided \d+ {2}pending \d+ {2}sagas running (\d+\+?|–) {2}queues (inventory\.fifo \d+\/\d+, payment\.fifo \d+\/\d+|–) {2}DLQ (0|–)$/m);
    expect(result.stderr).not.toMatch(/^ {2}faults /m);
    expect(result.stderr).not.toContain('\u001b');
    const run = JSON.parse(readFileSync(join(reports, 'latest', 'run.json'), 'utf8')) as { summary: { seatsSold: number; settle: { settled: boolean } } };
    expect(run.summary).toMatchObject({ seatsSold: 5, settle: { settled: true } });
  });

  it('when a storm names the event of an earlier one, it warns in one line before the load that its sold seats will be rejected; status lists the event', async () => {
    const stack = uniqueName('cli-event');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-event-'));
    const storm = (...args: string[]) => runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--event', 'gala', '--seats', '3', '--rps', '30', '--seed', '2', '--reports-dir', reports, '--no-report', ...args]);

    const first = await storm('--bookings', '9', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ event: 'gala', seats: 3 });
    // --json: nothing on stderr, neither the phases nor the live status.
    expect(first.stderr).toBe('');

    const again = await storm('--bookings', '6');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split('\n')[0]).toMatch(new RegExp(`^storm \\S+: stack ${stack}, event gala, profile fast, seed 2$`));
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

  it('when --pricing names a price table that is not one, it refuses in one line naming the file and what is wrong, exit 2, before anything starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'booksim-pricing-')), 'bad.json');
    const table = JSON.parse(readFileSync(new URL('../../pricing/aws-us-east-1.json', import.meta.url), 'utf8')) as { meters: Record<string, { price: unknown }> };
    table.meters['sqs.fifo.requests']!.price = 'half a dollar';
    writeFileSync(file, JSON.stringify(table));
    const result = await runCli(['storm', '--endpoint', 'http://127.0.0.1:9', '--duration', '1s', '--pricing', file]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(`price table ${file}: meters."sqs.fifo.requests".price is not a number ≥ 0`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
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
