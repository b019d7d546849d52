import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { systemClock } from '../../src/clock.js';
import { costSummary } from '../../src/cost/cost.js';
import { meters } from '../../src/cost/meters.js';
import { readPriceTable } from '../../src/cost/pricing.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { readRunPricing } from '../../src/run-dir/read.js';
import type { RunJson } from '../../src/run-dir/schema.js';
import { runStorm } from '../../src/storm/run-storm.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const workerScript = fileURLToPath(new URL('../../dist/runtime/worker-main.js', import.meta.url));

describe('the cost of a storm (workers as real processes)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();

  it('when a storm ends, run.json has its usage and cost, and the cost is worked out again from run.json and pricing.json alone', async () => {
    const stack = uniqueName('cost');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reportsDir = mkdtempSync(join(tmpdir(), 'booksim-cost-'));
    // A table of its own, to show the run keeps the one it was given.
    const pricingFile = join(reportsDir, 'prices.json');
    writeFileSync(pricingFile, JSON.stringify({ ...readPriceTable(), name: 'test-prices' }));
    const { summary } = await runStorm({
      endpoint: resolveEndpoint({ endpoint: fx.endpoint.url }, {}),
      stack,
      shape: { seats: 3, bookings: 12, rps: 20, contention: 4, duplicates: 0, vip: 0, seed: 5 },
      settleTimeoutMs: 60_000,
      concurrency: 8,
      reportsDir,
      clock: systemClock,
      workerScript,
      pricing: readPriceTable(pricingFile),
    });
    expect(summary.settle.settled).toBe(true);
    const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as RunJson;
    const { usage, cost } = run.summary;
    expect(usage && cost).toBeTruthy();
    const pricing = await readRunPricing(summary.runDir);
    expect(pricing?.name).toBe('test-prices');
    expect(costSummary(usage!, pricing!, summary.bookings.accepted)).toEqual(cost);
    expect(cost!.pricing).toEqual({ name: 'test-prices', region: 'us-east-1', currency: 'USD', readOn: '2026-12-07' });

    // What a confirmed booking used, measured: its FIFO publish fanned out to both queues, its saga's transitions, its writes and its invocations.
    const confirmed = usage!.perConfirmed!;
    expect(confirmed[meters.snsFifoRequests]).toBe(1);
    expect(confirmed[meters.snsFifoDeliveries]).toBe(2);
    expect(confirmed[meters.sfnStateTransitions]).toBeGreaterThan(5);
    expect(confirmed[meters.dynamodbWriteUnits]).toBeGreaterThan(3);
    expect(confirmed[meters.dynamodbReadUnits]).toBeGreaterThan(0);
    // The API request, the inventory and payment messages, the saga's tasks.
    expect(confirmed[meters.lambdaRequests]).toBeGreaterThanOrEqual(5);
    expect(confirmed[meters.lambdaDurationMs]).toBeGreaterThanOrEqual(confirmed[meters.lambdaRequests]!);
    // A rejected booking runs no saga; the queues' receives and deletes are shared.
    expect(usage!.perRejected![meters.sfnStateTransitions] ?? 0).toBe(0);
    expect(usage!.sharedPerBooking![meters.sqsFifoRequests]).toBeGreaterThan(0);
    expect(cost!.perConfirmed!).toBeGreaterThan(cost!.perRejected!);
    expect(Object.keys(cost!.byService).sort()).toEqual(['dynamodb', 'lambda', 'sfn', 'sns', 'sqs']);
    expect(cost!.perMillion!.sfn).toBeCloseTo((cost!.byService.sfn! / summary.bookings.accepted) * 1e6, 9);
  });
});
