import type { ServiceKey } from '../aws/endpoint.js';
import { awsAnswer } from '../aws/errors.js';
import { failedCallOf, failedCallText } from '../aws/failed-calls.js';
import { sagaTasks, type SagaTask, type TimingProfileName } from '../deploy/saga-profiles.js';
import { streamFunctions, type StreamFunction } from '../deploy/stack.js';
import { BooksimError, type ExitCodeValue } from '../errors.js';
import type { FaultReport } from '../model/fault.js';
import type { Sabotage } from '../model/sabotage.js';
import type { BookingCalls, CallCounts } from './call-counter.js';
import type { RuntimeLog } from './runtime-log.js';
import type { UsageReport } from './usage-meter.js';

/**
 * What a worker process and its parent say to each other: the configuration a worker
 * starts with (from its environment), the settings its parent changes while it runs, and
 * the messages of both ways over IPC. The worker itself is src/runtime/worker.ts, its
 * parent src/runtime/supervisor.ts.
 */

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
  /** Faults injected inside the worker (the worker fault packages of src/faults/worker/ set them, and changes them through {@link ParentMessage}); none in a normal run. */
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
  /** Per saga task, the share (0–1) of its tasks that take `ms` longer before their handler runs, heartbeating all along (slow-task: slow, no errors). */
  slowTask?: Partial<Record<SagaTask, { rate: number; ms: number }>>;
  /** Per saga task, how many of its tasks the worker gets stuck in (stuck-task): the handler never runs nor returns, the heartbeats go on. */
  stuckTask?: Partial<Record<SagaTask, number>>;
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
  /** The billed usage so far (total), and that of the bookings whose usage changed since the previous `usage` message. */
  | ({ type: 'usage' } & UsageReport)
  /** The CPU time (user + system, ms) the worker process has used since it started: a total, not a delta. */
  | { type: 'cpu'; ms: number }
  /** Bookings the worker's function has moved to a final status so far (FunctionContext.onDecided): a total, not a delta. */
  | { type: 'decided'; total: number }
  /** A task heartbeat: whose task, and the bookings of every task the worker holds (what killing it would take down). */
  | { type: 'heartbeat'; function: WorkerFunction; bookingId?: string; holding: string[] }
  /** A fault the worker injected (duplicate delivery, cold start); the parent adds the time. */
  | { type: 'fault'; entry: FaultReport }
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

/** Settings merged into a configuration: `faults` key by key, so one window's change leaves the others' faults alone. */
export function withSettings<T extends WorkerSettings>(config: T, settings: WorkerSettings): T {
  return {
    ...config,
    ...(settings.coldStartMs === undefined ? {} : { coldStartMs: settings.coldStartMs }),
    ...(settings.faults === undefined ? {} : { faults: { ...config.faults, ...settings.faults } }),
  };
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
