import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { seededRandom } from '../src/random.js';

describe('ManualClock', () => {
  it('when advanced, it fires due timers in time order, each at its own time', () => {
    const clock = new ManualClock(1000);
    const fired: Array<[string, number]> = [];
    clock.setTimer(300, () => fired.push(['late', clock.now()]));
    clock.setTimer(100, () => fired.push(['early', clock.now()]));
    const cancelled = clock.setTimer(200, () => fired.push(['cancelled', clock.now()]));
    cancelled.cancel();
    clock.advance(250);
    expect(fired).toEqual([['early', 1100]]);
    clock.advance(50);
    expect(fired).toEqual([['early', 1100], ['late', 1300]]);
    expect(clock.now()).toBe(1300);
  });

  it('when a timer sets another timer that falls due within the same advance, it fires that too', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimer(10, () => clock.setTimer(10, () => fired.push(clock.now())));
    clock.advance(30);
    expect(fired).toEqual([20]);
  });
});

describe('ManualClock.whenPending', () => {
  it('when enough timers become pending, it resolves; cancelled ones do not count', async () => {
    const clock = new ManualClock(0);
    clock.setTimer(10, () => undefined).cancel();
    let resolved = false;
    const pending = clock.whenPending(1).then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    clock.setTimer(10, () => undefined);
    await pending;
    expect(clock.pendingTimers).toBe(1);
  });
});

describe('seededRandom', () => {
  it('when seeded alike, it repeats the same sequence in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const sequence = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(sequence);
    expect(sequence.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(sequence[0]);
  });
});
