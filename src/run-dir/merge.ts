import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BooksimError, ExitCode } from '../errors.js';
import type { LedgerEntry } from '../gateway/ledger.js';
import { latencyRecorder, mergeHistograms, percentiles } from '../load/histograms.js';
import type { RequestLogEntry } from '../load/run-load.js';
import type { BookingStatus } from '../model/booking.js';
import type { FaultLogEntry } from '../model/fault.js';
import type { PlanIdentity } from '../model/plan.js';
import type { PriceTable } from '../model/pricing.js';
import type { BookingCounts, StormSummary } from '../model/run.js';
import { addCallCounts } from '../runtime/call-counter.js';
import { createRunDir } from './location.js';
import { readRunPricing } from './read.js';
import { readRunData } from './run-data.js';
import { runFormat, type DecisionRecord, type HistogramsJson, type RunJson, type SamplesJson } from './schema.js';

/**
 * `booksim merge`: the run directories of the shards of one plan (`storm --shard i/n`)
 * joined into one run directory that verify and report read like any other. The shards
 * send disjoint parts of one plan against one stack, so:
 * - request logs, fault logs and gateway ledgers are joined (the ledger renumbered in time order);
 * - the API latency histograms are added, raw (never their percentiles), and the
 *   summary's percentiles read from the sum;
 * - every shard reads the outcome of the whole plan's bookings (they share the plan's
 *   requestIds), so decisions are joined by bookingId (a decided record wins over an
 *   undecided one) rather than added, and the time-to-decision histograms are built again
 *   from the joined decisions: each booking counted once;
 * - what only one reading of the stack can say (saga step histograms, samples, usage and
 *   cost, seats sold, the settle's last snapshot) is the shard's that saw the most bookings decided.
 */

/** One shard's run directory, read. */
export interface ShardRun {
  dir: string;
  run: RunJson;
  requests: RequestLogEntry[];
  histograms: HistogramsJson;
  faults: FaultLogEntry[];
  ledger: LedgerEntry[];
  decisions: DecisionRecord[];
  samples?: SamplesJson;
  pricing?: PriceTable;
  /** workers.jsonl as written. */
  workerLog?: string;
}

/** The files of the merged run directory: a shard's, its worker log always written. */
export type MergedRun = Omit<ShardRun, 'dir' | 'workerLog'> & { workerLog: string };

const refuse = (message: string) => new BooksimError(message, ExitCode.usage);

/**
 * Checks that the runs are the shards of one plan, each once and none missing; returns
 * the plan's id and the runs in shard order. BooksimError (exit 2, one line) otherwise.
 */
export function checkShards<T extends { dir: string; plan?: PlanIdentity | undefined }>(runs: T[]): { planId: string; ordered: T[] } {
  if (runs.length === 0) throw refuse('give the run directories of the shards to merge');
  for (const run of runs) {
    if (run.plan?.shard === undefined) throw refuse(`${run.dir} is not a shard of a plan (run.json has no config.plan.shard): only runs of storm --shard i/n merge`);
  }
  const [first] = runs as [T & { plan: Required<Pick<PlanIdentity, 'id' | 'shard'>> }];
  for (const run of runs) {
    if (run.plan!.id !== first.plan.id) throw refuse(`${run.dir} is a shard of plan ${run.plan!.id}, ${first.dir} of plan ${first.plan.id}: only shards of one plan merge`);
    if (run.plan!.shard!.count !== first.plan.shard.count) {
      throw refuse(`${run.dir} is shard ${run.plan!.shard!.index}/${run.plan!.shard!.count}, ${first.dir} shard ${first.plan.shard.index}/${first.plan.shard.count}: the plan was split two ways`);
    }
  }
  const count = first.plan.shard.count;
  const byIndex = new Map<number, T>();
  for (const run of runs) {
    const index = run.plan!.shard!.index;
    const earlier = byIndex.get(index);
    if (earlier) throw refuse(`shard ${index}/${count} of plan ${first.plan.id} is given twice: ${earlier.dir} and ${run.dir}`);
    byIndex.set(index, run);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) throw refuse(`shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} of plan ${first.plan.id} missing: give every shard's run directory`);
  return { planId: first.plan.id, ordered: Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!) };
}

const timedStatuses: ReadonlySet<BookingStatus> = new Set(['CONFIRMED', 'REJECTED', 'PAYMENT_FAILED']);
const countedAs: Partial<Record<BookingStatus, keyof BookingCounts>> = { CONFIRMED: 'confirmed', REJECTED: 'rejected', PAYMENT_FAILED: 'paymentFailed', ESCALATED: 'escalated' };

