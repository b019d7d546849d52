import chalk from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveStatus } from '../../src/model/live.js';
import { liveStatusLines } from '../../src/report/live-text.js';

const status: LiveStatus = {
  load: { elapsedMs: 12_440, plannedMs: 20_000, sent: 6200, answered: 6150, targetRps: 500, achievedRps: 498.73, inFlight: 50, errors: 0, non2xx: 0, p99Ms: 38.4 },
  bookings: { accepted: 6150, decided: 5900, pending: 250 },
  system: {
    queues: [
      { name: 'inventory.fifo', visible: 3, inFlight: 12 },
      { name: 'payment.fifo', visible: 0, inFlight: 40 },
    ],
    deadLetter: 0,
    sagasRunning: 212,
  },
  faults: { 'payment-decline': 210, 'crash-mid-heartbeat': 1 },
};

const escape = '\u001b';
let level: typeof chalk.level;
beforeEach(() => {
  // As on a colour terminal, so that plain text proves it leaves colour out by itself.
  level = chalk.level;
  chalk.level = 3;
});
afterEach(() => {
  chalk.level = level;
});

describe('liveStatusLines', () => {
  it('when plain, it gives the load, the system and the faults in three lines without an escape code', () => {
    expect(liveStatusLines(status, { color: false })).toEqual([
      'load   12.4 s/20 s  sent 6,200  answered 6,150 (498.7/s of 500/s)  in flight 50  errors 0  non-2xx 0  API p99 38 ms',
      'system decided 5,900  pending 250  sagas running 212  queues inventory.fifo 3/12, payment.fifo 0/40  DLQ 0',
      'faults crash-mid-heartbeat 1, payment-decline 210',
    ]);
    const bad = { ...status, load: { ...status.load, errors: 3, non2xx: 4 }, system: { ...status.system!, deadLetter: 2 } };
    expect(liveStatusLines(bad, { color: false }).join('\n')).not.toContain(escape);
  });

  it('when in colour, it has the same text, with errors, non-2xx and DLQ messages in red when there are any', () => {
    const bad = { ...status, load: { ...status.load, errors: 3, non2xx: 4 }, system: { ...status.system!, deadLetter: 2 } };
    const lines = liveStatusLines(bad, { color: true });
    expect(lines.map(stripVTControlCharacters)).toEqual(liveStatusLines(bad, { color: false }));
    expect(lines[0]).toContain(chalk.red('errors 3'));
    expect(lines[0]).toContain(chalk.red('non-2xx 4'));
    expect(lines[1]).toContain(chalk.red('DLQ 2'));
    expect(liveStatusLines(status, { color: true })[0]).not.toContain(chalk.red('errors 0'));
  });

  it('when nothing is known yet (no poll answered, no response), it shows dashes, and no faults line for a run without faults', () => {
    const start: LiveStatus = {
      load: { elapsedMs: 0, plannedMs: 500, sent: 0, answered: 0, targetRps: 0.5, achievedRps: 0, inFlight: 0, errors: 0, non2xx: 0 },
      bookings: { accepted: 0, decided: 0, pending: 0 },
    };
    expect(liveStatusLines(start, { color: false })).toEqual([
      'load   0.0 s/0.5 s  sent 0  answered 0 (0.0/s of 0.5/s)  in flight 0  errors 0  non-2xx 0  API p99 –',
      'system decided 0  pending 0  sagas running –  queues –  DLQ –',
    ]);
  });

  it('when faults are planned but none fired, when more sagas run than a page shows, or the topology has no queue, it says so', () => {
    const lines = liveStatusLines({ ...status, load: { ...status.load, p99Ms: 2.345 }, system: { queues: [], deadLetter: 0, sagasRunning: 100, moreRunning: true }, faults: {} }, { color: false });
    expect(lines[0]).toContain('API p99 2.3 ms');
    expect(lines[1]).toBe('system decided 5,900  pending 250  sagas running 100+  queues none  DLQ 0');
    expect(lines[2]).toBe('faults none fired yet');
  });

  it('when given a width, each line keeps the items that fit and ends in …, counting visible columns only', () => {
    for (const color of [false, true]) {
      const lines = liveStatusLines(status, { color, width: 60 });
      const visible = lines.map(stripVTControlCharacters);
      for (const line of visible) expect(line.length).toBeLessThanOrEqual(60);
      expect(visible[0]).toBe('load   12.4 s/20 s  sent 6,200  …');
      expect(visible[1]).toBe('system decided 5,900  pending 250  sagas running 212  …');
      expect(visible[2]).toBe('faults crash-mid-heartbeat 1, payment-decline 210');
    }
    expect(liveStatusLines(status, { color: false, width: 4 })[0]).toBe('load');
  });
});
