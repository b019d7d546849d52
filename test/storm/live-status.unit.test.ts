import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../src/load/run-load.js';
import type { LiveStatus } from '../../src/model/live.js';
import type { QuiescenceSnapshot } from '../../src/model/run.js';
import { liveStatusFeed, liveStatusOf } from '../../src/storm/live-status.js';

const progress = (elapsedMs: number, overrides: Partial<LoadProgress> = {}): LoadProgress => ({
  elapsedMs,
  plannedMs: 20_000,
  targetRps: 500,
  achievedRps: 498,
  sent: 6200,
  completed: 6140,
  errors: 10,
  non2xx: 3,
  inFlight: 50,
  accepted: 6000,
  p99Ms: 38,
  ...overrides,
});

const snapshot: QuiescenceSnapshot = {
  queues: [
    { name: 'shop-inventory.fifo', visible: 3, inFlight: 12 },
    { name: 'payment.fifo', visible: 0, inFlight: 40 },
  ],
  deadLetter: 1,
  runningExecutions: 100,
  moreRunning: true,
};

describe('liveStatusOf', () => {
  it('when given the load, a poll, decisions and faults, it assembles them, queues named without the stack', () => {
    expect(liveStatusOf({ progress: progress(12_400), stack: 'shop', snapshot, decided: 5900, faults: { 'payment-decline': 2 } })).toEqual({
      load: { elapsedMs: 12_400, plannedMs: 20_000, sent: 6200, answered: 6140, targetRps: 500, achievedRps: 498, inFlight: 50, errors: 10, non2xx: 3, p99Ms: 38 },
      bookings: { accepted: 6000, decided: 5900, pending: 100 },
      system: {
        queues: [
          { name: 'inventory.fifo', visible: 3, inFlight: 12 },
          { name: 'payment.fifo', visible: 0, inFlight: 40 },
        ],
        deadLetter: 1,
        sagasRunning: 100,
        moreRunning: true,
      },
      faults: { 'payment-decline': 2 },
    });
  });

  it('when nothing was polled, answered or faulted yet, those parts are absent; pending is never below 0', () => {
    const status = liveStatusOf({ progress: progress(100, { p99Ms: undefined, accepted: 2 }), stack: 'shop', decided: 5 });
    expect(status).not.toHaveProperty('system');
    expect(status).not.toHaveProperty('faults');
    expect(status.load).not.toHaveProperty('p99Ms');
    expect(status.bookings).toEqual({ accepted: 2, decided: 5, pending: 0 });
  });
});

describe('liveStatusFeed', () => {
  it('when fed every 250 ms, it gives a status at once, then one per second of the load, reading its sources only then, and a final one at the end', () => {
    const statuses: LiveStatus[] = [];
    const reads = { snapshot: 0, decided: 0, faults: 0 };
    const feed = liveStatusFeed({
      stack: 'shop',
      sources: {
        snapshot: () => (reads.snapshot++, snapshot),
        decided: () => ++reads.decided,
        faults: () => (reads.faults++, { 'crash-mid-heartbeat': 1 }),
      },
      emit: (status) => statuses.push(status),
    });
    for (let t = 250; t <= 2750; t += 250) feed.progress(progress(t));
    feed.finish();
    expect(statuses.map((s) => [s.load.elapsedMs, s.final ?? false])).toEqual([
      [250, false],
      [1000, false],
      [2000, false],
      [2750, true],
    ]);
    expect(reads).toEqual({ snapshot: 4, decided: 4, faults: 4 });
    expect(statuses.map((s) => s.bookings.decided)).toEqual([1, 2, 3, 4]);
    expect(statuses[0]!.faults).toEqual({ 'crash-mid-heartbeat': 1 });
  });

  it('when the progress skips past several seconds, it gives one status, not one per second missed; without faults, none are shown', () => {
    const statuses: LiveStatus[] = [];
    const feed = liveStatusFeed({ stack: 'shop', sources: { snapshot: () => undefined, decided: () => 0 }, emit: (status) => statuses.push(status) });
    feed.progress(progress(250));
    feed.progress(progress(3500));
    feed.progress(progress(3750));
    feed.progress(progress(4000));
    expect(statuses.map((s) => s.load.elapsedMs)).toEqual([250, 3500, 4000]);
    expect(statuses.every((s) => s.faults === undefined && s.system === undefined)).toBe(true);
  });

  it('when the load ends before any progress, it gives no final status', () => {
    const statuses: LiveStatus[] = [];
    liveStatusFeed({ stack: 'shop', sources: { snapshot: () => undefined, decided: () => 0 }, emit: (status) => statuses.push(status) }).finish();
    expect(statuses).toEqual([]);
  });
});