/** The decisions of all shards, one per bookingId: a decided record over an undecided one. */
export function joinDecisions(all: DecisionRecord[][]): DecisionRecord[] {
  const byBooking = new Map<string, DecisionRecord>();
  for (const records of all) {
    for (const record of records) {
      const known = byBooking.get(record.bookingId);
      if (!known || (known.decidedAt === undefined && record.decidedAt !== undefined)) byBooking.set(record.bookingId, record);
    }
  }
  return [...byBooking.values()].sort((a, b) => a.createdAt - b.createdAt || a.bookingId.localeCompare(b.bookingId));
}

/** Booking counts and time-to-decision histograms of joined decisions, as the storm sums them up (src/storm/decisions.ts). */
function decisionFigures(records: DecisionRecord[]) {
  const bookings: BookingCounts = { accepted: 0, confirmed: 0, rejected: 0, paymentFailed: 0, escalated: 0, undecided: 0 };
  const all = latencyRecorder();
  const byTier = { VIP: latencyRecorder(), STANDARD: latencyRecorder() };
  for (const record of records) {
    bookings.accepted += 1;
    const counted = countedAs[record.status];
    if (counted) bookings[counted] += 1;
    else bookings.undecided += 1;
    if (!timedStatuses.has(record.status) || record.decidedAt === undefined) continue;
    const ms = Math.max(0, record.decidedAt - record.createdAt);
    all.record(ms);
    byTier[record.tier]?.record(ms);
  }
  return { bookings, timeToDecision: all.encode(), byTier: { VIP: byTier.VIP.encode(), STANDARD: byTier.STANDARD.encode() } };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Joins the request logs: every index once (the shards partition the plan). */
function joinRequests(shards: ShardRun[]): RequestLogEntry[] {
  const requests = shards.flatMap((shard) => shard.requests).sort((a, b) => a.index - b.index);
  for (let i = 1; i < requests.length; i++) {
    if (requests[i]!.index === requests[i - 1]!.index) throw refuse(`request ${requests[i]!.index} is in more than one shard's request log: these are not shards of one plan`);
  }
  return requests;
}

/** Joins the ledgers in time order and numbers them again, 1, 2, 3, …: each shard's gateway numbered its own. */
function joinLedgers(shards: ShardRun[]): LedgerEntry[] {
  const entries = shards.flatMap((shard, order) => shard.ledger.map((entry) => ({ entry, order })));
  entries.sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.order - b.order || a.entry.seq - b.entry.seq);
  return entries.map(({ entry }, i) => ({ ...entry, seq: i + 1 }));
}

/**
 * Merges the shards of one plan (checked by {@link checkShards}) into one run: pure.
 * `runDir` is where the merged run goes; its run id is the plan's id, so that verify
 * finds the plan's bookings (their requestIds begin with it).
 */
