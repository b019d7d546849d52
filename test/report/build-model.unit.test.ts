import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/gateway/ledger.js';
import { latencyRecorder } from '../../src/load/histograms.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import { buildReportModel } from '../../src/report/html/build-model.js';
import type { RunData } from '../../src/run-dir/run-data.js';
import type { StormSummary } from '../../src/model/run.js';
import type { DecisionRecord } from '../../src/run-dir/schema.js';

const start = Date.UTC(2026, 10, 23, 9, 0, 0);
const iso = (ms: number) => new Date(start + ms).toISOString();
const none = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };

function encoded(values: number[]): string {
  const recorder = latencyRecorder();
  values.forEach((v) => recorder.record(v));
  return recorder.encode();
}

const summary: StormSummary = {
  runId: 'R1',
  runDir: '/tmp/R1',
  endpoint: 'http://127.0.0.1:4566',
  stack: 'booksim',
  profile: 'fast',
  seed: 7,
  seats: 2,
  rate: { target: 2, achieved: 2 },
  durationMs: 2000,
  requests: { sent: 4, completed: 4, errors: 0, non2xx: 0 },
  bookings: { accepted: 4, confirmed: 1, rejected: 1, paymentFailed: 2, escalated: 0, undecided: 0 },
  seatsSold: 1,
  settle: { settled: true, waitedMs: 3000 },
  awsCalls: { total: 40, byService: { sqs: 10, sns: 4, dynamodb: 20, sfn: 6 }, perConfirmed: 20, perRejected: 5, sharedPerBooking: 2 },
  chaos: {
    scenario: 'declines',
    faults: ['payment-decline:rate=0.5', 'refund-timeout:from=1s', 'crash-mid-heartbeat:after=1'],
    injected: { 'payment-decline': 1, 'crash-mid-heartbeat': 1 },
    reconciler: { restarted: 0, refunded: 0, gaveUp: 0 },
  },
  latency: { api: none, timeToDecision: none, timeToDecisionByTier: { VIP: none, STANDARD: none } },
};

const request = (index: number, intendedMs: number, latencyMs: number, tier = 'STANDARD'): RequestLogEntry => ({
  index,
  requestId: `R1-${index}`,
  seatId: `S${index % 2}`,
  tier,
  intendedAt: start + intendedMs,
  sentAt: start + intendedMs,
  latencyMs,
  status: 202,
  bookingId: `B${index}`,
});

const charge = (seq: number, bookingId: string, outcome: LedgerEntry['outcome'], type: LedgerEntry['type'] = 'charge'): LedgerEntry => ({
  seq,
  at: iso(seq * 100),
  type,
  bookingId,
  idempotencyKey: `${type}:${bookingId}`,
  amount: 5000,
  outcome,
});

const decisions: DecisionRecord[] = [
  { bookingId: 'B0', tier: 'STANDARD', status: 'CONFIRMED', createdAt: start + 10, decidedAt: start + 510 },
  { bookingId: 'B1', tier: 'STANDARD', status: 'REJECTED', createdAt: start + 500, decidedAt: start + 700 },
  { bookingId: 'B2', tier: 'VIP', status: 'PAYMENT_FAILED', createdAt: start + 1000, decidedAt: start + 1900 },
  { bookingId: 'B3', tier: 'STANDARD', status: 'PAYMENT_FAILED', createdAt: start + 1500, decidedAt: start + 2500 },
];

const data: RunData = {
  runId: 'R1',
  run: { config: { stack: 'booksim', endpoint: 'http://127.0.0.1:4566', shape: { seed: 7, seats: 2, rps: 2, bookings: 4, contention: 2, duplicates: 0, vip: 0.25 } }, topology: 'fifo-fanout', startedAt: iso(0), versions: { booksim: '0.1.0' }, summary },
  requests: [request(0, 0, 10), request(1, 500, 30), request(2, 1000, 20, 'VIP'), request(3, 1500, 1200)],
  ledger: [charge(1, 'B0', 'captured'), charge(2, 'B2', 'declined', 'decline'), charge(3, 'B3', 'captured'), charge(4, 'B3', 'refunded', 'refund'), charge(5, 'B9', 'captured')],
  decisions,
  histograms: { apiLatency: encoded([10, 30, 20, 1200]), timeToDecision: encoded([500, 200, 900, 1000]), timeToDecisionByTier: { VIP: encoded([900]), STANDARD: encoded([500, 200, 1000]) } },
  samples: {
    loadStartedAt: iso(0),
    loadEndMs: 2000,
    settleEndMs: 5000,
    samples: [
      { t: 0, visible: 1, inFlight: 0, deadLetter: 0, running: 0 },
      { t: 1000, visible: 0, inFlight: 2, deadLetter: 0, running: 1, moreRunning: true },
    ],
  },
  faultLog: [
    { at: iso(300), fault: 'payment-decline', action: 'declined charge', bookingId: 'B2' },
    { at: iso(1200), fault: 'crash-mid-heartbeat', action: 'killed IssueTicket worker 42 after 1 heartbeat(s)' },
    { at: iso(1600), fault: 'payment-decline', action: 'declined charge', bookingId: 'B5' },
    { at: iso(16_000), fault: 'refund-timeout', action: 'healed after 15000 ms' },
  ],
};

