import { costSummary } from '../cost/cost.js';
import { runUsage } from '../cost/run-usage.js';
import { faultText } from '../faults/spec.js';
import { percentiles } from '../load/histograms.js';
import type { LoadResult } from '../load/run-load.js';
import type { BookingStatus } from '../model/booking.js';
import type { ChaosOptions, LoadShape } from '../model/plan.js';
import type { PriceTable } from '../model/pricing.js';
import type { DetectedBy, Percentiles, SagaSummary, StormSummary } from '../model/run.js';
import type { RunDir } from '../run-dir/location.js';
import type { BookingCalls, CallCounts } from '../runtime/call-counter.js';
import type { DecisionSummary } from './decisions.js';
import type { QuiescenceResult } from './settle.js';
import type { ReconcilerState } from './system.js';
import type { MeasuredUsage } from './usage.js';

/** What the faults of a storm came to: as asked, injected by name, what the reconciler recovered, crash detection. */
export interface StormChaosOutcome {
  options: ChaosOptions;
  injected: Record<string, number>;
  recovered: ReconcilerState;
  detection?: CrashDetection;
}

/** Crash detection of a storm: kill → timeout, and which timeout noticed each crash. */
export interface CrashDetection {
  ms: Percentiles;
  by: DetectedBy;
}

/** Everything a storm's summary is made of, measured. */
export interface StormOutcome {
  run: Pick<RunDir, 'id' | 'dir'>;
  endpoint: string;
  stack: string;
  profile: string;
  shape: LoadShape & { event: string };
  soldBefore: number | undefined;
  load: LoadResult;
  decisions: DecisionSummary;
  settle: QuiescenceResult;
  calls: CallCounts;
  callsByBooking: BookingCalls;
  /** Where the saga's time went, from the executions' histories; left out of the summary when no execution was read. */
  saga?: SagaSummary;
  /** Absent when the storm had no fault and no sabotage. */
  chaos?: StormChaosOutcome;
  /** What the run used of each billed meter (./usage.ts), and the price table to price it with; no usage or cost in the summary without it. */
  cost?: { usage: MeasuredUsage; pricing: PriceTable };
  /** What AWS's quotas throttled, when the endpoint enforced them (./quota-record.ts). */
  quotas?: StormSummary['quotas'] | undefined;
}

/** A storm's summary (pure): the run, the load, the outcome, the calls per booking, the faults, the latencies. */
export function stormSummary(outcome: StormOutcome): StormSummary {
  const { run, shape, load, decisions, settle, calls } = outcome;
  const byService = Object.fromEntries(Object.entries(calls).map(([service, operations]) => [service, Object.values(operations).reduce((a, b) => a + b, 0)]));
  const total = Object.values(byService).reduce((a, b) => a + b, 0);
  return {
    runId: run.id,
    runDir: run.dir,
    endpoint: outcome.endpoint,
    stack: outcome.stack,
    profile: outcome.profile,
    seed: shape.seed,
    event: shape.event,
    seats: shape.seats,
    ...(outcome.soldBefore !== undefined ? { seatsSoldBefore: outcome.soldBefore } : {}),
    rate: { target: load.targetRps, achieved: load.achievedRps },
    durationMs: load.durationMs,
    requests: { sent: load.sent, completed: load.completed, errors: load.errors, non2xx: load.non2xx },
    bookings: decisions.bookings,
    seatsSold: decisions.seatsSold,
    settle: { settled: settle.settled, waitedMs: settle.waitedMs },
    awsCalls: { total, byService, ...callsPerBooking(total, outcome.callsByBooking, decisions.statuses) },
    ...(outcome.chaos ? { chaos: chaosSummary(outcome.chaos) } : {}),
    ...(outcome.saga && outcome.saga.executions > 0 ? { saga: outcome.saga } : {}),
    ...(outcome.cost ? usageAndCost(outcome.cost, decisions.statuses) : {}),
    ...(outcome.quotas ? { quotas: outcome.quotas } : {}),
    latency: {
      api: percentiles(load.latencyHistogram),
      timeToDecision: decisions.timeToDecision.all.percentiles,
      timeToDecisionByTier: { VIP: decisions.timeToDecision.byTier.VIP.percentiles, STANDARD: decisions.timeToDecision.byTier.STANDARD.percentiles },
    },
  };
}

/**
 * The mean calls of a CONFIRMED and of a REJECTED booking (the calls made in its scope),
 * and the rest of `total` per accepted booking: calls no single booking caused (start-up
 * lookups, batched receives and deletes, polls, visibility changes) and calls for a
 * bookingId the table does not hold (a request whose write failed). Null where there is
 * no booking to divide by.
 */
function callsPerBooking(total: number, byBooking: BookingCalls, statuses: Map<string, BookingStatus>): Pick<StormSummary['awsCalls'], 'perConfirmed' | 'perRejected' | 'sharedPerBooking'> {
  const sums = { CONFIRMED: { bookings: 0, calls: 0 }, REJECTED: { bookings: 0, calls: 0 } };
  let attributed = 0;
  for (const [bookingId, status] of statuses) {
    const calls = byBooking[bookingId] ?? 0;
    attributed += calls;
    if (status === 'CONFIRMED' || status === 'REJECTED') {
      sums[status].bookings += 1;
      sums[status].calls += calls;
    }
  }
  const mean = (calls: number, bookings: number) => (bookings === 0 ? null : calls / bookings);
  return {
    perConfirmed: mean(sums.CONFIRMED.calls, sums.CONFIRMED.bookings),
    perRejected: mean(sums.REJECTED.calls, sums.REJECTED.bookings),
    sharedPerBooking: mean(total - attributed, statuses.size),
  };
}

/** The usage split per booking as the calls are (src/cost/run-usage.ts), and what it costs at the price table. */
function usageAndCost({ usage, pricing }: NonNullable<StormOutcome['cost']>, statuses: Map<string, BookingStatus>): Pick<StormSummary, 'usage' | 'cost'> {
  const split = runUsage(usage.total, usage.byBooking, statuses);
  return { usage: split, cost: costSummary(split, pricing, statuses.size) };
}

function chaosSummary({ options, injected, recovered, detection }: StormChaosOutcome): NonNullable<StormSummary['chaos']> {
  return {
    ...(options.scenario ? { scenario: options.scenario } : {}),
    faults: options.faults.map(faultText),
    ...(options.sabotage.length > 0 ? { sabotage: options.sabotage } : {}),
    injected,
    ...(detection ? { detectionMs: detection.ms, detectedBy: detection.by } : {}),
    reconciler: { restarted: recovered.restarted, refunded: recovered.refunded, gaveUp: recovered.gaveUp },
  };
}
