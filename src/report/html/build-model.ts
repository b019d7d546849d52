import { withPhases } from '../../faults/fault-log.js';
import { faultCatalog, faultNames, type FaultLogEntry, type FaultName } from '../../model/fault.js';
import type { BookingStatus } from '../../model/booking.js';
import { latencyRecorder, percentileDistribution, percentiles } from '../../load/histograms.js';
import { type Percentiles } from '../../model/run.js';
import { moneyIn, type MoneyState } from '../../gateway/ledger.js';
import type { DecisionRecord } from '../../run-dir/schema.js';
import type { FaultMarker, FaultPeriod, LatencyDistribution, MoneyTotals, ReportFaults, ReportModel, ReportSeries } from './model.js';
import type { RunData } from '../../run-dir/run-data.js';

/** Faults that happen at a moment (a kill, a stop, a scaling step) rather than at a rate: markers on the charts. */
const momentaryFaults: ReadonlySet<FaultName> = new Set(faultNames.filter((name) => faultCatalog[name].momentary));
/** What a chart can show: beyond this, markers are dropped (the fault table still counts them all). */
const maxMarkers = 300;
const bucketMs = 1000;
const decidedStatuses: ReadonlySet<BookingStatus> = new Set(['CONFIRMED', 'REJECTED', 'PAYMENT_FAILED']);

/**
 * The report of one run, from what its directory holds: counts, money, latency
 * distributions and per-second series, aggregated here so that the page stays small
 * whatever the number of bookings. Pure.
 */
export function buildReportModel(data: RunData): ReportModel {
  const { run } = data;
  const summary = run.summary;
  const loadStartedAt = Date.parse(data.samples?.loadStartedAt ?? run.startedAt ?? '') || (data.requests?.[0]?.intendedAt ?? 0);
  const loadEndMs = data.samples?.loadEndMs ?? summary.durationMs;
  const settleEndMs = data.samples?.settleEndMs ?? loadEndMs + summary.settle.waitedMs;
  const decisions = data.decisions ?? [];
  const money = new Map([...Map.groupBy(data.ledger ?? [], (entry) => entry.bookingId)].map(([bookingId, entries]) => [bookingId, moneyIn(bookingId, entries)]));
  return {
    run: {
      runId: summary.runId,
      startedAt: new Date(loadStartedAt).toISOString(),
      endpoint: summary.endpoint,
      stack: summary.stack,
      topology: run.topology ?? 'fifo-fanout',
      profile: summary.profile,
      ...(summary.chaos?.scenario ? { scenario: summary.chaos.scenario } : {}),
      faults: summary.chaos?.faults ?? [],
      sabotage: summary.chaos?.sabotage ?? [],
      seed: summary.seed,
      ...(summary.event !== undefined ? { event: summary.event } : {}),
      seats: summary.seats,
      ...(summary.seatsSoldBefore !== undefined ? { seatsSoldBefore: summary.seatsSoldBefore } : {}),
      rps: summary.rate,
      durationMs: summary.durationMs,
      requests: summary.requests,
      settle: summary.settle,
      versions: run.versions ?? {},
    },
    ...(data.verify ? { verdict: data.verify.verdict } : {}),
    invariants: data.verify?.invariants ?? [],
    thresholds: data.verify?.thresholds ?? [],
    bookings: summary.bookings,
    sagas: sagaOutcomes(decisions, money, summary.bookings.confirmed, summary.bookings.escalated),
    money: moneyTotals(decisions, money),
    latency: { api: apiDistributions(data), decision: decisionDistributions(data) },
    series: series(data, loadStartedAt, loadEndMs, settleEndMs),
    faults: faults(data, loadStartedAt, settleEndMs),
    ...(summary.saga ? { saga: summary.saga } : {}),
    awsCalls: { total: summary.awsCalls.total, byService: summary.awsCalls.byService, perConfirmed: summary.awsCalls.perConfirmed, perRejected: summary.awsCalls.perRejected },
    ...(summary.cost ? { cost: summary.cost } : {}),
    ...(summary.quotas ? { quotas: summary.quotas } : {}),
  };
}

/** A failed payment whose charge had been captured was compensated (refunded); one never captured was declined. */
function sagaOutcomes(decisions: DecisionRecord[], money: ReadonlyMap<string, MoneyState>, confirmed: number, escalated: number): ReportModel['sagas'] {
  let declined = 0;
  let compensated = 0;
  for (const decision of decisions) {
    if (decision.status !== 'PAYMENT_FAILED') continue;
    if ((money.get(decision.bookingId)?.captured ?? 0) > 0) compensated += 1;
    else declined += 1;
  }
  return { confirmed, declined, compensated, escalated };
}

/** At risk: money still held for a booking that did not get its seat (escalated ones included): what a person must look at. */
function moneyTotals(decisions: DecisionRecord[], money: ReadonlyMap<string, MoneyState>): MoneyTotals {
  const confirmed = new Set(decisions.filter((d) => d.status === 'CONFIRMED').map((d) => d.bookingId));
  const totals: MoneyTotals = { charged: 0, refunded: 0, net: 0, atRisk: 0 };
  for (const booking of money.values()) {
    totals.charged += booking.captured;
    totals.refunded += booking.refunded;
    totals.net += booking.net;
    if (!confirmed.has(booking.bookingId) && booking.net > 0) totals.atRisk += booking.net;
  }
  return totals;
}

function distribution(label: string, encoded: string | undefined): LatencyDistribution | undefined {
  if (encoded === undefined) return undefined;
  const summary: Percentiles = percentiles(encoded);
  return { label, count: summary.count, summary, points: percentileDistribution(encoded) };
}