describe('buildReportModel', () => {
  const model = buildReportModel(data);

  it("when a run is read, the parameters come from run.json's summary and config, and no verdict means not verified", () => {
    expect(model.run).toMatchObject({ runId: 'R1', topology: 'fifo-fanout', scenario: 'declines', seed: 7, startedAt: iso(0), versions: { booksim: '0.1.0' } });
    expect(model.verdict).toBeUndefined();
    expect(model.invariants).toEqual([]);
  });

  it('when the run sold the seats of an event, the parameters carry the event and the seats sold before it; a run from before events has neither', () => {
    expect(model.run).not.toHaveProperty('event');
    expect(model.run).not.toHaveProperty('seatsSoldBefore');
    const withEvent = buildReportModel({ ...data, run: { ...data.run, summary: { ...data.run.summary, event: 'gala', seatsSoldBefore: 1 } } });
    expect(withEvent.run).toMatchObject({ event: 'gala', seatsSoldBefore: 1 });
  });

  it('when payments failed, one whose charge was captured counts as compensated, one never captured as declined', () => {
    expect(model.sagas).toEqual({ confirmed: 1, declined: 1, compensated: 1, escalated: 0 });
  });

  it('when money was taken, charged and refunded come from the ledger, and money kept for a booking without a seat is at risk', () => {
    expect(model.money).toEqual({ charged: 15_000, refunded: 5000, net: 10_000, atRisk: 5000 });
  });

  it('when requests span two seconds, the rate and the latencies are bucketed per second of the load', () => {
    expect(model.series.rate).toEqual([
      { t: 0, target: 2, achieved: 2 },
      { t: 1000, target: 2, achieved: 1 },
      { t: 2000, target: 0, achieved: 1 },
    ]);
    expect(model.series.apiLatency).toEqual([
      { t: 0, p50: 30, p99: 30, max: 30 },
      { t: 1000, p50: 1200, p99: 1200, max: 1200 },
    ]);
    expect(model.series.decisionLatency.map((b) => b.max)).toEqual([500, 1000]);
    expect(model.series.system[1]).toEqual({ t: 1000, visible: 0, inFlight: 2, deadLetter: 0, running: 1 });
    expect(model.series).toMatchObject({ loadEndMs: 2000, settleEndMs: 5000 });
  });

  it('when faults ran, each spec is a period of its window, momentary faults are markers, and the table counts injections but not heals', () => {
    expect(model.faults.periods).toEqual([
      { fault: 'payment-decline', fromMs: 0, toMs: 5000 },
      { fault: 'refund-timeout', fromMs: 1000, toMs: 5000 },
      { fault: 'crash-mid-heartbeat', fromMs: 0, toMs: 5000 },
    ]);
    expect(model.faults.markers).toEqual([{ fault: 'crash-mid-heartbeat', atMs: 1200, action: 'killed IssueTicket worker 42 after 1 heartbeat(s)' }]);
    expect(model.faults.table).toEqual([
      { fault: 'payment-decline', count: 2, firstMs: 300, lastMs: 1600, example: 'declined charge' },
      { fault: 'crash-mid-heartbeat', count: 1, firstMs: 1200, lastMs: 1200, example: 'killed IssueTicket worker 42 after 1 heartbeat(s)' },
    ]);
  });

  it('when the fault log says when each fault started and healed (run format 2), the lanes come from it alone, and only injections are counted', () => {
    const faultLog: RunData['faultLog'] = [
      { at: iso(200), fault: 'payment-decline', phase: 'started', action: 'started (rate=0.5)' },
      { at: iso(300), fault: 'payment-decline', phase: 'injected', action: 'declined charge', bookingId: 'B2' },
      { at: iso(900), fault: 'crash-mid-heartbeat', phase: 'started', action: 'started (after=1)' },
      { at: iso(1200), fault: 'crash-mid-heartbeat', phase: 'injected', action: 'killed IssueTicket worker 42 after 1 heartbeat(s)' },
      { at: iso(1500), fault: 'payment-decline', phase: 'healed', action: 'healed after 1300 ms' },
      { at: iso(1600), fault: 'crash-mid-heartbeat', phase: 'failed', action: 'could not heal: gone' },
    ];
    const phased = buildReportModel({ ...data, faultLog });
    expect(phased.faults.periods).toEqual([
      { fault: 'payment-decline', fromMs: 200, toMs: 1500 },
      { fault: 'crash-mid-heartbeat', fromMs: 900, toMs: 5000 },
    ]);
    expect(phased.faults.table.map((row) => [row.fault, row.count])).toEqual([
      ['payment-decline', 1],
      ['crash-mid-heartbeat', 1],
    ]);
  });

  it('when histograms are there, the distributions run from p0 to the max, per tier for decisions and from the request log for the API', () => {
    expect(model.latency.decision.map((d) => [d.label, d.count])).toEqual([
      ['all', 4],
      ['VIP', 1],
      ['STANDARD', 3],
    ]);
    expect(model.latency.api.map((d) => [d.label, d.count])).toEqual([
      ['all', 4],
      ['VIP', 1],
      ['STANDARD', 3],
    ]);
    const all = model.latency.api[0]!;
    expect(all.points[0]!.percentile).toBe(0);
    expect(all.points.at(-1)).toEqual({ percentile: 100, ms: expect.closeTo(1200, 0) });
  });
});
