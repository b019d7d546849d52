import { createWriteStream } from 'node:fs';
import { teardown } from '../async.js';
import { createClients } from '../aws/clients.js';
import type { EndpointConfig, ServiceKey } from '../aws/endpoint.js';
import { awsFailure } from '../aws/errors.js';
import { startBookingServer, type BookingServer } from '../api/booking-server.js';
import type { Clock } from '../clock.js';
import { sabotageCatalog, sabotageNames, type Sabotage } from '../model/sabotage.js';
import { BooksimError, ExitCode } from '../errors.js';
import { timingProfile, type TimingProfileName } from '../deploy/saga.js';
import type { FunctionContext } from '../functions/model.js';
import type { FaultPolicy } from '../gateway/fault-policy.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import { countCalls, type BookingCalls, type CallCounts } from '../runtime/call-counter.js';
import { runReconciler } from '../runtime/reconciler-loop.js';
import type { RuntimeLogger } from '../runtime/runtime-log.js';
import { type Supervisor, WorkerStartError } from '../runtime/supervisor.js';
import { readWorkerSetup, stackFunctions, workerSupervisor } from '../runtime/worker-host.js';
import { meterUsage, type UsageReport } from '../runtime/usage-meter.js';

/** How the system under test is started for a run. */
export interface SystemOptions {
  endpoint: EndpointConfig;
  stack: string;
  clock: Clock;
  /** Message groups or tasks each worker process handles at once. */
  concurrency: number;
  /** Where the gateway appends its ledger, one JSON line per entry. */
  ledgerFile?: string;
  gatewayPolicy?: FaultPolicy;
  /** The worker entry; default the built dist/runtime/worker-main.js. */
  workerScript?: string;
  /** Where what the workers report (handler failures, AWS errors, deaths) is appended, one JSON line each. */
  workerLogFile?: string;
  /** Each service's endpoint for the workers' AWS calls instead of `endpoint`'s (the chaos proxies). */
  workerEndpoint?: Record<ServiceKey, string>;
  /** Safeguards switched off on purpose, in the workers and in this process's functions (the booking API, the reconciler). */
  sabotage?: Sabotage[];
  /** `none`: no worker process here (`booksim worker` hosts the functions elsewhere); default `local`, one per function. */
  workers?: 'local' | 'none';
  /** The payment gateway's port; default 0, a free one. */
  gatewayPort?: number;
  /** A booking API served elsewhere (`storm --api URL`: booksim worker --api-port): none is started here, and its calls are not counted. */
  api?: string;
}

/** What the reconciler has recovered so far, and how many bookings it still means to act on. */
export interface ReconcilerState {
  restarted: number;
  refunded: number;
  gaveUp: number;
  waiting: number;
  /** When the latest completed pass started (on the storm's clock), so what `waiting` is as of; absent before the first. */
  lookedAt?: number;
}

/** The running system under test: the gateway, the booking API, and a worker process per function. */
export interface RunningSystem {
  context: FunctionContext;
  gateway: Gateway;
  api: BookingServer;
  supervisor: Supervisor;
  /** The timing profile the deployed saga was generated for (workers pace their heartbeats by it). */
  profile: TimingProfileName;
  /** The run's sabotage: the storm's, and the saga definition's (`deploy --sabotage`), which the workers take with it. */
  sabotage: Sabotage[];
  /** AWS calls so far by the booking API: this process's clients, which also serve whoever uses `context`. */
  apiCalls(): CallCounts;
  /** Those of {@link RunningSystem.apiCalls} made for one booking (POST /bookings), by bookingId. */
  apiCallsByBooking(): BookingCalls;
  /** How many entries the workers have logged (handler failures, AWS errors, deaths). */
  workerLogEntries(): number;
  /** The reconciler's recoveries (distinct bookings) and its last pass's count of bookings waiting for it. */
  reconciler(): ReconcilerState;
  /** Bookings moved to a final status so far, by the workers (as last reported) and by this process's functions (the reconciler, the direct chain): a live count. */
  decided(): number;
  /** AWS calls so far by the worker processes. */
  workerCalls(): CallCounts;
  /** Those of {@link RunningSystem.workerCalls} made for one booking, by bookingId. */
  workerCallsByBooking(): BookingCalls;
  /** Billed usage so far by the booking API (its calls through this process's clients, and its requests timed as invocations), in total and by booking. */
  apiUsage(): UsageReport;
  /** Billed usage so far by the worker processes. */
  workerUsage(): UsageReport;
  /** Stops the workers, the API and the gateway, in that order. */
  stop(): Promise<void>;
}