const present = (items: Array<LatencyDistribution | undefined>) => items.filter((item): item is LatencyDistribution => item !== undefined && item.count > 0);

/** All requests from histograms.json (corrected for coordinated omission); per tier from the request log. */
function apiDistributions({ histograms, requests = [] }: RunData): LatencyDistribution[] {
  const tiers = [...new Set(requests.map((r) => r.tier))].sort().reverse();
  const byTier = tiers.map((tier) => {
    const recorder = latencyRecorder();
    for (const request of requests) if (request.tier === tier) recorder.record(request.latencyMs);
    return distribution(tier, recorder.encode());
  });
  return present([distribution('all', histograms?.apiLatency), ...(tiers.length > 1 ? byTier : [])]);
}

function decisionDistributions({ histograms }: RunData): LatencyDistribution[] {
  return present([distribution('all', histograms?.timeToDecision), distribution('VIP', histograms?.timeToDecisionByTier?.VIP), distribution('STANDARD', histograms?.timeToDecisionByTier?.STANDARD)]);
}

/** Values grouped into per-second buckets of `t`, from 0 to the last bucket with a value. */
function buckets(points: Array<{ t: number; value: number }>): number[][] {
  const grouped: number[][] = [];
  for (const { t, value } of points) {
    const index = Math.max(0, Math.floor(t / bucketMs));
    while (grouped.length <= index) grouped.push([]);
    grouped[index]!.push(value);
  }
  return grouped;
}

function quantiles(points: Array<{ t: number; value: number }>): ReportSeries['apiLatency'] {
  return buckets(points).flatMap((values, index) => {
    if (values.length === 0) return [];
    values.sort((a, b) => a - b);
    const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
    return [{ t: index * bucketMs, p50: at(0.5), p99: at(0.99), max: values.at(-1)! }];
  });
}

function series(data: RunData, loadStartedAt: number, loadEndMs: number, settleEndMs: number): ReportSeries {
  const requests = data.requests ?? [];
  const intended = buckets(requests.map((r) => ({ t: r.intendedAt - loadStartedAt, value: 1 })));
  const completed = buckets(requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => ({ t: r.intendedAt + r.latencyMs - loadStartedAt, value: 1 })));
  const rate = Array.from({ length: Math.max(intended.length, completed.length) }, (_, index) => ({
    t: index * bucketMs,
    target: intended[index]?.length ?? 0,
    achieved: completed[index]?.length ?? 0,
  }));
  const decided = (data.decisions ?? []).filter((d) => decidedStatuses.has(d.status) && d.decidedAt !== undefined);
  return {
    rate,
    apiLatency: quantiles(requests.map((r) => ({ t: r.intendedAt - loadStartedAt, value: r.latencyMs }))),
    decisionLatency: quantiles(decided.map((d) => ({ t: d.createdAt - loadStartedAt, value: Math.max(0, d.decidedAt! - d.createdAt) }))),
    system: (data.samples?.samples ?? []).map(({ t, visible, inFlight, deadLetter, running }) => ({ t, visible, inFlight, deadLetter, running })),
    loadEndMs,
    settleEndMs,
  };
}

/**
 * Each fault's lanes, from the fault log alone: from a `started` line to the next `healed`
 * line of the fault, or to the end of the settle when none came; in the order they started.
 */
function lanes(log: readonly FaultLogEntry[], atMsOf: (entry: FaultLogEntry) => number, settleEndMs: number): FaultPeriod[] {
  const periods: FaultPeriod[] = [];
  const open = new Map<FaultName, FaultPeriod>();
  for (const entry of log) {
    const atMs = atMsOf(entry);
    if (entry.phase === 'started') {
      const period = { fault: entry.fault, fromMs: atMs, toMs: settleEndMs };
      periods.push(period);
      open.set(entry.fault, period);
    } else if (entry.phase === 'healed' && open.has(entry.fault)) {
      open.get(entry.fault)!.toMs = Math.min(settleEndMs, atMs);
      open.delete(entry.fault);
    }
  }
  return periods;
}

function faults(data: RunData, loadStartedAt: number, settleEndMs: number): ReportFaults {
  const chaos = data.run.summary.chaos;
  const log = withPhases(data.faultLog, chaos?.faults ?? [], loadStartedAt);
  const injected = log.filter((entry) => entry.phase === 'injected');
  const atMs = (entry: FaultLogEntry) => Date.parse(entry.at) - loadStartedAt;
  const markers: FaultMarker[] = injected
    .filter((entry) => momentaryFaults.has(entry.fault) || (entry.fault === 'cold-start' && entry.action.startsWith('scaled')))
    .slice(0, maxMarkers)
    .map((entry) => ({ fault: entry.fault, atMs: atMs(entry), action: entry.action }));
  const table = [...Map.groupBy(injected, (entry) => entry.fault)].map(([fault, entries]) => ({
    fault,
    count: entries.length,
    firstMs: atMs(entries[0]!),
    lastMs: atMs(entries.at(-1)!),
    example: entries[0]!.action,
  }));
  return {
    periods: lanes(log, atMs, settleEndMs),
    markers,
    table,
    ...(chaos?.detectionMs ? { detectionMs: chaos.detectionMs } : {}),
    ...(chaos?.detectedBy ? { detectedBy: chaos.detectedBy } : {}),
    ...(chaos?.reconciler ? { reconciler: chaos.reconciler } : {}),
  };
}
