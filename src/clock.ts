/** A pending timer; cancel() is safe to call more than once. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as the emulator sees it. Everything that depends on time (visibility timeouts,
 * deduplication windows, long polls) reads it from here, so tests can inject a
 * {@link ManualClock} and move time forward without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. */
  setTimer(delayMs: number, callback: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};

interface ScheduledTimer {
  dueAt: number;
  callback: () => void;
  cancelled: boolean;
}

/** A clock that stands still until {@link ManualClock.advance} moves it, firing due timers in order. */
export class ManualClock implements Clock {
  private timers: ScheduledTimer[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private current = Date.UTC(2026, 0, 1)) {}

  /** How many timers are set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Resolves once at least `count` timers are pending: how a test knows that a long poll
   * or a timeout has really started before it moves time forward.
   */
  whenPending(count: number): Promise<void> {
    if (this.pendingTimers >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): Timer {
    const timer: ScheduledTimer = { dueAt: this.current + Math.max(0, delayMs), callback, cancelled: false };
    this.timers.push(timer);
    const pending = this.pendingTimers;
    const ready = this.waiters.filter((w) => w.count <= pending);
    this.waiters = this.waiters.filter((w) => w.count > pending);
    for (const waiter of ready) waiter.resolve();
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves time forward by `ms`, running each timer that falls due, at its own time. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.reduce<ScheduledTimer | undefined>((a, t) => (!a || t.dueAt < a.dueAt ? t : a), undefined);
      if (!next || next.dueAt > target) break;
      this.current = Math.max(this.current, next.dueAt);
      next.cancelled = true;
      next.callback();
    }
    this.current = target;
  }
}
