import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { paginateListActivities } from '@aws-sdk/client-sfn';
import { createClients, type AwsClients } from '../aws/clients.js';
import { systemClock } from '../clock.js';
import { timingProfile, type SagaTask } from '../deploy/saga-profiles.js';
import { isStreamFunction, queueOf, type StreamFunction } from '../deploy/stack.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { FunctionContext, FunctionRegistry, FunctionResources } from '../functions/model.js';
import type { SagaInput } from '../model/booking.js';
import { pollActivity } from './activity-poller.js';
import { countCalls } from './call-counter.js';
import { decisionReporter } from './decision-reporter.js';
import { pollQueue } from './queue-poller.js';
import { pause } from '../async.js';
import { meterUsage, type UsageMeter } from './usage-meter.js';
import { workerFaults, type WorkerFaultInjector } from './worker-faults.js';
import type { WorkerConfig, WorkerMessage, WorkerSettings } from './worker-messages.js';

/** What a worker is given besides its configuration, so that it can run without a process around it (tests). */
export interface WorkerDependencies {
  registry: FunctionRegistry;
  resolveResources(clients: AwsClients, stack: string, gatewayUrl: string): Promise<FunctionResources>;
  send(message: WorkerMessage): void;
  /** Subscribes to the parent's new settings ({@link ParentMessage}); none without a parent. */
  onSettings?(listener: (settings: WorkerSettings) => void): void;
}

/** The CPU time (user + system, ms) this process has used since it started. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs one worker until `signal` aborts: builds counted clients and the function context,
 * finds its queue (GetQueueUrl) or activity (ListActivities), says `ready`, and polls,
 * invoking the configured handler; the first invocation waits `coldStartMs`. Sends the
 * call counts (and the calls per booking) every `reportMs` (when they changed) and once
 * more at the end, with them the billed usage when it changed (src/runtime/usage-meter.ts:
 * each handler run timed as one Lambda invocation), the process's CPU time with each of those reports, the bookings its
 * function decided so far within 100 ms of a decision (src/runtime/decision-reporter.ts), a `heartbeat`
 * message for every heartbeat sent (with the bookings of the tasks held), the pollers' logs, and a `fault` message for every fault of
 * `config.faults` it injects (and for the cold start, when there is one).
 * Resolves after the poller has stopped (in-flight work finished or given up on).
 */
export async function runWorker(config: WorkerConfig, deps: WorkerDependencies, signal: AbortSignal): Promise<void> {
  // Five attempts, not the SDK's three: functions facing throttling do so in production, and the chaos proxy throttles them.
  const clients = createClients({ endpoint: config.endpoint, region: config.region, maxAttempts: 5 });
  const counter = countCalls(clients);
  const usage = meterUsage(clients);
  let reported = '';
  const reportCalls = () => {
    const counts = counter.snapshot();
    const text = JSON.stringify(counts);
    // Every attributed call is counted by operation too: unchanged counts mean unchanged per-booking totals.
    if (text !== reported) deps.send({ type: 'calls', counts, byBooking: counter.byBooking() });
    reported = text;
    const used = usage.report();
    if (used) deps.send({ type: 'usage', ...used });
  };
  const decisions = decisionReporter(deps.send);
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
      onDecided: decisions.decided,
    };
    const faults = workerFaults(config, (entry) => deps.send({ type: 'fault', entry }));
    deps.onSettings?.(faults.update);
    const host: Host = { config, deps, ctx, signal, faults, usage };
    const fn = config.function;
    // A third kind of function, the reconciler's loop (src/runtime/reconciler-loop.ts), polls neither: it gets its own host here.
    if (isStreamFunction(fn)) await hostQueueFunction(host, fn);
    else await hostActivity(host, fn);
  } finally {
    clearInterval(reporter);
    report();
    decisions.flush();
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
  /** Times each handler run as one Lambda invocation (src/runtime/usage-meter.ts). */
  usage: UsageMeter;
}

/** Polls the function's queue until the signal aborts. */
async function hostQueueFunction({ config, deps, ctx, signal, faults, usage }: Host, fn: StreamFunction): Promise<void> {
  const queue = queueOf(ctx.resources.names, fn);
  if (!queue) throw new Error(`the ${ctx.resources.topology} topology has no queue for the ${fn} function: the booking API calls it`);
  const { QueueUrl } = await ctx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
  const profile = timingProfile(config.profile);
  deps.send({ type: 'ready', function: fn, cpuMs: processCpuMs() });
  await pollQueue({
    sqs: ctx.clients.sqs,
    sfn: ctx.clients.sfn,
    queueUrl: QueueUrl!,
    // One invocation per message handed over, as an SQS-triggered Lambda with a batch size of 1 is invoked.
    handler: (record, shared) =>
      usage.invocation(async () => {
        await faults.beforeInvocation();
        return deps.registry.queues[fn](record, ctx, shared);
      }),
    concurrency: config.concurrency,
    waitTimeSeconds: profile.queueWaitSeconds,
    maxRetryHoldSeconds: profile.retryHoldSeconds,
    signal,
    log: (entry) => deps.send({ type: 'log', entry }),
    duplicate: faults.duplicate,
    late: faults.late,
    ackBeforeWork: ctx.sabotage?.has('ack-before-work'),
  });
}

/** Polls the task's activity until the signal aborts. */
async function hostActivity({ config, deps, ctx, signal, faults, usage }: Host, fn: SagaTask): Promise<void> {
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
    // One invocation per task run, as a Lambda task of the saga is invoked.
    handler: (input, heartbeat) =>
      usage.invocation(async () => {
        await faults.beforeInvocation();
        await work();
        const heartbeatThenWork = async () => {
          await heartbeat();
          await work();
        };
        return deps.registry.activities[fn](input as SagaInput & Record<string, unknown>, { ...ctx, heartbeat: heartbeatThenWork });
      }),
    heartbeatSeconds: timingProfile(config.profile).activities[fn].heartbeatSeconds,
    concurrency: config.concurrency,
    signal,
    onHeartbeat: (heartbeat) => deps.send({ type: 'heartbeat', function: fn, ...heartbeat }),
    sendHeartbeats: !ctx.sabotage?.has('no-heartbeat'),
    log: (entry) => deps.send({ type: 'log', entry }),
    duplicate: faults.duplicate,
  });
}

/** The ARN of the activity with this name, as the endpoint reports it (ARNs are never built). */
async function findActivity(clients: AwsClients, name: string): Promise<string> {
  for await (const page of paginateListActivities({ client: clients.sfn }, {})) {
    const found = page.activities?.find((activity) => activity.name === name);
    if (found?.activityArn) return found.activityArn;
  }
  throw new BooksimError(`activity ${name} does not exist: run \`booksim deploy\` first`, ExitCode.environment);
}
