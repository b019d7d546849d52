import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { runCli, unwrap } from '../helpers/cli.js';

describe('booksim deploy, status, destroy (the built CLI)', () => {
  const fx = useEndpoint();

  it('when run in turn, deploy creates the stack, a second deploy changes nothing, status shows it, destroy removes it', async () => {
    const stack = uniqueName('cli');
    const target = ['--endpoint', fx.endpoint.url, '--stack', stack];
    const first = await runCli(['deploy', ...target]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`✔ created    queue         ${stack}-inventory.fifo`);
    expect(first.stdout).toMatch(new RegExp(`stack ${stack} deployed: 21 created`));

    const second = await runCli(['deploy', ...target]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`stack ${stack} is up to date: nothing to change`);

    const status = await runCli(['status', ...target, '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { deployed: boolean; profile: string; runningExecutions: number; queues: unknown[] };
    expect(parsed).toMatchObject({ deployed: true, profile: 'fast', runningExecutions: 0 });
    expect(parsed.queues).toHaveLength(3);

    const destroyed = await runCli(['destroy', ...target, '--json']);
    expect(destroyed.code).toBe(0);
    expect((JSON.parse(destroyed.stdout) as { resources: Array<{ outcome: string }> }).resources.every((r) => r.outcome === 'deleted')).toBe(true);
  });

  it('when nothing listens at the endpoint, it says so in one line with how to start one, exit 4', async () => {
    for (const command of ['deploy', 'status', 'destroy']) {
      const result = await runCli([command, '--endpoint', 'http://127.0.0.1:9']);
      expect(result.code).toBe(4);
      expect(unwrap(result.stderr)).toContain('no AWS endpoint answers at http://127.0.0.1:9 (ECONNREFUSED)');
      expect(unwrap(result.stderr)).toContain('docker compose up -d');
      expect(unwrap(result.stderr)).toContain('booksim local');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('when --json is given and the command fails, it prints the error as JSON with the exit code', async () => {
    const result = await runCli(['deploy', '--json', '--endpoint', 'http://127.0.0.1:9']);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { message: expect.stringContaining('no AWS endpoint answers'), exitCode: 4 } });
  });

  it('when a flag or argument is refused, it says which in one line, without the help, exit 2; with --json as a short error object', async () => {
    const plain = await runCli(['verify', '--run', 'x', 'extra']);
    expect(plain.code).toBe(2);
    expect(unwrap(plain.stderr).trim()).toBe('Error: Unexpected argument: extra Try this: See `booksim verify --help`.');
    const json = await runCli(['status', '--no-such-flag', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { message: 'Nonexistent flag: --no-such-flag', exitCode: 2, suggestions: ['See `booksim status --help`.'] } });
  });

  it('when the endpoint answers but is not AWS, it says so in one line', async () => {
    const web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><p>hello</p>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      const result = await runCli(['status', '--endpoint', url]);
      expect(result.code).toBe(4);
      expect(unwrap(result.stderr)).toContain(`the endpoint at ${url} answered, but not as AWS does`);
      expect(result.stderr).not.toContain('Deserialization error');
    } finally {
      web.close();
    }
  });

  it('when --dry-run is given, it prints the plan and the definition without an endpoint', async () => {
    const result = await runCli(['deploy', '--dry-run', '--endpoint', 'http://127.0.0.1:9', '--profile', 'realistic']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plan for stack booksim (fifo-fanout, profile realistic), 21 resources:');
    expect(result.stdout).toContain('"HeartbeatSeconds": 30');
  });

  it('when --rps is above what a FIFO queue takes without high throughput, says it switches it on; --no-high-throughput keeps it off', async () => {
    const fast = await runCli(['deploy', '--dry-run', '--endpoint', 'http://127.0.0.1:9', '--rps', '500']);
    expect(fast.code).toBe(0);
    expect(fast.stdout).toContain('high throughput on: 500 bookings a second is more than the 300 transactions a second a FIFO queue takes per API action without it');
    expect(fast.stdout).toContain('plan for stack booksim (fifo-fanout, profile fast, high throughput)');
    for (const args of [['--rps', '300'], ['--rps', '500', '--no-high-throughput']]) {
      const result = await runCli(['deploy', '--dry-run', '--endpoint', 'http://127.0.0.1:9', ...args]);
      expect(result.stdout).not.toContain('high throughput');
    }
  });

  it.each([
    [['deploy', '--stack', 'no spaces'], 'is not a valid stack name'],
    [['deploy', '--profile', 'turbo'], 'Expected --profile=turbo to be one of: fast, realistic'],
    [['status', '--endpoint', 'ftp://x'], 'must be an http:// or https:// URL'],
  ])('when given %j, it refuses with exit 2 and says why', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });
});
