import type { FaultSpec } from './fault.js';
import type { Sabotage } from './sabotage.js';
import type { PriceTable } from './pricing.js';

/** What a storm is asked to do, checked: the load's shape, the faults, the timeouts (read from the flags by src/cli/storm-flags.ts). */

/** What `booksim storm` asks of the load: its flags, before anything is planned. */
export interface LoadShape {
  /** Seats on sale: `<event>/S0001…` (src/event.ts). */
  seats: number;
  /** The event whose seats are on sale; none: `S0001…`, as before events (the storm always names one). */
  event?: string;
  /** Mean number of distinct requests per requested seat (≥ 1). */
  contention: number;
  /** Fraction of requests that are client retries of an earlier request, in [0, 1]. */
  duplicates: number;
  /** Fraction of customers of tier VIP, in [0, 1]. */
  vip: number;
  seed: number;
  /** Target rate, requests per second. */
  rps: number;
  /** Exactly one of durationSeconds and bookings. */
  durationSeconds?: number;
  bookings?: number;
}

/** One shard of a plan (`--shard i/n`): shard `index` (1-based) of `count`. */
export interface PlanShard {
  index: number;
  count: number;
}

/** Which plan a run sent (part of): its id (src/load/plan.ts planIdOf) and, for a shard, which one; a merged run has no shard. */
export interface PlanIdentity {
  id: string;
  shard?: PlanShard;
  /** A merged run's: the run ids of its shards, in shard order. */
  merged?: string[];
}

/** The faults of a storm as asked for: a scenario's and the user's, and the safeguards switched off. */
export interface ChaosOptions {
  scenario?: string;
  faults: FaultSpec[];
  sabotage: Sabotage[];
}

/** What a storm's flags ask for, checked: the load shape (a scenario's where a flag is absent), the faults, the timeouts. */
export interface StormPlan {
  shape: LoadShape;
  chaos: ChaosOptions;
  settleTimeoutMs: number;
  concurrency: number;
  reportsDir: string;
  /** `none`: the storm starts no worker process (`booksim worker` hosts the functions); default `local`. */
  workers?: 'local' | 'none';
  /** The booking API the load goes to (`--api URL`, served elsewhere: booksim worker --api-port); absent: the storm starts its own. */
  api?: string;
  /** The payment gateway's port (`--gateway-port`); absent or 0: a free one. */
  gatewayPort?: number;
  /** This host's part of the plan (`--shard i/n`); absent: the whole plan. */
  shard?: PlanShard;
  /** The prices the run's usage is costed at (`--pricing`); default booksim's own table. */
  pricing?: PriceTable;
}
