import type { Clock } from '../clock.js';

/** How long SQS FIFO queues and SNS FIFO topics remember a deduplication id. */
export const dedupWindowMs = 5 * 60 * 1000;

/**
 * What was accepted under each deduplication id in the last five minutes. Entries are
 * kept in insertion order, which is expiry order, so pruning stops at the first live one:
 * the cost of a send stays constant however many ids the window holds.
 */
export class DedupWindow<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  /** The value accepted under `key` within the window, if any. */
  recall(key: string): T | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > this.clock.now() ? entry.value : undefined;
  }

  /** Records `value` under `key` for the next five minutes. */
  remember(key: string, value: T): void {
    const now = this.clock.now();
    for (const [oldKey, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(oldKey);
    }
    // Deleted first so that a re-used key moves to the end and the order stays expiry order.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + dedupWindowMs });
  }
}
