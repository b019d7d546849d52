// The load of the endpoint benchmark: concurrent SQS send → receive → delete loops through
// the AWS SDK, counted over a fixed window after a warm-up. It measures and never prints.

import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type ReceiveMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createClients } from '../../src/aws/clients.js';
import { latencyRecorder, percentiles, type LatencyRecorder } from '../../src/load/histograms.js';

/** Time given to round trips still running at the deadline before their calls are aborted. */
const abortGraceMs = 5000;
/** Pause after a failed round trip, so that a dead server is not hammered in a tight loop. */
const errorPauseMs = 10;
const maxErrorSamples = 5;

/** Reads the CPU ms some process has used so far; undefined when it cannot be read. */
export type CpuMeter = () => number | undefined;

export interface RoundTripOptions {
  endpoint: string;
  loops: number;
  seconds: number;
  warmupSeconds: number;
  receiveWaitSeconds: number;
  cpuMeters?: Record<string, CpuMeter>;
}

/** What {@link measureRoundTrips} counted in its window. */
export interface RoundTripMeasurement {
  elapsedMs: number;
  roundTrips: number;
  roundTripsPerSecond: number;
  errors: number;
  /** A few distinct error messages. */
  errorSamples: string[];
  emptyReceives: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** CPU ms used in the window: `client` (this process) and one entry per meter; undefined where a meter could not read. */
  cpuMs: Record<string, number | undefined>;
}

interface Snapshot {
  at: number;
  cpuMs: Record<string, number | undefined>;
}

interface Run {
  cpuMeters: Record<string, CpuMeter>;
  counting: boolean;
  stopped: boolean;
  roundTrips: number;
  errors: number;
  errorSamples: string[];
  emptyReceives: number;
  latency: LatencyRecorder;
  start?: Snapshot;
  end?: Snapshot;
}

/** The SQS client of the loops, and the signal that aborts their calls. */
interface Caller {
  sqs: SQSClient;
  abortSignal: AbortSignal;
}

/**
 * Runs `loops` concurrent round trips against the SQS at `endpoint` (a standard queue it
 * creates): SendMessage, then ReceiveMessage of one message (WaitTimeSeconds
 * `receiveWaitSeconds`), then DeleteMessage of the message received. For `warmupSeconds`
 * nothing is counted; then for `seconds` every round trip that completes is counted and
 * its latency recorded. No loop starts a round trip after the deadline; calls still
 * running `abortGraceMs` later are aborted. Each of `cpuMeters` is read at both ends of
 * the counted window, as is this process's own CPU time.
 */
export async function measureRoundTrips({ endpoint, loops, seconds, warmupSeconds, receiveWaitSeconds, cpuMeters = {} }: RoundTripOptions): Promise<RoundTripMeasurement> {
  const clients = createClients({ endpoint });
  const abort = new AbortController();
  setMaxListeners(loops * 2, abort.signal); // one listener per call in flight
  try {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'bench-endpoint' }));
    const run = newRun(cpuMeters);
    const call: Caller = { sqs: clients.sqs, abortSignal: abort.signal };
    const window = countWindow(run, warmupSeconds * 1000, seconds * 1000);
    const abortTimer = setTimeout(() => abort.abort(), (warmupSeconds + seconds) * 1000 + abortGraceMs);
    const receive: ReceiveMessageCommandInput = { QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: receiveWaitSeconds };
    await Promise.all(Array.from({ length: loops }, (_, id) => loop(id, run, call, receive)));
    await window;
    clearTimeout(abortTimer);
    return summarize(run);
  } finally {
    abort.abort();
    clients.destroy();
  }
}

function newRun(cpuMeters: Record<string, CpuMeter>): Run {
  return {
    cpuMeters: { ...cpuMeters, client: clientCpuMs },
    counting: false,
    stopped: false,
    roundTrips: 0,
    errors: 0,
    errorSamples: [],
    emptyReceives: 0,
    latency: latencyRecorder(),
  };
}

function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Opens the counted window after `warmupMs` and closes it, stopping the loops, `durationMs` later. */
function countWindow(run: Run, warmupMs: number, durationMs: number): Promise<void> {
  const snapshot = (): Snapshot => ({ at: performance.now(), cpuMs: Object.fromEntries(Object.entries(run.cpuMeters).map(([name, read]) => [name, read()])) });
  return new Promise((resolve) => {
    setTimeout(() => {
      run.start = snapshot();
      run.counting = true;
      setTimeout(() => {
        run.end = snapshot();
        run.counting = false;
        run.stopped = true;
        resolve();
      }, durationMs);
    }, warmupMs);
  });
}

async function loop(id: number, run: Run, call: Caller, receive: ReceiveMessageCommandInput): Promise<void> {
  for (let seq = 0; !run.stopped; seq++) {
    const began = performance.now();
    try {
      const deleted = await roundTrip(call, receive, JSON.stringify({ loop: id, seq, seat: `${1 + (seq % 40)}C`, sentAt: Date.now() }));
      if (!run.counting) continue;
      if (deleted) {
        run.roundTrips++;
        run.latency.record(performance.now() - began);
      } else {
        run.emptyReceives++;
      }
    } catch (error) {
      if (run.stopped) return;
      if (run.counting) recordError(run, error);
      await sleep(errorPauseMs);
    }
  }
}

/** One send → receive → delete; false when the receive came back empty. */
async function roundTrip({ sqs, abortSignal }: Caller, receive: ReceiveMessageCommandInput, body: string): Promise<boolean> {
  await sqs.send(new SendMessageCommand({ QueueUrl: receive.QueueUrl, MessageBody: body }), { abortSignal });
  const { Messages } = await sqs.send(new ReceiveMessageCommand(receive), { abortSignal });
  const receiptHandle = Messages?.[0]?.ReceiptHandle;
  if (!receiptHandle) return false;
  await sqs.send(new DeleteMessageCommand({ QueueUrl: receive.QueueUrl, ReceiptHandle: receiptHandle }), { abortSignal });
  return true;
}

function recordError(run: Run, error: unknown): void {
  run.errors++;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
  if (run.errorSamples.length < maxErrorSamples && !run.errorSamples.includes(text)) run.errorSamples.push(text);
}

function summarize(run: Run): RoundTripMeasurement {
  const { start, end } = run;
  if (!start || !end) throw new Error('the counted window never closed');
  const elapsedMs = end.at - start.at;
  const used = (name: string) => {
    const [before, after] = [start.cpuMs[name], end.cpuMs[name]];
    return before === undefined || after === undefined ? undefined : Math.round(after - before);
  };
  const latency = percentiles(run.latency.encode());
  return {
    elapsedMs: Math.round(elapsedMs),
    roundTrips: run.roundTrips,
    roundTripsPerSecond: (run.roundTrips * 1000) / elapsedMs,
    errors: run.errors,
    errorSamples: run.errorSamples,
    emptyReceives: run.emptyReceives,
    latencyMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
    cpuMs: Object.fromEntries(Object.keys(run.cpuMeters).map((name) => [name, used(name)])),
  };
}
