import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SystemSampler } from '../../src/storm/sampler.js';
import type { QuiescenceSnapshot } from '../../src/model/run.js';

const snapshot = (visible: number): QuiescenceSnapshot => ({
  queues: [
    { name: 'inventory', visible, inFlight: 1 },
    { name: 'payment', visible: 2, inFlight: 0 },
  ],
  deadLetter: 3,
  runningExecutions: 4,
});

/** Lets the sampler's awaited poll settle before the clock moves on. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SystemSampler', () => {
  it('when polling during the load, it takes one sample per interval, summing the queues, until stopped', async () => {
    const clock = new ManualClock(10_000);
    let polls = 0;
    const sampler = new SystemSampler(async () => snapshot(++polls), clock, 10_000, 1000);
    sampler.start();
    await settle();
    clock.advance(1000);
    await settle();
    clock.advance(1000);
    await settle();
    await sampler.stopPolling();
    expect(sampler.samples()).toEqual([
      { t: 0, visible: 3, inFlight: 1, deadLetter: 3, running: 4 },
      { t: 1000, visible: 4, inFlight: 1, deadLetter: 3, running: 4 },
      { t: 2000, visible: 5, inFlight: 1, deadLetter: 3, running: 4 },
    ]);
  });

  it("when given the settle's snapshots, it keeps at most one per interval", () => {
    const clock = new ManualClock(0);
    const sampler = new SystemSampler(async () => snapshot(0), clock, 0, 1000);
    for (let i = 0; i < 8; i += 1) {
      sampler.record(snapshot(i));
      clock.advance(250);
    }
    expect(sampler.samples().map((s) => s.t)).toEqual([0, 1000]);
  });

  it('when asked for the latest snapshot, it answers the newest polled or recorded, with no poll of its own, even one too soon for a sample', async () => {
    const clock = new ManualClock(0);
    let polls = 0;
    const sampler = new SystemSampler(async () => snapshot(++polls), clock, 0, 1000);
    expect(sampler.latest()).toBeUndefined();
    sampler.start();
    await settle();
    expect(sampler.latest()).toEqual(snapshot(1));
    sampler.latest();
    expect(polls).toBe(1);
    await sampler.stopPolling();
    sampler.record(snapshot(9));
    expect(sampler.latest()).toEqual(snapshot(9));
    expect(sampler.samples()).toHaveLength(1);
  });

  it('when a poll fails, it leaves a gap and goes on', async () => {
    const clock = new ManualClock(0);
    let polls = 0;
    const sampler = new SystemSampler(
      async () => {
        polls += 1;
        if (polls === 1) throw new Error('endpoint hiccup');
        return snapshot(polls);
      },
      clock,
      0,
      1000,
    );
    sampler.start();
    await settle();
    clock.advance(1000);
    await settle();
    await sampler.stopPolling();
    expect(sampler.samples().map((s) => s.t)).toEqual([1000]);
  });
});
