/**
 * A token bucket, as AWS describes its request quotas: it holds at most `capacity` tokens,
 * gains `refillPerSecond` a second, and a call takes one token (or more) or is throttled.
 * A quota of "N per second" is a bucket of N refilled at N a second. Pure: time is given.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Takes `count` tokens at `now` (epoch ms) if the bucket holds them; false (and nothing taken) if not. */
  take(now: number, count = 1): boolean {
    this.refill(now);
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  /** The tokens left at `now`. */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.refillPerSecond);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
