import { describe, expect, it } from 'vitest';
import { SeatTurns } from '../../src/functions/direct-chain.js';

/** A promise and the function that resolves it, to let work end when the test says. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('SeatTurns', () => {
  it('when two requests of one seat come together, the second waits until the first is done', async () => {
    const turns = new SeatTurns();
    const done: string[] = [];
    const first = gate();
    const a = turns.take('S1', async () => {
      await first.opened;
      done.push('a');
    });
    const b = turns.take('S1', async () => {
      done.push('b');
    });
    await Promise.resolve();
    expect(done).toEqual([]);
    first.open();
    await Promise.all([a, b]);
    expect(done).toEqual(['a', 'b']);
  });

  it('when requests are for different seats, neither waits for the other', async () => {
    const turns = new SeatTurns();
    const blocked = gate();
    const slow = turns.take('S1', () => blocked.opened);
    expect(await turns.take('S2', async () => 'other seat')).toBe('other seat');
    blocked.open();
    await slow;
  });

  it('when a turn fails, its caller gets the failure and the next turn still runs', async () => {
    const turns = new SeatTurns();
    const failed = turns.take('S1', async () => {
      throw new Error('no');
    });
    const next = turns.take('S1', async () => 'ran');
    await expect(failed).rejects.toThrow('no');
    expect(await next).toBe('ran');
  });
});
