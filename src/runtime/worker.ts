import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { paginateListActivities } from '@aws-sdk/client-sfn';
import { createClients, type AwsClients } from '../aws/clients.js';
import type { FaultLogEntry, FaultLogger, Sabotage } from '../model/fault.js';
import type { ServiceKey } from '../aws/endpoint.js';
import { awsAnswer } from '../aws/errors.js';
import { failedCallOf, failedCallText } from '../aws/failed-calls.js';
import { systemClock } from '../clock.js';
import { sagaTasks, timingProfile, type SagaTask, type TimingProfileName } from '../deploy/saga-profiles.js';
import { isStreamFunction, queueOf, streamFunctions, type StreamFunction } from '../deploy/stack.js';
import { BooksimError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { FunctionContext, FunctionRegistry, FunctionResources } from '../functions/model.js';
import type { SagaInput } from '../model/booking.js';
import { seededRandom, type Random } from '../random.js';
import { pollActivity } from './activity-poller.js';
import { bookingScope, countCalls, type BookingCalls, type CallCounts } from './call-counter.js';
import { pollQueue } from './queue-poller.js';
import { pause } from '../async.js';
import type { RuntimeLog } from './runtime-log.js';

/** What one worker process hosts: a queue function or one saga activity. */
export type WorkerFunction = StreamFunction | SagaTask;

/** A worker's configuration, passed as JSON in {@link workerConfigVariable}. */
export interface WorkerConfig {
  /** One endpoint for every service, or one per service (as resolveEndpoint gives them). */
  endpoint: string | Record<ServiceKey, string>;
  region: string;
  stack: string;
  gatewayUrl: string;
  profile: TimingProfileName;
  function: WorkerFunction;
  /** Message groups (queue functions) or tasks (activities) handled at once. */
  concurrency: number;
  /** Delay paid by the first invocation: a cold start (docs/design.md, Faults). A worker not yet invoked takes a new value from its parent ({@link ParentMessage}). */
  coldStartMs: number;
  /** How often call counts and CPU time are reported to the parent; default 1000. */
  reportMs?: number;
  /** Faults injected inside the worker (src/chaos/workers.ts sets them, and changes them through {@link ParentMessage}); none in a normal run. */
  faults?: WorkerFaults;
  /** Safeguards the hosted functions switch off on purpose (FunctionContext.sabotage). */
  sabotage?: Sabotage[];
}

/** The faults a worker injects itself, each logged to its parent as a `fault` message. */
export interface WorkerFaults {
  /** Share (0–1) of deliveries handed to the handler twice: queue messages, activity tasks. */
  duplicateDeliveryRate?: number;
  /** Share (0–1) of queue messages the worker sits on for `ms` before handling them, as a standard queue may deliver late. */
  lateDelivery?: { rate: number; ms: number };
  /** Seeds the duplicate and late draws (with the hosted function's name, so workers do not draw alike); default 0. A new seed starts a new sequence. */
  seed?: number;
  /**
   * Per saga task, a pause before its handler runs and after each heartbeat the handler
   * sends: work that keeps the task alive for a few heartbeats, so that a worker can be
   * killed mid-task (crash-mid-heartbeat) in a profile whose tasks are otherwise quick.
   */
  taskWorkMs?: Partial<Record<SagaTask, number>>;
}

/** The environment variable a worker reads its {@link WorkerConfig} from. */
export const workerConfigVariable = 'BOOKSIM_WORKER_CONFIG';

/** What a worker's settings a running worker takes from its parent: the faults of a chaos window opening or closing. */
export type WorkerSettings = Partial<Pick<WorkerConfig, 'coldStartMs' | 'faults'>>;

/** What the parent tells a worker over IPC: new settings, merged into its configuration (`faults` key by key). */
export type ParentMessage = { type: 'configure'; settings: WorkerSettings };

/** What a worker tells its parent over IPC. `calls` carries the worker's totals so far (by operation, and those of them attributed to a booking), not a delta. */
export type WorkerMessage =
  /** `cpuMs`: the CPU time start-up took ({@link processCpuMs}), which the parent leaves out of the worker's CPU. */
  | { type: 'ready'; function: WorkerFunction; cpuMs: number }
  | { type: 'calls'; counts: CallCounts; byBooking: BookingCalls }
  /** The CPU time (user + system, ms) the worker process has used since it started: a total, not a delta. */
  | { type: 'cpu'; ms: number }
  /** A task heartbeat: whose task, and the bookings of every task the worker holds (what killing it would take down). */
  | { type: 'heartbeat'; function: WorkerFunction; bookingId?: string; holding: string[] }
  /** A fault the worker injected (duplicate delivery, cold start); the parent adds the time. */
  | { type: 'fault'; entry: Omit<FaultLogEntry, 'at'> }
  | { type: 'log'; entry: RuntimeLog }
  /** Why the worker is about to exit with an error, when it can say (a bug is told by its stack trace on stderr). */
  | { type: 'failed'; failure: WorkerFailure }
  /** Sent last, by worker-main: once it is flushed, every message before it has been too. */
  | { type: 'flush' };

/**
 * Why a worker could not go on, in words its parent can pass to the user: an AWS call
 * that failed (the service and operation, and what AWS answered), or a BooksimError.
 */
export type WorkerFailure =
  | { kind: 'aws'; service: ServiceKey; operation: string; answer: string }
  | { kind: 'booksim'; message: string; exitCode: ExitCodeValue; suggestions: string[] };

/** The failure an error is, when a worker can name it; undefined for anything else (a bug). */
export function workerFailureOf(error: unknown): WorkerFailure | undefined {
  if (error instanceof BooksimError) return { kind: 'booksim', message: error.message, exitCode: error.exitCode, suggestions: error.suggestions };
  const call = failedCallOf(error);
  const answer = awsAnswer(error);
  return call && answer ? { kind: 'aws', service: call.service, operation: call.operation, answer } : undefined;
}

/** A failure in one line: `dynamodb DescribeTable answered InternalServerError: …`, or the BooksimError's message. */
export function failureText(failure: WorkerFailure): string {
  return failure.kind === 'aws' ? failedCallText(failure, failure.answer) : failure.message;
}

/** What a worker is given besides its configuration, so that it can run without a process around it (tests). */
export interface WorkerDependencies {
  registry: FunctionRegistry;
  resolveResources(clients: AwsClients, stack: string, gatewayUrl: string): Promise<FunctionResources>;
  send(message: WorkerMessage): void;
  /** Subscribes to the parent's new settings ({@link ParentMessage}); none without a parent. */
  onSettings?(listener: (settings: WorkerSettings) => void): void;
}

/** Settings merged into a configuration: `faults` key by key, so one window's change leaves the others' faults alone. */
export function withSettings<T extends WorkerSettings>(config: T, settings: WorkerSettings): T {
  return {
    ...config,
    ...(settings.coldStartMs === undefined ? {} : { coldStartMs: settings.coldStartMs }),
    ...(settings.faults === undefined ? {} : { faults: { ...config.faults, ...settings.faults } }),
  };
}

/** The CPU time (user + system, ms) this process has used since it started. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Every function a worker can host. */
export const workerFunctions: readonly WorkerFunction[] = [...streamFunctions, ...sagaTasks];
const hostable: ReadonlySet<string> = new Set(workerFunctions);

/** Reads and checks the worker's configuration from its environment; throws a BooksimError when it is missing or malformed. */
export function readWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const text = env[workerConfigVariable];
  if (!text) throw new BooksimError(`${workerConfigVariable} is not set: a worker is started by booksim's supervisor`);
  const config = JSON.parse(text) as WorkerConfig;
  if (!hostable.has(config.function)) throw new BooksimError(`a worker cannot host "${config.function}"`);
  return config;
}

