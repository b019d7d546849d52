import type { Clock, Timer } from '../clock.js';

/**
 * Wakes long polls: waiters sleep until {@link Signal.notify} (something changed) or a
 * time on the injected clock, whichever comes first. After close() nobody waits.
 */
export class Signal {
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Resolves on the next notify(), at `until` (clock time), when `cancel` aborts, or at once when closed. */
  wait(until: number, cancel?: AbortSignal): Promise<void> {
    if (this.closed || cancel?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        timer.cancel();
        cancel?.removeEventListener('abort', wake);
        resolve();
      };
      const timer: Timer = this.clock.setTimer(until - this.clock.now(), wake);
      this.waiters.add(wake);
      cancel?.addEventListener('abort', wake, { once: true });
    });
  }

  /** Wakes every waiter. */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Wakes every waiter and lets no more wait. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
