import { describe, expect, it } from 'vitest';
import { BooksimError } from '../../src/errors.js';
import { latencyRecorder, percentiles } from '../../src/load/histograms.js';
import type { PlanIdentity } from '../../src/model/plan.js';
import type { StormSummary } from '../../src/model/run.js';
import { checkShards, joinDecisions, mergeShards, type ShardRun } from '../../src/run-dir/merge.js';
import type { DecisionRecord } from '../../src/run-dir/schema.js';

const encode = (latenciesMs: number[]) => {
  const recorder = latencyRecorder();
  latenciesMs.forEach((ms) => recorder.record(ms));
  return recorder.encode();
};

function shard(index: number, count: number, options: { plan?: string; latencies: number[]; decisions: DecisionRecord[] }): ShardRun {
  const indices = Array.from({ length: 6 }, (_, i) => i).filter((i) => i % count === index - 1);
  const summary = {
    runId: `run-${index}`,
    runDir: `/r/run-${index}`,
    rate: { target: 10, achieved: 9 },
    durationMs: 1000 + index,
    requests: { sent: indices.length, completed: indices.length, errors: 0, non2xx: 0 },
    bookings: { accepted: 0, confirmed: 0, rejected: 0, paymentFailed: 0, escalated: 0, undecided: 0 },
    seatsSold: 1,
    settle: { settled: true, waitedMs: 100 * index },
    awsCalls: { total: 10, byService: { sqs: 6, dynamodb: 4 }, perConfirmed: 1, perRejected: 1, sharedPerBooking: 1 },
    latency: {},
  } as unknown as StormSummary;
  return {
    dir: `/r/run-${index}`,
    run: {
      config: { stack: 's', endpoint: 'e', shape: { seats: 2, contention: 3, duplicates: 0, vip: 0, seed: 1, rps: 20, bookings: 6 }, plan: { id: options.plan ?? 'plan-a', shard: { index, count } } },
      summary,
      awsCalls: { sqs: { SendMessage: 6 }, dynamodb: { PutItem: 4 } },
    },
    requests: indices.map((i) => ({ index: i, requestId: `plan-a-R${i}`, seatId: 'e/S0001', tier: 'STANDARD', intendedAt: 1000 + i, sentAt: 1000 + i, latencyMs: 5, status: 201, bookingId: `b${i}` })),
    histograms: { apiLatency: encode(options.latencies) },
    faults: [{ at: `2026-01-01T00:00:0${index}Z`, fault: 'payment-decline' as never, action: `declined ${index}` }],
    ledger: [{ seq: 1, at: `2026-01-01T00:00:0${index}Z`, type: 'charge', bookingId: `b${index}`, idempotencyKey: `k${index}`, amount: 5000, outcome: 'captured' }],
    decisions: options.decisions,
  };
}

const decided = (bookingId: string, status: DecisionRecord['status'], ms: number): DecisionRecord => ({ bookingId, tier: 'STANDARD', status, createdAt: 1000, decidedAt: 1000 + ms });
const undecided = (bookingId: string): DecisionRecord => ({ bookingId, tier: 'STANDARD', status: 'PENDING' as DecisionRecord['status'], createdAt: 1000 });