/**
 * Runs one worker until `signal` aborts: builds counted clients and the function context,
 * finds its queue (GetQueueUrl) or activity (ListActivities), says `ready`, and polls,
 * invoking the configured handler; the first invocation waits `coldStartMs`. Sends the
 * call counts (and the calls per booking) every `reportMs` (when they changed) and once
 * more at the end, the process's CPU time with each of those reports, a `heartbeat`
 * message for every heartbeat sent (with the bookings of the tasks held), the pollers' logs, and a `fault` message for every fault of
 * `config.faults` it injects (and for the cold start, when there is one).
 * Resolves after the poller has stopped (in-flight work finished or given up on).
 */
export async function runWorker(config: WorkerConfig, deps: WorkerDependencies, signal: AbortSignal): Promise<void> {
  // Five attempts, not the SDK's three: functions facing throttling do so in production, and the chaos proxy throttles them.
  const clients = createClients({ endpoint: config.endpoint, region: config.region, maxAttempts: 5 });
  const counter = countCalls(clients);
  let reported = '';
  const reportCalls = () => {
    const counts = counter.snapshot();
    const text = JSON.stringify(counts);
    // Every attributed call is counted by operation too: unchanged counts mean unchanged per-booking totals.
    if (text !== reported) deps.send({ type: 'calls', counts, byBooking: counter.byBooking() });
    reported = text;
  };
  // Sent with every report, not only at the end: a killed worker's CPU until its last report still counts.
  const report = () => {
    reportCalls();
    deps.send({ type: 'cpu', ms: processCpuMs() });
  };
  const reporter = setInterval(report, config.reportMs ?? 1000);
  try {
    const ctx: FunctionContext = {
      clients,
      resources: await deps.resolveResources(clients, config.stack, config.gatewayUrl),
      clock: systemClock,
      sabotage: new Set(config.sabotage),
    };
    const faults = workerFaults(config, (entry) => deps.send({ type: 'fault', entry }));
    deps.onSettings?.(faults.update);
    const host: Host = { config, deps, ctx, signal, faults };
    const fn = config.function;
    // A third kind of function, the reconciler's loop (src/runtime/reconciler-loop.ts), polls neither: it gets its own host here.
    if (isStreamFunction(fn)) await hostQueueFunction(host, fn);
    else await hostActivity(host, fn);
  } finally {
    clearInterval(reporter);
    report();
    clients.destroy();
  }
}

