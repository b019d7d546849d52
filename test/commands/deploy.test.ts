import { describe, expect, it } from 'vitest';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { runCli } from '../helpers/cli.js';

describe('booksim deploy, status, destroy (the built CLI)', () => {
  const fx = useEndpoint();

  it('when run in turn, deploy creates the stack, a second deploy changes nothing, status shows it, destroy removes it', async () => {
    const stack = uniqueName('cli');
    const target = ['--endpoint', fx.endpoint.url, '--stack', stack];
    const first = await runCli(['deploy', ...target]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`✔ created    queue         ${stack}-inventory.fifo`);
    expect(first.stdout).toMatch(new RegExp(`stack ${stack} deployed: 20 created`));

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
      expect(result.stderr).toContain('no AWS endpoint answers at http://127.0.0.1:9 (ECONNREFUSED)');
      expect(result.stderr).toContain('docker compose up -d');
      expect(result.stderr).toContain('booksim local');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('when --dry-run is given, it prints the plan and the definition without an endpoint', async () => {
    const result = await runCli(['deploy', '--dry-run', '--endpoint', 'http://127.0.0.1:9', '--profile', 'realistic']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plan for stack booksim (profile realistic), 20 resources:');
    expect(result.stdout).toContain('"HeartbeatSeconds": 30');
  });

  it.each([
    [['deploy', '--stack', 'no spaces'], 'is not a valid stack name'],
    [['deploy', '--profile', 'turbo'], 'Expected --profile=turbo to be one of: fast, realistic'],
    [['status', '--endpoint', 'ftp://x'], 'must be an http:// or https:// URL'],
  ])('when given %j, it refuses with exit 2 and says why', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
