import { describe, expect, it } from 'vitest';
import { liveDisplay } from '../../src/cli/live-display.js';
import type { LiveStatus } from '../../src/model/live.js';

const status = (elapsedMs: number, final = false): LiveStatus => ({
  load: { elapsedMs, plannedMs: 20_000, sent: 10, answered: 9, targetRps: 10, achievedRps: 9, inFlight: 1, errors: 0, non2xx: 0, p99Ms: 12 },
  bookings: { accepted: 9, decided: 7, pending: 2 },
  system: { queues: [{ name: 'inventory.fifo', visible: 1, inFlight: 2 }], deadLetter: 0, sagasRunning: 2 },
  faults: { 'payment-decline': 1 },
  ...(final ? { final: true } : {}),
});

function output(tty: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, out: { write: (text: string) => writes.push(text), tty, columns: () => columns } };
}

const escape = '\u001b';

describe('liveDisplay', () => {
  it('when stderr is a terminal, it draws the block, then goes back over it (cursor up, clear) at each status', () => {
    const { writes, out } = output(true, 200);
    const display = liveDisplay(out);
    display.show(status(1000));
    display.show(status(2000));
    expect(writes).toHaveLength(2);
    expect(writes[0]!.startsWith(escape)).toBe(false);
    expect(writes[0]!.split('\n')).toHaveLength(4);
    expect(writes[0]).toMatch(/^ {2}.*load.*1\.0 s\/20 s/);
    expect(writes[1]!.startsWith(`${escape}[3A${escape}[J`)).toBe(true);
    expect(writes[1]).toContain('2.0 s/20 s');
  });

  it('when something else was written below the block, the next block starts below it instead of going back', () => {
    const { writes, out } = output(true, 200);
    const display = liveDisplay(out);
    display.show(status(1000));
    display.leave();
    display.show(status(2000));
    expect(writes[1]!.startsWith(escape)).toBe(false);
  });

  it("when on a narrow terminal, no line is wider than it (a wrapped line would break going back over it)", () => {
    const { writes, out } = output(true, 50);
    liveDisplay(out).show(status(1000));
    // eslint-disable-next-line no-control-regex
    for (const line of writes[0]!.replace(/\u001b\[[0-9;]*m/g, '').split('\n')) expect(line.length).toBeLessThan(50);
  });

  it('when stderr is not a terminal, it prints the plain lines every 5 s of the load and the final status, without an escape code', () => {
    const { writes, out } = output(false);
    const display = liveDisplay(out);
    for (let t = 1000; t <= 12_000; t += 1000) display.show(status(t));
    display.show(status(12_300, true));
    expect(writes).toHaveLength(3);
    expect(writes.map((text) => text.match(/load {3}(\S+ s)/)?.[1])).toEqual(['5.0 s', '10.0 s', '12.3 s']);
    for (const text of writes) {
      expect(text).not.toContain(escape);
      expect(text.split('\n').slice(0, -1).map((line) => line.split(/\s+/)[1])).toEqual(['load', 'system', 'faults']);
    }
  });

  it("when a second storm's load starts (compare), its lines come every 5 s of its own time again", () => {
    const { writes, out } = output(false);
    const display = liveDisplay(out);
    for (let t = 1000; t <= 11_000; t += 1000) display.show(status(t));
    display.show(status(11_000, true));
    writes.length = 0;
    for (let t = 1000; t <= 6000; t += 1000) display.show(status(t));
    expect(writes.map((text) => text.match(/load {3}(\S+ s)/)?.[1])).toEqual(['5.0 s']);
  });
});