/**
 * Starts the system under test against a deployed stack (a BooksimError says to run
 * `booksim deploy` when it is not): the payment gateway, the booking API on 127.0.0.1,
 * and one worker process per function, waiting until every worker is ready.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const clients = createClients({ endpoint: options.endpoint.endpoints, region: options.endpoint.region, local: options.endpoint.local });
  const apiCalls = countCalls(clients);
  const apiUsage = meterUsage(clients);
  let workerLog: WorkerLog | undefined;
  const started = teardown(async () => clients.destroy());
  const stop = started.run;
  try {
    const gateway = await startGateway({
      clock: options.clock,
      ...(options.ledgerFile ? { ledgerFile: options.ledgerFile } : {}),
      ...(options.gatewayPolicy ? { policy: options.gatewayPolicy } : {}),
      ...(options.gatewayPort ? { port: options.gatewayPort } : {}),
    });
    started.push(() => gateway.close());
    let decidedHere = 0;
    const { resources, profile, deployedSabotage } = await readWorkerSetup(clients, options.stack, gateway.url);
    const runSabotage = sabotageOfRun(options.sabotage ?? [], deployedSabotage, options.stack);
    // The functions this process hosts (the booking API, the direct chain, the reconciler) take the run's sabotage as the workers do.
    const sabotage = runSabotage.length > 0 ? { sabotage: new Set(runSabotage) } : {};
    const context: FunctionContext = { clients, resources, clock: options.clock, ...sabotage, onDecided: () => (decidedHere += 1) };
    // An API served elsewhere is closed by its host, not by this storm.
    const api: BookingServer = options.api ? { url: options.api, close: async () => {} } : await startBookingServer(context, { invocation: apiUsage.invocation });
    started.push(() => api.close());
    // With workers none the supervisor has nothing to run: booksim worker hosts the functions elsewhere.
    const supervisor = workerSupervisor({
      functions: options.workers === 'none' ? [] : stackFunctions(context.resources.names),
      concurrency: options.concurrency,
      endpoint: options.workerEndpoint ?? options.endpoint.endpoints,
      region: options.endpoint.region,
      stack: options.stack,
      gatewayUrl: gateway.url,
      profile,
      sabotage: runSabotage,
      ...(options.workerScript ? { script: options.workerScript } : {}),
    });
    if (options.workerLogFile) {
      const log = recordWorkerLog(supervisor, options.workerLogFile, options.clock);
      workerLog = log;
      // Closed after the workers stopped: a draining worker may still log.
      started.push(() => log.close());
    }
    started.push(() => supervisor.stop());
    await supervisor.start();
    const reconciler = startReconciler(context, profile, (entry) => workerLog?.write(entry));
    // Stopped before the workers and the gateway: a pass in progress may still call both.
    started.push(() => reconciler.stop());
    return {
      context,
      gateway,
      api,
      supervisor,
      profile,
      sabotage: runSabotage,
      apiCalls: () => apiCalls.snapshot(),
      apiCallsByBooking: () => apiCalls.byBooking(),
      workerLogEntries: () => workerLog?.entries() ?? 0,
      reconciler: () => reconciler.state(),
      decided: () => decidedHere + supervisor.decided(),
      workerCalls: () => supervisor.calls(),
      workerCallsByBooking: () => supervisor.callsByBooking(),
      apiUsage: () => ({ total: apiUsage.total(), byBooking: apiUsage.byBooking() }),
      workerUsage: () => supervisor.usage(),
      stop,
    };
  } catch (error) {
    await stop();
    throw startFailure(error, options);
  }
}

/**
 * The sabotage of a run on a stack: what the storm asks for, and what the stack's saga was
 * deployed with (its workers must take that too: no-heartbeat's workers skip their
 * heartbeats), in catalog order. A sabotage of the definition that the stack's saga was
 * deployed without cannot be switched on by the storm: a usage error.
 */
