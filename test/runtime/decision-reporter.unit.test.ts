import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { decisionReporter } from '../../src/runtime/decision-reporter.js';
import type { WorkerMessage } from '../../src/runtime/worker-messages.js';

describe('decisionReporter', () => {
  it('when bookings are decided, it sends the total once within 100 ms, not once per decision, and nothing while none is', () => {
    const clock = new ManualClock(0);
    const sent: WorkerMessage[] = [];
    const reporter = decisionReporter((message) => sent.push(message), clock);
    clock.advance(1000);
    expect(sent).toEqual([]);
    reporter.decided();
    reporter.decided();
    clock.advance(99);
    expect(sent).toEqual([]);
    reporter.decided();
    clock.advance(1);
    expect(sent).toEqual([{ type: 'decided', total: 3 }]);
    reporter.decided();
    clock.advance(100);
    expect(sent).toEqual([
      { type: 'decided', total: 3 },
      { type: 'decided', total: 4 },
    ]);
  });

  it('when flushed (the worker stops), it sends a total not yet sent at once, and only that', () => {
    const clock = new ManualClock(0);
    const sent: WorkerMessage[] = [];
    const reporter = decisionReporter((message) => sent.push(message), clock);
    reporter.flush();
    expect(sent).toEqual([]);
    reporter.decided();
    reporter.flush();
    clock.advance(200);
    expect(sent).toEqual([{ type: 'decided', total: 1 }]);
  });
});