describe('mergeShards', () => {
  const one = shard(1, 2, { latencies: [1, 2, 3], decisions: [decided('b0', 'CONFIRMED', 50), undecided('b1')] });
  const two = shard(2, 2, { latencies: [10, 20, 30, 400], decisions: [decided('b0', 'CONFIRMED', 50), decided('b1', 'REJECTED', 70)] });

  it("when merging, the API latency histogram is the sum of the shards' raw histograms, its percentiles read from the sum", () => {
    const merged = mergeShards([two, one], '/r/plan-a');
    const api = percentiles(merged.histograms.apiLatency!);
    expect(api.count).toBe(7);
    expect(api).toEqual(percentiles(encode([1, 2, 3, 10, 20, 30, 400])));
    expect(merged.run.summary.latency.api).toEqual(api);
    expect(api.max).toBeCloseTo(400, 0);
  });

  it('when merging, requests and fault logs are joined, the ledger renumbered, counts summed, and the run named after the plan', () => {
    const merged = mergeShards([two, one], '/r/plan-a');
    expect(merged.requests.map((request) => request.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(merged.faults.map((fault) => fault.action)).toEqual(['declined 1', 'declined 2']);
    expect(merged.ledger.map((entry) => [entry.seq, entry.bookingId])).toEqual([[1, 'b1'], [2, 'b2']]);
    expect(merged.run.summary).toMatchObject({ runId: 'plan-a', runDir: '/r/plan-a', requests: { sent: 6, completed: 6 }, rate: { target: 20 }, durationMs: 1002, settle: { settled: true, waitedMs: 200 } });
    expect(merged.run.summary.awsCalls).toMatchObject({ total: 20, byService: { sqs: 12, dynamodb: 8 } });
    expect(merged.run.awsCalls).toEqual({ sqs: { SendMessage: 12 }, dynamodb: { PutItem: 8 } });
    expect(merged.run.config.plan).toEqual({ id: 'plan-a', merged: ['run-1', 'run-2'] });
  });

  it('when every shard read the whole plan\'s decisions, each booking counts once, and time to decision is built again from them', () => {
    const merged = mergeShards([one, two], '/r/plan-a');
    expect(merged.decisions.map((record) => [record.bookingId, record.status])).toEqual([['b0', 'CONFIRMED'], ['b1', 'REJECTED']]);
    expect(merged.run.summary.bookings).toEqual({ accepted: 2, confirmed: 1, rejected: 1, paymentFailed: 0, escalated: 0, undecided: 0 });
    expect(percentiles(merged.histograms.timeToDecision!).count).toBe(2);
    expect(merged.run.summary.latency.timeToDecision.max).toBeCloseTo(70, 0);
  });
});

describe('joinDecisions', () => {
  it('when one shard saw a booking undecided and another decided, the decided record wins, whatever the order', () => {
    expect(joinDecisions([[undecided('x')], [decided('x', 'CONFIRMED', 5)]])).toEqual([decided('x', 'CONFIRMED', 5)]);
    expect(joinDecisions([[decided('x', 'CONFIRMED', 5)], [undecided('x')]])).toEqual([decided('x', 'CONFIRMED', 5)]);
  });
});

describe('checkShards (refusals: exit 2, one line)', () => {
  const run = (dir: string, plan?: PlanIdentity) => ({ dir, ...(plan ? { plan } : {}) });
  const refusal = (runs: Array<{ dir: string; plan?: PlanIdentity }>) => {
    try {
      checkShards(runs);
    } catch (error) {
      expect(error).toBeInstanceOf(BooksimError);
      expect((error as BooksimError).exitCode).toBe(2);
      expect((error as BooksimError).message).not.toContain('\n');
      expect((error as BooksimError).suggestions).toEqual([]);
      return (error as BooksimError).message;
    }
    throw new Error('not refused');
  };

  it('when the shards are all there once, it gives them in shard order', () => {
    const a = run('a', { id: 'p', shard: { index: 2, count: 2 } });
    const b = run('b', { id: 'p', shard: { index: 1, count: 2 } });
    expect(checkShards([a, b])).toEqual({ planId: 'p', ordered: [b, a] });
  });

  it('when the runs are of different plans, it refuses', () => {
    expect(refusal([run('a', { id: 'p', shard: { index: 1, count: 2 } }), run('b', { id: 'q', shard: { index: 2, count: 2 } })])).toMatch(/b is a shard of plan q, a of plan p/);
  });

  it('when a shard is missing, it refuses, naming it', () => {
    expect(refusal([run('a', { id: 'p', shard: { index: 1, count: 3 } }), run('c', { id: 'p', shard: { index: 3, count: 3 } })])).toMatch(/shard 2\/3 of plan p missing/);
  });

  it('when a shard is given twice, it refuses', () => {
    expect(refusal([run('a', { id: 'p', shard: { index: 1, count: 2 } }), run('b', { id: 'p', shard: { index: 1, count: 2 } })])).toMatch(/shard 1\/2 of plan p is given twice: a and b/);
  });

  it('when a run is not a shard, or the plan was split two ways, it refuses', () => {
    expect(refusal([run('a')])).toMatch(/a is not a shard of a plan/);
    expect(refusal([run('a', { id: 'p', shard: { index: 1, count: 2 } }), run('b', { id: 'p', shard: { index: 2, count: 3 } })])).toMatch(/split two ways/);
    expect(refusal([])).toMatch(/give the run directories/);
  });
});