export function mergeShards(shards: ShardRun[], runDir: string): MergedRun {
  const { planId, ordered } = checkShards(shards.map((shard) => ({ ...shard, plan: shard.run.config.plan })));
  const decisions = joinDecisions(ordered.map((shard) => shard.decisions));
  const figures = decisionFigures(decisions);
  // The reading of the stack that saw the most bookings decided: the last to finish, in practice.
  const decidedIn = (shard: ShardRun) => shard.decisions.filter((record) => record.decidedAt !== undefined).length;
  const base = ordered.reduce((best, shard) => (decidedIn(shard) > decidedIn(best) ? shard : best));
  const summaries = ordered.map((shard) => shard.run.summary);
  const apiLatency = mergeHistograms(ordered.map((shard) => shard.histograms.apiLatency).filter((encoded): encoded is string => encoded !== undefined));
  const injected: Record<string, number> = {};
  for (const summary of summaries) for (const [name, count] of Object.entries(summary.chaos?.injected ?? {})) injected[name] = (injected[name] ?? 0) + count;
  const byService: Record<string, number> = {};
  for (const summary of summaries) for (const [service, count] of Object.entries(summary.awsCalls.byService)) byService[service] = (byService[service] ?? 0) + count;

  const summary: StormSummary = {
    ...base.run.summary,
    runId: planId,
    runDir,
    rate: { target: sum(summaries.map((one) => one.rate.target)), achieved: sum(summaries.map((one) => one.rate.achieved)) },
    durationMs: Math.max(...summaries.map((one) => one.durationMs)),
    requests: {
      sent: sum(summaries.map((one) => one.requests.sent)),
      completed: sum(summaries.map((one) => one.requests.completed)),
      errors: sum(summaries.map((one) => one.requests.errors)),
      non2xx: sum(summaries.map((one) => one.requests.non2xx)),
    },
    bookings: figures.bookings,
    seatsSold: Math.max(...summaries.map((one) => one.seatsSold)),
    settle: { settled: summaries.every((one) => one.settle.settled), waitedMs: Math.max(...summaries.map((one) => one.settle.waitedMs)) },
    awsCalls: { ...base.run.summary.awsCalls, total: sum(summaries.map((one) => one.awsCalls.total)), byService },
    ...(base.run.summary.chaos ? { chaos: { ...base.run.summary.chaos, injected } } : {}),
    latency: {
      api: percentiles(apiLatency),
      timeToDecision: percentiles(figures.timeToDecision),
      timeToDecisionByTier: { VIP: percentiles(figures.byTier.VIP), STANDARD: percentiles(figures.byTier.STANDARD) },
    },
  };
  const startedAt = ordered.map((shard) => shard.run.startedAt).filter((at): at is string => at !== undefined).sort()[0];
  const cpuWorkers: Record<string, number> = {};
  for (const shard of ordered) for (const [name, ms] of Object.entries(shard.run.cpu?.workers ?? {})) cpuWorkers[name] = (cpuWorkers[name] ?? 0) + ms;
  const run: RunJson = {
    ...base.run,
    format: runFormat,
    config: { ...base.run.config, plan: { id: planId, merged: ordered.map((shard) => shard.run.summary.runId) } },
    ...(startedAt !== undefined ? { startedAt } : {}),
    summary,
    awsCalls: addCallCounts(...ordered.map((shard) => shard.run.awsCalls ?? {})),
    cpu: { storm: sum(ordered.map((shard) => shard.run.cpu?.storm ?? 0)), workers: cpuWorkers },
  };
  const { sagaSteps } = base.histograms;
  return {
    run,
    requests: joinRequests(ordered),
    histograms: {
      unit: 'microseconds, hdr-histogram-js compressed base64',
      apiLatency,
      timeToDecision: figures.timeToDecision,
      timeToDecisionByTier: figures.byTier,
      ...(sagaSteps ? { sagaSteps } : {}),
    },
    faults: ordered.flatMap((shard) => shard.faults).sort((a, b) => a.at.localeCompare(b.at)),
    ledger: joinLedgers(ordered),
    decisions,
    ...(base.samples ? { samples: base.samples } : {}),
    ...(base.pricing ? { pricing: base.pricing } : {}),
    workerLog: ordered.map((shard) => shard.workerLog ?? '').join(''),
  };
}

/** Reads one shard's run directory; a directory that is not a storm's run is a BooksimError (exit 2). */
export async function readShardRun(dir: string): Promise<ShardRun> {
  const data = await readRunData(dir);
  const pricing = await readRunPricing(dir);
  const workerLog = await readFile(join(dir, 'workers.jsonl'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return {
    dir,
    run: data.run,
    requests: data.requests ?? [],
    histograms: data.histograms ?? {},
    faults: data.faultLog,
    ledger: data.ledger ?? [],
    decisions: data.decisions ?? [],
    ...(data.samples ? { samples: data.samples } : {}),
    ...(pricing ? { pricing } : {}),
    ...(workerLog !== undefined ? { workerLog } : {}),
  };
}

/**
 * Reads the shards' run directories, merges them ({@link mergeShards}) and writes the
 * merged run directory: `out`, or the plan's id next to the first shard's directory; the
 * directory must not exist. Marks it the latest run of the directory it is in. Returns its path and summary.
 */
export async function mergeRunDirs(dirs: string[], out?: string): Promise<{ dir: string; summary: StormSummary; shards: number }> {
  const resolved = dirs.map((dir) => resolve(dir));
  const shards = await Promise.all(resolved.map(readShardRun));
  // Checked before anything is written: a refusal leaves nothing behind.
  const { planId } = checkShards(shards.map((shard) => ({ ...shard, plan: shard.run.config.plan })));
  const target = resolve(out ?? join(dirname(resolved[0]!), planId));
  const merged = mergeShards(shards, target);
  const run = await createRunDir(dirname(target), basename(target));
  await run.write('run.json', merged.run);
  await run.write('requests.json', merged.requests);
  await run.write('histograms.json', merged.histograms);
  await run.write('faults.json', merged.faults);
  await run.write('decisions.json', merged.decisions);
  if (merged.samples) await run.write('samples.json', merged.samples);
  if (merged.pricing) await run.write('pricing.json', merged.pricing);
  await writeFile(run.path('ledger.jsonl'), merged.ledger.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  await writeFile(run.path('workers.jsonl'), merged.workerLog);
  await run.markLatest();
  return { dir: run.dir, summary: merged.run.summary, shards: shards.length };
}