/** What hosting a function takes: the worker's configuration, its context, and the faults it injects. */
interface Host {
  config: WorkerConfig;
  deps: WorkerDependencies;
  ctx: FunctionContext;
  signal: AbortSignal;
  faults: WorkerFaultInjector;
}

/** Polls the function's queue until the signal aborts. */
async function hostQueueFunction({ config, deps, ctx, signal, faults }: Host, fn: StreamFunction): Promise<void> {
  const queue = queueOf(ctx.resources.names, fn);
  if (!queue) throw new Error(`the ${ctx.resources.topology} topology has no queue for the ${fn} function: the booking API calls it`);
  const { QueueUrl } = await ctx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
  const profile = timingProfile(config.profile);
  deps.send({ type: 'ready', function: fn, cpuMs: processCpuMs() });
  await pollQueue({
    sqs: ctx.clients.sqs,
    sfn: ctx.clients.sfn,
    queueUrl: QueueUrl!,
    handler: async (record, shared) => {
      await faults.warmUp();
      return deps.registry.queues[fn](record, ctx, shared);
    },
    concurrency: config.concurrency,
    waitTimeSeconds: profile.queueWaitSeconds,
    maxRetryHoldSeconds: profile.retryHoldSeconds,
    signal,
    log: (entry) => deps.send({ type: 'log', entry }),
    duplicate: faults.duplicate,
    late: faults.late,
  });
}

