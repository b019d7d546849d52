import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import { parseSeatId } from '../../src/event.js';
import { percentiles } from '../../src/load/histograms.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import type { StormSummary } from '../../src/model/run.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import type { HistogramsJson, RunJson } from '../../src/run-dir/schema.js';
import { runCli, spawnCli, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** A request as the plan made it, whatever run or plan id prefixes its requestId: the index, the plan's own id, the seat's number, the tier. */
const planned = (request: RequestLogEntry) => ({
  index: request.index,
  requestId: request.requestId.replace(/^.*-([0-9a-f]{6}-R\d+)$/, '$1'),
  seat: parseSeatId(request.seatId).number,
  tier: request.tier,
  duplicateOf: request.duplicateOf,
});

// Three storms (two shards at once, then the whole plan on one host): tens of seconds on a loaded machine.
describe('storm --shard and booksim merge (the built CLI)', { timeout: 180_000 }, () => {
  const fx = useEndpoint();
  const stack = uniqueName('cli-merge');
  const reports = mkdtempSync(join(tmpdir(), 'booksim-cli-merge-'));
  const load = ['--seats', '4', '--bookings', '24', '--rps', '30', '--duplicates', '0.2', '--seed', '11'];
  const storm = (dir: string, ...args: string[]) => spawnCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, ...load, '--reports-dir', join(reports, dir), '--json', ...args]);

  beforeAll(async () => {
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
  }, 60_000);

  it('when two shards run at once and are merged, verify says VALID for exactly the bookings of the whole plan, and the histograms add up', async () => {
    const shards = [storm('host-a', '--shard', '1/2'), storm('host-b', '--shard', '2/2')];
    const codes = await Promise.all(shards.map((shard) => shard.exited));
    shards.forEach((shard, i) => expect(codes[i], shard.stderr()).toBe(0));
    const [a, b] = shards.map((shard) => (JSON.parse(shard.stdout()) as StormSummary).runDir) as [string, string];
    const runs = [a, b].map((dir) => readJson<RunJson>(join(dir, 'run.json')));
    // Each shard is marked with the plan and its part, sells the plan's event and sends half the plan.
    expect(runs.map((run) => run.config.plan?.shard)).toEqual([{ index: 1, count: 2 }, { index: 2, count: 2 }]);
    expect(runs[0]!.config.plan!.id).toBe(runs[1]!.config.plan!.id);
    const planId = runs[0]!.config.plan!.id;
    expect(runs.map((run) => run.summary.event)).toEqual([planId, planId]);
    expect(runs.map((run) => run.summary.requests.sent)).toEqual([12, 12]);
    expect(runs.map((run) => run.summary.rate.target)).toEqual([15, 15]);

    const merged = join(reports, 'merged');
    const merge = await runCli(['merge', b, a, '--out', merged]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toContain(`merged 2 shards of plan ${planId}: 24 requests`);

    const verify = await runCli(['verify', '--endpoint', fx.endpoint.url, '--run', merged, '--json']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as VerifyReport;
    expect(report.verdict).toBe('valid');
    expect(report.invariants.map((invariant) => invariant.verdict)).toEqual(Array(8).fill('valid'));

    // Counts of the merged histograms are the sums of the shards'.
    const histograms = [a, b, merged].map((dir) => readJson<HistogramsJson>(join(dir, 'histograms.json')));
    const apiCounts = histograms.map((one) => percentiles(one.apiLatency!).count);
    expect(apiCounts).toEqual([12, 12, 24]);
    const mergedRun = readJson<RunJson>(join(merged, 'run.json'));
    expect(mergedRun.summary.latency.api).toEqual(percentiles(histograms[2]!.apiLatency!));
    expect(mergedRun.summary.runId).toBe(planId);

    // The whole plan on one host, same seed: the same requests (ids, seats, tiers, retries), and as many bookings.
    const whole = storm('single');
    expect(await whole.exited, whole.stderr()).toBe(0);
    const single = JSON.parse(whole.stdout()) as StormSummary;
    const mergedRequests = readJson<RequestLogEntry[]>(join(merged, 'requests.json'));
    const singleRequests = readJson<RequestLogEntry[]>(join(single.runDir, 'requests.json'));
    expect(mergedRequests.map(planned)).toEqual(singleRequests.map(planned));
    expect(mergedRequests.every((request) => request.requestId.startsWith(`${planId}-`))).toBe(true);
    expect(mergedRun.summary.bookings.accepted).toBe(single.bookings.accepted);
    expect(new Set(mergedRequests.map((request) => request.bookingId)).size).toBe(new Set(singleRequests.map((request) => request.bookingId)).size);

    // The merged run reports like any other.
    const html = await runCli(['report', '--run', merged]);
    expect(html.code, html.stderr).toBe(0);

    // A shard alone is a part of the plan's evidence: verify sends the user to merge.
    const shardAlone = await runCli(['verify', '--endpoint', fx.endpoint.url, '--run', a]);
    expect(shardAlone.code).toBe(2);
    expect(unwrap(shardAlone.stderr)).toContain(`is shard 1/2 of plan ${planId}: verify the merged run`);

    // Refusals: one line, exit 2.
    const twice = await runCli(['merge', a, a, '--out', join(reports, 'twice')]);
    expect(twice.code).toBe(2);
    expect(unwrap(twice.stderr)).toContain(`shard 1/2 of plan ${planId} is given twice`);
    const missing = await runCli(['merge', b, '--out', join(reports, 'missing')]);
    expect(missing.code).toBe(2);
    expect(unwrap(missing.stderr)).toContain(`shard 1/2 of plan ${planId} missing`);
    const notShard = await runCli(['merge', a, single.runDir, '--out', join(reports, 'mixed')]);
    expect(notShard.code).toBe(2);
    expect(unwrap(notShard.stderr)).toContain('is not a shard of a plan');
  });

  it('when --shard is given without --seed, or badly, it is a usage error before anything starts', async () => {
    const noSeed = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--bookings', '4', '--shard', '1/2', '--reports-dir', join(reports, 'bad')]);
    expect(noSeed.code).toBe(2);
    expect(unwrap(noSeed.stderr)).toContain('--shard needs --seed');
    const bad = await runCli(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--bookings', '4', '--seed', '1', '--shard', '3/2', '--reports-dir', join(reports, 'bad')]);
    expect(bad.code).toBe(2);
    expect(unwrap(bad.stderr)).toContain('--shard must be i/n');
  });
});
