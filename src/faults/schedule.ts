import type { Clock, Timer } from '../clock.js';
import type { FaultWindow } from '../model/fault.js';

/** When a window closes, ms from the start of the load; never for a window without `for`. */
export const windowEnd = (window: FaultWindow): number => (window.forMs === undefined ? Infinity : window.fromMs + window.forMs);

/** Timers on the run's clock, cancelled together. */
export class Schedule {
  private readonly timers = new Set<Timer>();
  private readonly origin: number;
  private cancelled = false;

  constructor(private readonly clock: Clock) {
    this.origin = clock.now();
  }

  /** Runs `fn` once, `delayMs` from now; nothing after cancel(). */
  after(delayMs: number, fn: () => void): void {
    if (this.cancelled) return;
    const timer = this.clock.setTimer(delayMs, () => {
      this.timers.delete(timer);
      fn();
    });
    this.timers.add(timer);
  }

  /** Runs `fn` once, `ms` after the schedule was made (at once if that is past). */
  at(ms: number, fn: () => void): void {
    this.after(this.origin + ms - this.clock.now(), fn);
  }

  cancel(): void {
    this.cancelled = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }
}
