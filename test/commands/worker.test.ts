import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import { runCli, spawnCli, unwrap, waitForLine, type CliProcess } from '../helpers/cli.js';
import { closedEndpoint, useEndpoint, uniqueName } from '../helpers/endpoint.js';

/** Waits until the process writes a line matching `pattern` on stderr (the storm's phases). */
async function waitForStderr(cli: CliProcess, pattern: RegExp): Promise<void> {
  while (!pattern.test(cli.stderr())) {
    const ended = await Promise.race([once(cli.child.stderr, 'data').then(() => false), cli.exited.then(() => true)]);
    if (ended && !pattern.test(cli.stderr())) throw new Error(`process ended before writing ${pattern}: ${cli.stdout()} ${cli.stderr()}`);
  }
}

describe('booksim worker with storm --workers none (the built CLI)', { timeout: 180_000 }, () => {
  const fx = useEndpoint();
  const deploy = async (stack: string) =>
    deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
  const workerHost = (stack: string, gateway: string) => spawnCli(['worker', '--endpoint', fx.endpoint.url, '--stack', stack, '--gateway', gateway]);

  it('refuses an unknown function (exit 2, naming the known ones) and a gateway function without --gateway, before it looks at the stack', async () => {
    const unknown = await runCli(['worker', '--endpoint', fx.endpoint.url, '--stack', 'nowhere', '--functions', 'inventory,Bogus']);
    expect(unknown.code).toBe(2);
    expect(unwrap(unknown.stderr)).toContain('--functions: unknown function Bogus; the functions are inventory, payment, ValidatePayment, ReserveSeat, IssueTicket, Notify, RefundPayment, ReleaseSeat');
    const noGateway = await runCli(['worker', '--endpoint', fx.endpoint.url, '--stack', 'nowhere', '--functions', 'inventory,ValidatePayment']);
    expect(noGateway.code).toBe(2);
    expect(unwrap(noGateway.stderr)).toContain('--gateway URL is required to host ValidatePayment');
  });

  it('a storm with --workers none refuses a worker fault in one line (exit 2)', async () => {
    const result = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', 'nowhere', '--workers', 'none', '--fault', 'worker-crash', '--bookings', '5']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain("--workers none: worker-crash is a worker fault, and needs the workers in this storm's process (--workers local)");
  });

  it('hosts every function of a stack until SIGTERM (exit 0); a storm with --workers none on a fixed gateway port settles on them and verifies VALID', async () => {
    const stack = uniqueName('cli-worker');
    await deploy(stack);
    const gateway = await closedEndpoint();
    const host = workerHost(stack, gateway);
    await waitForLine(host, /^ready: 8 workers hosting inventory, payment, ValidatePayment, ReserveSeat, IssueTicket, Notify, RefundPayment, ReleaseSeat on stack \S+ \(profile fast, gateway http:\/\/127\.0\.0\.1:\d+\)/m);
    expect(host.stdout()).toMatch(/^worker \d+ \(ValidatePayment\) ready$/m);

    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-worker-'));
    const port = new URL(gateway).port;
    const storm = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--workers', 'none', '--gateway-port', port, '--seats', '5', '--bookings', '30', '--rps', '30', '--seed', '3', '--reports-dir', reports, '--no-report']);
    expect(storm.code, storm.stderr).toBe(0);
    expect(storm.stderr).toContain('starting the gateway, the booking API and the reconciler (workers: none)');
    expect(storm.stderr).toContain(`gateway at ${gateway}; workers: none — start them with booksim worker --stack ${stack} --gateway ${gateway}`);
    expect(storm.stdout).toMatch(/bookings\s+\d+ accepted: 5 confirmed/);

    const verify = await runCli(['verify', '--endpoint', fx.endpoint.url, '--reports-dir', reports]);
    expect(verify.stdout, verify.stderr).toContain('VALID');
    expect(verify.code).toBe(0);

    host.child.kill('SIGTERM');
    expect(await host.exited).toBe(0);
    expect(host.stdout()).toMatch(/stopping the workers \(SIGTERM\)[^\n]*\nworkers stopped\n$/);
  });

  it('two hosts of every function: one SIGKILLed with its workers mid-run loses nothing; the other and the reconciler finish its work, and verify is VALID', async () => {
    const stack = uniqueName('cli-worker-kill');
    await deploy(stack);
    const gateway = await closedEndpoint();
    const doomed = workerHost(stack, gateway);
    const survivor = workerHost(stack, gateway);
    await Promise.all([waitForLine(doomed, /^ready: /m), waitForLine(survivor, /^ready: /m)]);
    const doomedWorkers = [...doomed.stdout().matchAll(/^worker (\d+) \(\w+\) ready$/gm)].map((match) => Number(match[1]));
    expect(doomedWorkers).toHaveLength(8);

    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-worker-kill-'));
    const storm = spawnCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--workers', 'none', '--gateway-port', new URL(gateway).port, '--seats', '10', '--bookings', '60', '--rps', '20', '--seed', '4', '--settle-timeout', '90s', '--reports-dir', reports, '--no-report']);
    // Mid-run: the load has started; the host dies as a machine would, with every worker it runs.
    await waitForStderr(storm, /bookings at 20\/s/);
    await waitForStderr(storm, /^ {2}load /m);
    doomed.child.kill('SIGKILL');
    for (const pid of doomedWorkers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    expect(await storm.exited, storm.stderr()).toBe(0);
    expect(storm.stdout()).toMatch(/settle\s+settled in/);

    const verify = await runCli(['verify', '--endpoint', fx.endpoint.url, '--reports-dir', reports]);
    expect(verify.stdout, verify.stderr).toContain('VALID');
    expect(verify.code).toBe(0);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });
});
