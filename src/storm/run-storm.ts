import type { EndpointConfig } from '../aws/endpoint.js';
import type { Clock } from '../clock.js';
import type { QuiescenceSnapshot, StormSummary } from '../model/run.js';
import { type PlannedRequest, planIdOf, planRequests, shardOf, validateLoadShape } from '../load/plan.js';
import type { ChaosOptions, LoadShape, PlanShard } from '../model/plan.js';
import type { FaultPolicy } from '../gateway/fault-policy.js';
import { type LoadResult, runLoad } from '../load/run-load.js';
import type { LiveStatus } from '../model/live.js';
import { liveStatusFeed } from './live-status.js';
import { addBookingCalls, addCallCounts, type BookingCalls, type CallCounts } from '../runtime/call-counter.js';
import { processCpuMs } from '../runtime/worker.js';
import { type DecisionSummary, readDecisions } from './decisions.js';
import { createRunDir, requestIdPrefix } from '../run-dir/location.js';
import { SystemSampler } from './sampler.js';
import { type QuiescenceResult, systemPoller, waitForQuiescence } from './settle.js';
import { StormChaos } from './chaos.js';
import { checkBookingApi } from './booking-api-check.js';
import { type ReconcilerState, type RunningSystem, startSystem } from './system.js';
import { readSeatSales, seatsSoldOnSale } from '../deploy/events.js';
import { eventOfRun } from '../event.js';
import { type StormCpu } from '../run-dir/schema.js';
import { writeStormFiles } from './artefacts.js';
import { readPriceTable } from '../cost/pricing.js';
import type { PriceTable } from '../model/pricing.js';
import { measureUsage, type MeasuredUsage } from './usage.js';
import { stormSummary, type CrashDetection } from './summary.js';
import { readSagaSteps } from './saga-histories.js';
import type { SagaSteps } from './saga-steps.js';
import { readQuotaReport, stormQuotas } from './quota-record.js';
import type { QuotaReport } from '../model/quotas.js';

/** Everything a storm is asked to do. */
export interface StormOptions {
  endpoint: EndpointConfig;
  stack: string;
  shape: LoadShape;
  /** How long to wait for the system to settle after the load. */
  settleTimeoutMs: number;
  /** Message groups or tasks each worker process handles at once. */
  concurrency: number;
  /** Where run directories go (`reports`). */
  reportsDir: string;
  clock: Clock;
  /** The worker entry; default the built one. */
  workerScript?: string;
  /** Faults of the payment gateway, chosen knowing the plan (e.g. decline the first booking of every seat). */
  gatewayPolicy?: (plan: PlannedRequest[]) => FaultPolicy;
  /** The run's faults (docs/faults.md) and sabotaged safeguards; none when absent. */
  chaos?: ChaosOptions;
  /** The prices its usage is costed at (src/cost/); default booksim's pricing/aws-us-east-1.json. Kept in the run directory as pricing.json. */
  pricing?: PriceTable;
  /**
   * This host's part of the plan (`--shard i/n`): its requests only, at rate / n. The plan's
   * identity then comes from the plan, not the run: requestIds and the event are named after
   * {@link planIdOf}, so every shard sends the ids of the whole plan and sells the same event.
   */
  shard?: PlanShard;
  /** `none`: no worker processes here (`booksim worker` hosts the functions); default `local`. */
  workers?: 'local' | 'none';
  /** The payment gateway's port; absent or 0: a free one. */
  gatewayPort?: number;
  /** The booking API the load goes to (`--api URL`: booksim worker --api-port); absent: the storm starts its own. Its calls and usage are then not the run's. */
  api?: string;
}

/** What a storm tells whoever runs it, as it goes. The engine never prints. */
export interface StormHooks {
  /** Aborting it stops the load; the storm still waits for the system to settle. */
  loadSignal?: AbortSignal;
  /** Aborting it stops waiting for the system to settle. */
  settleSignal?: AbortSignal;
  onPhase?(phase: 'starting' | 'load' | 'settle' | 'report', detail: string): void;
  /** Something the user should know before the load, in one line; the storm goes on. */
  onWarning?(line: string): void;
  /** While the load runs, about once a second, and once more when it ends (`final`): the load, the bookings, the system and the faults so far. */
  onLiveStatus?(status: LiveStatus): void;
  onSettleProgress?(snapshot: QuiescenceSnapshot, elapsedMs: number): void;
}