/** Polls the task's activity until the signal aborts. */
async function hostActivity({ config, deps, ctx, signal, faults }: Host, fn: SagaTask): Promise<void> {
  const activityArn = await findActivity(ctx.clients, ctx.resources.names.activities[fn]);
  // No timer at all in a run without the fault.
  const work = async () => {
    const ms = faults.workMs();
    if (ms > 0) await pause(ms);
  };
  deps.send({ type: 'ready', function: fn, cpuMs: processCpuMs() });
  await pollActivity({
    sfn: ctx.clients.sfn,
    activityArn,
    workerName: `booksim-${fn}-${process.pid}`,
    handler: async (input, heartbeat) => {
      await faults.warmUp();
      await work();
      const heartbeatThenWork = async () => {
        await heartbeat();
        await work();
      };
      return deps.registry.activities[fn](input as SagaInput & Record<string, unknown>, { ...ctx, heartbeat: heartbeatThenWork });
    },
    heartbeatSeconds: timingProfile(config.profile).activities[fn].heartbeatSeconds,
    concurrency: config.concurrency,
    signal,
    onHeartbeat: (heartbeat) => deps.send({ type: 'heartbeat', function: fn, ...heartbeat }),
    log: (entry) => deps.send({ type: 'log', entry }),
    duplicate: faults.duplicate,
  });
}

/** The faults a worker injects into its own invocations, as its current settings say. */
interface WorkerFaultInjector {
  /** Resolves at once, except for the first invocation, which pays the cold start. */
  warmUp(): Promise<void>;
  /** Whether this delivery goes to the handler twice (drawn, and logged when it does). */
  duplicate(bookingId: string | undefined): boolean;
  /** How many ms this queue message waits before its handler runs (drawn, and logged when it does); 0 for none. */
  late(bookingId: string | undefined): number;
  /** The pause a task's work takes now (taskWorkMs of the hosted task; 0 for queue functions). */
  workMs(): number;
  /** Takes new settings from the parent. */
  update(settings: WorkerSettings): void;
}

function workerFaults(initial: WorkerConfig, log: FaultLogger): WorkerFaultInjector {
  const fn = initial.function;
  let config = initial;
  let warming: Promise<void> | undefined;
  const coldStart = async () => {
    const ms = config.coldStartMs;
    if (ms <= 0) return;
    // Called in the first invocation's booking scope: the booking that paid for it.
    const bookingId = bookingScope.getStore();
    log({ fault: 'cold-start', action: `first invocation of ${fn} waits ${ms} ms`, ...(bookingId ? { bookingId } : {}), detail: { function: fn, ms } });
    await pause(ms);
  };
  // Each fault and function draws its own sequence, anew when the seed changes; a restarted worker draws the same one again (reproducible runs).
  const seededDraws = (label: string) => {
    let seed: number | undefined;
    let random: Random = () => 1;
    return () => {
      if (seed !== (config.faults?.seed ?? 0)) {
        seed = config.faults?.seed ?? 0;
        random = seededRandom([...label].reduce((hash, char) => Math.imul(hash, 31) + char.charCodeAt(0), seed));
      }
      return random();
    };
  };
  const duplicateDraw = seededDraws(fn);
  const lateDraw = seededDraws(`${fn} late`);
  return {
    warmUp: () => (warming ??= coldStart()),
    duplicate: (bookingId) => {
      const rate = config.faults?.duplicateDeliveryRate ?? 0;
      if (rate <= 0 || !(duplicateDraw() < rate)) return false;
      log({ fault: 'duplicate-delivery', action: `delivered twice to ${fn}`, ...(bookingId ? { bookingId } : {}), detail: { function: fn } });
      return true;
    },
    late: (bookingId) => {
      const { rate = 0, ms = 0 } = config.faults?.lateDelivery ?? {};
      if (rate <= 0 || ms <= 0 || !(lateDraw() < rate)) return 0;
      log({ fault: 'late-delivery', action: `${fn} gets a message ${ms} ms late`, ...(bookingId ? { bookingId } : {}), detail: { function: fn, ms } });
      return ms;
    },
    workMs: () => (isStreamFunction(fn) ? 0 : (config.faults?.taskWorkMs?.[fn] ?? 0)),
    update: (settings) => (config = withSettings(config, settings)),
  };
}

/** The ARN of the activity with this name, as the endpoint reports it (ARNs are never built). */
async function findActivity(clients: AwsClients, name: string): Promise<string> {
  for await (const page of paginateListActivities({ client: clients.sfn }, {})) {
    const found = page.activities?.find((activity) => activity.name === name);
    if (found?.activityArn) return found.activityArn;
  }
  throw new BooksimError(`activity ${name} does not exist: run \`booksim deploy\` first`, ExitCode.environment);
}
