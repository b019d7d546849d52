import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { paginateListActivities } from '@aws-sdk/client-sfn';
import { createClients, type AwsClients } from '../aws/clients.js';
import type { ServiceKey } from '../aws/endpoint.js';
import { systemClock } from '../clock.js';
import { sagaTasks, timingProfile, type SagaTask, type TimingProfileName } from '../deploy/saga-profiles.js';
import { BooksimError } from '../errors.js';
import type { ActivityHandler, FunctionContext, FunctionResources, PaymentOutcome, QueueRecord, SagaInput } from '../functions/model.js';
import { pollActivity } from './activity-poller.js';
import { countCalls, type BookingCalls, type CallCounts } from './call-counter.js';
import { pollQueue } from './queue-poller.js';
import { pause, type RuntimeLog } from './runtime-log.js';

/** What one worker process hosts: a queue function or one saga activity. */
export type WorkerFunction = 'inventory' | 'payment' | SagaTask;

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
  /** Delay paid by the first invocation: a cold start (DESIGN.md §3). */
  coldStartMs: number;
  /** How often call counts are reported to the parent; default 1000. */
  reportMs?: number;
}

/** The environment variable a worker reads its {@link WorkerConfig} from. */
export const workerConfigVariable = 'BOOKSIM_WORKER_CONFIG';

/** What a worker tells its parent over IPC. `calls` carries the worker's totals so far (by operation, and those of them attributed to a booking), not a delta. */
export type WorkerMessage =
  | { type: 'ready'; function: WorkerFunction }
  | { type: 'calls'; counts: CallCounts; byBooking: BookingCalls }
  | { type: 'heartbeat'; function: WorkerFunction }
  | { type: 'log'; entry: RuntimeLog }
  /** Sent last, by worker-main: once it is flushed, every message before it has been too. */
  | { type: 'flush' };

/** The handlers a worker can host (src/functions/registry.ts provides them). */
export interface FunctionRegistry {
  queues: {
    inventory: (record: QueueRecord, ctx: FunctionContext) => Promise<void>;
    payment: (record: QueueRecord, ctx: FunctionContext) => Promise<PaymentOutcome>;
  };
  activities: Record<SagaTask, ActivityHandler>;
}

/** What a worker is given besides its configuration, so that it can run without a process around it (tests). */
export interface WorkerDependencies {
  registry: FunctionRegistry;
  resolveResources(clients: AwsClients, stack: string, gatewayUrl: string): Promise<FunctionResources>;
  send(message: WorkerMessage): void;
}

const workerFunctions: ReadonlySet<string> = new Set(['inventory', 'payment', ...sagaTasks]);

/** Reads and checks the worker's configuration from its environment; throws a BooksimError when it is missing or malformed. */
export function readWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const text = env[workerConfigVariable];
  if (!text) throw new BooksimError(`${workerConfigVariable} is not set: a worker is started by booksim's supervisor`);
  const config = JSON.parse(text) as WorkerConfig;
  if (!workerFunctions.has(config.function)) throw new BooksimError(`a worker cannot host "${config.function}"`);
  return config;
}

/**
 * Runs one worker until `signal` aborts: builds counted clients and the function context,
 * finds its queue (GetQueueUrl) or activity (ListActivities), says `ready`, and polls,
 * invoking the configured handler; the first invocation waits `coldStartMs`. Sends the
 * call counts (and the calls per booking) every `reportMs` (when they changed) and once
 * more at the end, a `heartbeat` message for every heartbeat sent, and the pollers' logs.
 * Resolves after the poller has stopped (in-flight work finished or given up on).
 */
export async function runWorker(config: WorkerConfig, deps: WorkerDependencies, signal: AbortSignal): Promise<void> {
  const clients = createClients({ endpoint: config.endpoint, region: config.region });
  const counter = countCalls(clients);
  let reported = '';
  const reportCalls = () => {
    const counts = counter.snapshot();
    const text = JSON.stringify(counts);
    // Every attributed call is counted by operation too: unchanged counts mean unchanged per-booking totals.
    if (text !== reported) deps.send({ type: 'calls', counts, byBooking: counter.byBooking() });
    reported = text;
  };
  const reporter = setInterval(reportCalls, config.reportMs ?? 1000);
  try {
    const ctx: FunctionContext = { clients, resources: await deps.resolveResources(clients, config.stack, config.gatewayUrl), clock: systemClock };
    let warming: Promise<void> | undefined;
    const warmUp = () => (warming ??= pause(config.coldStartMs));
    const log = (entry: RuntimeLog) => deps.send({ type: 'log', entry });
    const fn = config.function;
    if (fn === 'inventory' || fn === 'payment') {
      const queueName = fn === 'inventory' ? ctx.resources.names.inventoryQueue : ctx.resources.names.paymentQueue;
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      deps.send({ type: 'ready', function: fn });
      await pollQueue({
        sqs: clients.sqs,
        sfn: clients.sfn,
        queueUrl: QueueUrl!,
        handler: async (record) => {
          await warmUp();
          return deps.registry.queues[fn](record, ctx);
        },
        concurrency: config.concurrency,
        waitTimeSeconds: timingProfile(config.profile).queueWaitSeconds,
        signal,
        log,
      });
    } else {
      const activityArn = await findActivity(clients, ctx.resources.names.activities[fn]);
      deps.send({ type: 'ready', function: fn });
      await pollActivity({
        sfn: clients.sfn,
        activityArn,
        workerName: `booksim-${fn}-${process.pid}`,
        handler: async (input, heartbeat) => {
          await warmUp();
          return deps.registry.activities[fn](input as SagaInput & Record<string, unknown>, { ...ctx, heartbeat });
        },
        heartbeatSeconds: timingProfile(config.profile).activities[fn].heartbeatSeconds,
        concurrency: config.concurrency,
        signal,
        onHeartbeat: () => deps.send({ type: 'heartbeat', function: fn }),
        log,
      });
    }
  } finally {
    clearInterval(reporter);
    reportCalls();
    clients.destroy();
  }
}

/** The ARN of the activity with this name, as the endpoint reports it (ARNs are never built). */
async function findActivity(clients: AwsClients, name: string): Promise<string> {
  for await (const page of paginateListActivities({ client: clients.sfn }, {})) {
    const found = page.activities?.find((activity) => activity.name === name);
    if (found?.activityArn) return found.activityArn;
  }
  throw new BooksimError(`activity ${name} does not exist: run \`booksim deploy\` first`);
}
