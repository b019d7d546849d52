import type { Clock } from '../../clock.js';
import type { ThrottleRecord } from '../../model/quotas.js';
import { figuresIn, type QuotaTable } from '../../model/quota-table.js';
import { TokenBucket } from './token-bucket.js';

/**
 * AWS's throughput quotas, enforced (`booksim local --aws-quotas REGION`): one token bucket
 * per quota and resource, created on first use, with the region's figures from the quota
 * table. A service asks {@link take} before it acts; a throttled call is answered with the
 * service's own throttling error, and recorded. Without --aws-quotas no Quotas exists and
 * nothing is checked.
 */
export class Quotas {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly records = new Map<string, ThrottleRecord>();
  /** Per quota and resource, the times (epoch ms) of the calls of the last second, to tell the rate at the first throttle. */
  private readonly recent = new Map<string, number[]>();

  constructor(
    readonly table: QuotaTable,
    readonly region: string,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /**
   * Takes `count` from quota `id` on `resource`: true when allowed, false when throttled
   * (and recorded). `scale` multiplies the quota's figures, for a quota given per unit of a
   * resource's own setting (a provisioned table's capacity units); a resource whose setting
   * changes is named anew, so that it gets a bucket of its own. An id the table does not
   * have is a programming error.
   */
  take(id: string, resource: string, count = 1, scale = 1): boolean {
    const entry = this.table[id];
    if (entry === undefined) throw new Error(`no quota ${id} in the quota table`);
    const key = `${id}\u0000${resource}`;
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      const { rate, burst } = figuresIn(entry, this.region);
      bucket = new TokenBucket(burst * scale, rate * scale, now);
      this.buckets.set(key, bucket);
    }
    const allowed = bucket.take(now, count);
    const seen = this.recentCalls(key, now, count);
    if (allowed) return true;
    const record = this.records.get(key);
    if (record) {
      record.throttled += 1;
      record.lastAt = new Date(now).toISOString();
    } else {
      const { rate } = figuresIn(entry, this.region);
      this.records.set(key, {
        quota: id,
        description: entry.description,
        resource,
        limit: `${rate * scale} ${entry.unit} per second, ${entry.scope}`,
        ...(entry.lift ? { lift: entry.lift } : {}),
        throttled: 1,
        rateAtFirstHit: seen,
        firstAt: new Date(now).toISOString(),
        lastAt: new Date(now).toISOString(),
        source: entry.source,
      });
    }
    return false;
  }

  /** Every quota that throttled, on what, how often, and at what rate it was first hit. */
  throttles(): ThrottleRecord[] {
    return [...this.records.values()].map((record) => ({ ...record }));
  }

  /** Adds this call to the last second's and says how many there were; only kept until the quota first throttles on the resource. */
  private recentCalls(key: string, now: number, count: number): number {
    if (this.records.has(key)) return 0;
    const times = this.recent.get(key) ?? [];
    for (let i = 0; i < count; i += 1) times.push(now);
    while (times.length > 0 && times[0]! <= now - 1000) times.shift();
    this.recent.set(key, times);
    return times.length;
  }
}
