import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { DedupWindow } from '../../src/emulator/dedup-window.js';

describe('DedupWindow', () => {
  it('when an id comes back within five minutes, it recalls the first value; after, it has forgotten', () => {
    const clock = new ManualClock(0);
    const window = new DedupWindow<string>(clock);
    window.remember('a', 'first');
    clock.advance(5 * 60 * 1000 - 1);
    expect(window.recall('a')).toBe('first');
    clock.advance(1);
    expect(window.recall('a')).toBeUndefined();
  });

  it('when an expired id is remembered again, it lives a full window and older entries still expire on time', () => {
    const clock = new ManualClock(0);
    const window = new DedupWindow<number>(clock);
    window.remember('a', 1);
    clock.advance(60_000);
    window.remember('b', 2);
    clock.advance(5 * 60 * 1000);
    window.remember('a', 3);
    window.remember('c', 4);
    expect([window.recall('a'), window.recall('b'), window.recall('c')]).toEqual([3, undefined, 4]);
    clock.advance(5 * 60 * 1000 - 1);
    expect(window.recall('a')).toBe(3);
  });
});