/** A finished storm: the summary, and where its artifacts are. */
export interface StormResult {
  summary: StormSummary;
  calls: CallCounts;
}

/**
 * Runs a storm against a deployed stack: starts the system under test (gateway, booking
 * API, workers), sends the planned bookings at the target rate (for the seats of the
 * shape's event, or of a new event named after the run: src/event.ts; a named event's
 * seats sold already are counted and warned of first), waits until the system is
 * quiet, reads every booking's outcome, and writes `reports/<run-id>/` (run.json, the
 * request log, the gateway ledger, histograms) and `reports/latest`.
 */
export async function runStorm(options: StormOptions, hooks: StormHooks = {}): Promise<StormResult> {
  const asked = validateLoadShape(options.shape);
  const pricing = options.pricing ?? readPriceTable();
  // Before the run directory: a storm whose API does not answer leaves nothing behind.
  if (options.api) await checkBookingApi(options.api, options.stack);
  const run = await createRunDir(options.reportsDir, undefined, options.clock);
  // A sharded run's requests and event are the plan's, so that its shards' add up to the whole plan's.
  const planId = options.shard ? planIdOf(asked) : run.id;
  // A new event unless one was named: seats stay sold on the stack, and this run must have seats to sell.
  const shape = { ...asked, event: asked.event ?? eventOfRun(planId) };
  const wholePlan = tagRequests(planRequests(shape), planId);
  const plan = options.shard ? shardOf(wholePlan, options.shard) : wholePlan;
  const rps = shape.rps / (options.shard?.count ?? 1);
  const chaos = new StormChaos(options.chaos ?? { faults: [], sabotage: [] }, shape.seed, options.clock);
  const remoteWorkers = options.workers === 'none';
  const starting = options.api
    ? `the gateway and ${remoteWorkers ? 'the reconciler (workers: none; ' : 'the workers ('}booking API at ${options.api})`
    : `the gateway, the booking API and ${remoteWorkers ? 'the reconciler (workers: none)' : 'the workers'}`;
  hooks.onPhase?.('starting', `run ${run.id}: starting ${starting}`);
  let system: RunningSystem;
  try {
    const workerEndpoint = await chaos.start(options.endpoint.endpoints);
    const gatewayPolicy = firstFault(options.gatewayPolicy?.(wholePlan), chaos.gatewayPolicy);
    system = await startSystem({
      endpoint: options.endpoint,
      stack: options.stack,
      clock: options.clock,
      concurrency: options.concurrency,
      ledgerFile: run.path('ledger.jsonl'),
      workerLogFile: run.path('workers.jsonl'),
      ...(options.workerScript ? { workerScript: options.workerScript } : {}),
      ...(gatewayPolicy ? { gatewayPolicy } : {}),
      ...(workerEndpoint ? { workerEndpoint } : {}),
      sabotage: chaos.options.sabotage,
      ...(remoteWorkers ? { workers: 'none' as const } : {}),
      ...(options.gatewayPort ? { gatewayPort: options.gatewayPort } : {}),
      ...(options.api ? { api: options.api } : {}),
    });
  } catch (error) {
    await chaos.stop();
    throw error;
  }
  let load: LoadResult;
  let settle: QuiescenceResult;
  let decisions: DecisionSummary;
  let calls: CallCounts;
  let callsByBooking: BookingCalls;
  let usage: MeasuredUsage;
  let recovered: ReconcilerState;
  let detection: CrashDetection | undefined;
  let saga: SagaSteps;
  let sampler: SystemSampler | undefined;
  let loadStartedAt: number;
  let stormCpuAtLoad: number;
  let loadEndMs: number;
  let settleEndMs: number;
  let soldBefore: number | undefined;
  let quotasBefore: QuotaReport | undefined;
  let quotasAfter: QuotaReport | undefined;
  try {
    if (remoteWorkers) {
      hooks.onPhase?.('starting', `gateway at ${system.gateway.url}; workers: none — start them with booksim worker --stack ${options.stack} --gateway ${system.gateway.url}`);
    }
    if (options.api) hooks.onPhase?.('starting', `booking API at ${options.api}, served elsewhere: its AWS calls and usage are not in this run's figures`);
    const inherited = system.sabotage.filter((name) => !chaos.options.sabotage.includes(name));
    if (inherited.length > 0) hooks.onWarning?.(`stack ${options.stack}'s saga was deployed with sabotage ${inherited.join(', ')}: this run has it too (deploy again without --sabotage for the correct saga)`);
    // Only a named event can have sales already: a new one's seats were never on sale.
    if (asked.event !== undefined) {
      soldBefore = seatsSoldOnSale(await readSeatSales(system.context.clients, system.context.resources.names.tables.seats, shape.event), shape.seats);
      if (soldBefore > 0) hooks.onWarning?.(`event ${shape.event}: ${soldBefore} of ${shape.seats} seats already sold on stack ${options.stack} — bookings for them will be rejected`);
    }
    const poll = await systemPoller(system.context);
    // The endpoint outlives the storm (booksim local, compare's embedded one): what it throttled before is not this storm's.
    quotasBefore = await readQuotaReport(options.endpoint.endpoints.sqs);
    hooks.onPhase?.('load', `${plan.length} bookings at ${rps}/s${options.shard ? ` (shard ${options.shard.index}/${options.shard.count} of plan ${planId})` : ''} on stack ${options.stack}, event ${shape.event} (profile ${system.profile})`);
    loadStartedAt = options.clock.now();
    stormCpuAtLoad = processCpuMs();
    sampler = new SystemSampler(poll, options.clock, loadStartedAt);
    sampler.start();
    chaos.loadStarted(system);
    const live = hooks.onLiveStatus && liveFeed(options, system, sampler, chaos, hooks.onLiveStatus);
    load = await runLoad(system.api.url, plan, {
      rps,
      ...(hooks.loadSignal ? { signal: hooks.loadSignal } : {}),
      ...(live ? { onProgress: live.progress } : {}),
    });
    live?.finish();
    // Taken now: from here on this process's clients poll for quiescence and read the outcome, which is measurement, not the system's cost.
    const apiCalls = system.apiCalls();
    const apiCallsByBooking = system.apiCallsByBooking();
    const apiUsage = system.apiUsage();
    loadEndMs = options.clock.now() - loadStartedAt;
    await sampler.stopPolling();
    // Worker faults go on while the system settles (kills and stops are bounded in number): a saga that is still running is as good a target as any.
    hooks.onPhase?.('settle', 'waiting for the queues to drain and the sagas to end');
    const settleStart = options.clock.now();
    settle = await waitForQuiescence({
      context: system.context,
      // The reconciler must have looked since the rest went quiet: a saga that ended without settling its booking just before is its to restart.
      othersIdle: (quietSince) => {
        const reconciler = system.reconciler();
        return system.gateway.inFlight() === 0 && reconciler.waiting === 0 && (reconciler.lookedAt ?? -Infinity) >= quietSince;
      },
      timeoutMs: options.settleTimeoutMs,
      poll,
      ...(hooks.settleSignal ? { signal: hooks.settleSignal } : {}),
      onProgress: (snapshot: QuiescenceSnapshot) => {
        sampler!.record(snapshot);
        hooks.onSettleProgress?.(snapshot, options.clock.now() - settleStart);
      },
    });
    settleEndMs = options.clock.now() - loadStartedAt;
    quotasAfter = await readQuotaReport(options.endpoint.endpoints.sqs);
    hooks.onPhase?.('report', 'reading the outcome of every booking');
    decisions = await readDecisions(system.context, requestIdPrefix(planId));
    saga = await readSagaSteps(system.context, decisions.records, (count) => hooks.onPhase?.('report', `reading ${count} saga histories`));
    calls = addCallCounts(apiCalls, system.workerCalls());
    callsByBooking = addBookingCalls(apiCallsByBooking, system.workerCallsByBooking());
    usage = await measureUsage(system.context.clients, [apiUsage, system.workerUsage()], { total: saga.summary.stateTransitions, byBooking: saga.stateTransitionsByBooking });
    recovered = system.reconciler();
    await chaos.stopWorkerFaults();
    detection = await chaos.detection(system.context.clients);
  } finally {
    await sampler?.stopPolling();
    await system.stop();
    await chaos.stop();
  }
  // After the workers stopped: each sent its last report on its way out.
  const cpu: StormCpu = { storm: processCpuMs() - stormCpuAtLoad, workers: system.supervisor.cpu() };
  // The sabotage the run had: the storm's and the one the stack's saga was deployed with.
  const chaosAsRun = { ...chaos.options, sabotage: system.sabotage };

  const summary = stormSummary({
    run,
    endpoint: options.endpoint.display,
    stack: options.stack,
    profile: system.profile,
    shape,
    soldBefore,
    load,
    decisions,
    settle,
    calls,
    callsByBooking,
    saga: saga.summary,
    cost: { usage, pricing },
    quotas: stormQuotas(quotasBefore, quotasAfter, load.requests),
    ...(chaosAsRun.faults.length > 0 || chaosAsRun.sabotage.length > 0 ? { chaos: { options: chaosAsRun, injected: chaos.injected(), recovered, ...(detection ? { detection } : {}) } } : {}),
  });
  await writeStormFiles(run, {
    config: { stack: options.stack, endpoint: options.endpoint.display, region: options.endpoint.region, shape, settleTimeoutMs: options.settleTimeoutMs, concurrency: options.concurrency, ...(options.shard ? { plan: { id: planId, shard: options.shard } } : {}), ...(remoteWorkers ? { workers: 'none' as const } : {}), ...(options.api ? { api: options.api } : {}) },
    topology: system.context.resources.topology,
    loadStartedAt,
    summary,
    calls,
    cpu,
    lastSettleSnapshot: settle.last,
    load,
    decisions,
    sagaSteps: saga.histograms,
    pricing,
    faults: chaos.entries(),
    samples: { loadStartedAt: new Date(loadStartedAt).toISOString(), loadEndMs, settleEndMs, samples: sampler.samples() },
  });
  await run.markLatest();
  return { summary, calls };
}