export function sabotageOfRun(asked: readonly Sabotage[], deployed: readonly Sabotage[], stack: string): Sabotage[] {
  const missing = asked.find((name) => sabotageCatalog[name].deployed && !deployed.includes(name));
  if (missing !== undefined) {
    throw new BooksimError(`stack ${stack}'s saga was deployed without ${missing}, a sabotage of the saga's definition`, ExitCode.usage, [
      `Run \`booksim deploy --stack ${stack} --sabotage ${missing}\` first (booksim run deploys it itself).`,
    ]);
  }
  return sabotageNames.filter((name) => asked.includes(name) || deployed.includes(name));
}

/**
 * Why the system could not start, as the user is told it, in a line: a worker that could
 * name its failure, with the AWS call, what AWS answered and which endpoint to check (the
 * user's, not the chaos proxy in front of it); an AWS error of this process's own look-ups
 * with the call and its endpoint. Anything else (a bug) as it is.
 */
export function startFailure(error: unknown, { endpoint, stack }: Pick<SystemOptions, 'endpoint' | 'stack'>): unknown {
  if (!(error instanceof WorkerStartError)) return awsFailure(error, `look up stack ${stack}`, endpoint.display);
  const { failure } = error;
  if (failure?.kind === 'aws') {
    return new BooksimError(error.message, ExitCode.environment, [
      `Is the endpoint for ${failure.service} (${endpoint.endpoints[failure.service]}) up, and the one the stack was deployed to? Run \`booksim status --stack ${stack}\`.`,
    ]);
  }
  if (failure?.kind === 'booksim') return new BooksimError(error.message, failure.exitCode, failure.suggestions);
  return error;
}

interface WorkerLog {
  write(entry: object): void;
  entries(): number;
  close(): Promise<void>;
}

/** Appends the supervisor's log and exit events to `file` as JSON lines, each with its time: what a run keeps of its workers' troubles. */
function recordWorkerLog(supervisor: Supervisor, file: string, clock: Clock): WorkerLog {
  const out = createWriteStream(file, { flags: 'a' });
  let entries = 0;
  const write = (entry: object) => {
    entries += 1;
    out.write(`${JSON.stringify({ at: new Date(clock.now()).toISOString(), ...entry })}\n`);
  };
  supervisor.on('log', write);
  supervisor.on('exit', ({ stderr, ...exit }) => write({ kind: 'worker-exit', ...exit, message: stderr.trim().split('\n').at(-1) ?? '' }));
  return {
    write,
    entries: () => entries,
    close: () => new Promise((resolve) => out.end(resolve)),
  };
}

/**
 * Runs the reconciler (src/functions/reconciler.ts) in this process on the profile's
 * schedule, as the runtime hosts a scheduled function, keeping the distinct bookings it
 * recovered and its last count of bookings waiting for it (the storm is not settled
 * before that is 0).
 */
function startReconciler(ctx: FunctionContext, profile: TimingProfileName, log: RuntimeLogger): { state(): ReconcilerState; stop(): Promise<void> } {
  const timing = timingProfile(profile).reconciler;
  const recovered = { restarted: new Set<string>(), refunded: new Set<string>(), gaveUp: new Set<string>() };
  let waiting = 0;
  let lookedAt: number | undefined;
  const stop = new AbortController();
  const loop = runReconciler({
    ctx,
    intervalMs: timing.intervalSeconds * 1000,
    stuckAfterMs: timing.stuckAfterSeconds * 1000,
    maxAttempts: timing.maxAttempts,
    signal: stop.signal,
    log,
    onReport: (report, startedAt) => {
      report.restarted.forEach((id) => recovered.restarted.add(id));
      report.refunded.forEach((id) => recovered.refunded.add(id));
      report.gaveUp.forEach((id) => recovered.gaveUp.add(id));
      waiting = report.waiting;
      lookedAt = startedAt;
    },
  });
  return {
    state: () => ({ restarted: recovered.restarted.size, refunded: recovered.refunded.size, gaveUp: recovered.gaveUp.size, waiting, ...(lookedAt === undefined ? {} : { lookedAt }) }),
    stop: async () => {
      stop.abort();
      await loop;
    },
  };
}
