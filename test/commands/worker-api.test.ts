import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import type { RunJson } from '../../src/run-dir/schema.js';
import { runCli, spawnCli, unwrap, waitForLine } from '../helpers/cli.js';
import { closedEndpoint, useEndpoint, uniqueName } from '../helpers/endpoint.js';

/** A refusal as a user sees it: the exit code, the message in one line (once oclif's wrapping is undone), no stack trace. */
function expectRefusal(result: { code: number | null; stderr: string }, code: number, message: string): void {
  expect(result.code, result.stderr).toBe(code);
  expect(unwrap(result.stderr)).toContain(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('booksim worker --api-port with storm --api (the built CLI)', { timeout: 180_000 }, () => {
  const fx = useEndpoint();
  const deploy = async (stack: string) =>
    deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });

  it('refuses in one line (exit 2), before it looks at the stack: a malformed --api, --api with the sabotage of the API, --api in run, --functions none without --api-port', async () => {
    const endpoint = ['--endpoint', fx.endpoint.url];
    expectRefusal(
      await runCli(['storm', ...endpoint, '--stack', 'nowhere', '--workers', 'none', '--api', '127.0.0.1:7080', '--bookings', '5']),
      2,
      '--api: "127.0.0.1:7080" is not an http:// URL of a booking API (e.g. http://127.0.0.1:7080, as booksim worker --api-port 7080 serves it)',
    );
    expectRefusal(
      await runCli(['storm', ...endpoint, '--stack', 'nowhere', '--api', 'http://127.0.0.1:7080', '--sabotage', 'new-id-per-attempt', '--bookings', '5']),
      2,
      "--api: the booking API at http://127.0.0.1:7080 does not take this storm's sabotage new-id-per-attempt, which lives in the booking API; drop --api to run it in this storm's own API",
    );
    expectRefusal(
      await runCli(['run', '--stack', 'nowhere', '--api', 'http://127.0.0.1:7080', '--bookings', '5']),
      2,
      '--api is for booksim storm on a deployed stack: this command deploys its own stack and serves its booking API itself',
    );
    expectRefusal(
      await runCli(['worker', ...endpoint, '--stack', 'nowhere', '--functions', 'none']),
      2,
      '--functions none hosts no worker: give --api-port N to serve only the booking API, or name the functions to host',
    );
  });

  it('a storm whose --api does not answer stops before the load (exit 4), naming the URL and what to check, and writes no run directory', async () => {
    const stack = uniqueName('cli-api-down');
    await deploy(stack);
    const api = await closedEndpoint();
    const reports = join(mkdtempSync(join(tmpdir(), 'booksim-cli-api-down-')), 'reports');
    const storm = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--workers', 'none', '--api', api, '--bookings', '5', '--reports-dir', reports, '--no-report']);
    expectRefusal(storm, 4, `the booking API at ${api} does not answer (ECONNREFUSED): is booksim worker --stack ${stack} --api-port N serving it, on this endpoint?`);
    expect(existsSync(reports)).toBe(false);
  });

  it('a host of only the API (--functions none --api-port 0) and a host of every function: a storm with --workers none --api URL settles on them and verifies VALID; both stop on SIGTERM (exit 0)', async () => {
    const stack = uniqueName('cli-worker-api');
    await deploy(stack);
    const gateway = await closedEndpoint();
    const apiHost = spawnCli(['worker', '--endpoint', fx.endpoint.url, '--stack', stack, '--functions', 'none', '--api-port', '0']);
    const workers = spawnCli(['worker', '--endpoint', fx.endpoint.url, '--stack', stack, '--gateway', gateway]);
    const [, api] = await waitForLine(apiHost, /^booking API at (http:\/\/127\.0\.0\.1:\d+)$/m);
    await waitForLine(apiHost, new RegExp(`^ready: no worker, only the booking API on stack ${stack} \\(profile fast\\); SIGTERM or Ctrl-C to stop$`, 'm'));
    await waitForLine(workers, /^ready: 8 workers hosting /m);

    const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-worker-api-'));
    const storm = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--workers', 'none', '--gateway-port', new URL(gateway).port, '--api', api!, '--seats', '5', '--bookings', '30', '--rps', '30', '--seed', '5', '--reports-dir', reports, '--no-report']);
    expect(storm.code, storm.stderr).toBe(0);
    expect(storm.stderr).toContain(`starting the gateway and the reconciler (workers: none; booking API at ${api})`);
    expect(storm.stderr).toContain(`booking API at ${api}, served elsewhere: its AWS calls and usage are not in this run's figures`);
    expect(storm.stdout).toMatch(/requests\s+30 sent, 30 completed, 0 errors, 0 non-2xx/);
    expect(storm.stdout).toMatch(/bookings\s+\d+ accepted: 5 confirmed/);
    const run = JSON.parse(readFileSync(join(reports, 'latest', 'run.json'), 'utf8')) as RunJson;
    expect(run.config).toMatchObject({ workers: 'none', api });

    const verify = await runCli(['verify', '--endpoint', fx.endpoint.url, '--reports-dir', reports]);
    expect(verify.stdout, verify.stderr).toContain('VALID');
    expect(verify.code).toBe(0);

    apiHost.child.kill('SIGTERM');
    workers.child.kill('SIGTERM');
    expect(await apiHost.exited).toBe(0);
    expect(await workers.exited).toBe(0);
    expect(apiHost.stdout()).toMatch(/stopping the booking API \(SIGTERM\)\nbooking API stopped\n$/);
  });

  it('a host of every function with --api-port serves the API next to its workers, and stops the workers, then the API', async () => {
    const stack = uniqueName('cli-worker-api-all');
    await deploy(stack);
    const gateway = await closedEndpoint();
    const host = spawnCli(['worker', '--endpoint', fx.endpoint.url, '--stack', stack, '--gateway', gateway, '--api-port', '0']);
    const [, api] = await waitForLine(host, /^booking API at (http:\/\/127\.0\.0\.1:\d+)$/m);
    await waitForLine(host, /^ready: 8 workers hosting inventory, payment, ValidatePayment, ReserveSeat, IssueTicket, Notify, RefundPayment, ReleaseSeat and the booking API on stack \S+ \(profile fast, gateway http:\/\/127\.0\.0\.1:\d+\)/m);
    const missing = await fetch(`${api}/bookings/B${'0'.repeat(20)}`);
    expect(missing.status).toBe(404);
    host.child.kill('SIGTERM');
    expect(await host.exited).toBe(0);
    expect(host.stdout()).toMatch(/stopping the workers \(SIGTERM\): each finishes or gives back what it holds; then the booking API\nworkers stopped; booking API stopped\n$/);
  });
});