/**
 * Makes the plan's request ids unique to this run: the same seed plans the same load, but
 * a second run on the same stack must not look like one long client retry of the first
 * (bookingIds derive from requestIds). Retries keep sharing their original's id.
 */
function tagRequests(plan: PlannedRequest[], runId: string): PlannedRequest[] {
  return plan.map((request) => ({ ...request, body: { ...request.body, requestId: `${requestIdPrefix(runId)}${request.body.requestId}` } }));
}

/** The live status's feed: the sampler's latest poll (no poll of its own), the decisions the functions counted, the faults logged when the run has any. */
function liveFeed(options: StormOptions, system: RunningSystem, sampler: SystemSampler, chaos: StormChaos, emit: (status: LiveStatus) => void) {
  const hasFaults = (options.chaos?.faults.length ?? 0) > 0;
  return liveStatusFeed({
    stack: options.stack,
    sources: { snapshot: () => sampler.latest(), decided: () => system.decided(), ...(hasFaults ? { faults: () => chaos.injected() } : {}) },
    emit,
  });
}

/** The first policy that has a fault for the request decides. */
function firstFault(...policies: Array<FaultPolicy | undefined>): FaultPolicy | undefined {
  const present = policies.filter((policy): policy is FaultPolicy => policy !== undefined);
  if (present.length <= 1) return present[0];
  return (request) => {
    for (const policy of present) {
      const fault = policy(request);
      if (fault) return fault;
    }
    return undefined;
  };
}
