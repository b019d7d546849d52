// The load of the endpoint benchmark: concurrent SQS send → receive → delete loops through
// the AWS SDK, counted over a fixed window after a warm-up. It measures and never prints.

import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import hdr from 'hdr-histogram-js';
import { createClients } from '../dist/aws/clients.js';

/** Time given to round trips still running at the deadline before their calls are aborted. */
const abortGraceMs = 5000;
/** Pause after a failed round trip, so that a dead server is not hammered in a tight loop. */
const errorPauseMs = 10;
const maxErrorSamples = 5;

/**
 * Runs `loops` concurrent round trips against the SQS at `endpoint` (a standard queue it
 * creates): SendMessage, then ReceiveMessage of one message (WaitTimeSeconds
 * `receiveWaitSeconds`), then DeleteMessage of the message received. For `warmupSeconds`
 * nothing is counted; then for `seconds` every round trip that completes is counted and
 * its latency recorded. No loop starts a round trip after the deadline; calls still
 * running `abortGraceMs` later are aborted. Each of `cpuMeters` (name → function returning
 * CPU ms used so far, or undefined) is read at both ends of the counted window, as is this
 * process's own CPU time.
 *
 * Resolves to flat data: round trips and their rate, errors (with a few messages), empty
 * receives, latency p50/p99/max in ms, and `cpuMs` used in the window: `client` (this
 * process) and one entry per meter.
 */
export async function measureRoundTrips({ endpoint, loops, seconds, warmupSeconds, receiveWaitSeconds, cpuMeters = {} }) {
  const clients = createClients({ endpoint });
  const abort = new AbortController();
  setMaxListeners(loops * 2, abort.signal); // one listener per call in flight
  try {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'bench-endpoint' }));
    const run = newRun(cpuMeters);
    const call = (command) => clients.sqs.send(command, { abortSignal: abort.signal });
    const window = countWindow(run, warmupSeconds * 1000, seconds * 1000);
    const abortTimer = setTimeout(() => abort.abort(), (warmupSeconds + seconds) * 1000 + abortGraceMs);
    const receive = { QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: receiveWaitSeconds };
    await Promise.all(Array.from({ length: loops }, (_, id) => loop(id, run, call, receive)));
    await window;
    clearTimeout(abortTimer);
    return summarize(run);
  } finally {
    abort.abort();
    clients.destroy();
  }
}

function newRun(cpuMeters) {
  return {
    cpuMeters: { ...cpuMeters, client: clientCpuMs },
    counting: false,
    stopped: false,
    roundTrips: 0,
    errors: 0,
    errorSamples: [],
    emptyReceives: 0,
    latencyUs: hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 }),
    start: undefined,
    end: undefined,
  };
}

function clientCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Opens the counted window after `warmupMs` and closes it, stopping the loops, `durationMs` later. */
function countWindow(run, warmupMs, durationMs) {
  const snapshot = () => ({ at: performance.now(), cpuMs: Object.fromEntries(Object.entries(run.cpuMeters).map(([name, read]) => [name, read()])) });
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

async function loop(id, run, call, receive) {
  for (let seq = 0; !run.stopped; seq++) {
    const began = performance.now();
    try {
      const deleted = await roundTrip(call, receive, JSON.stringify({ loop: id, seq, seat: `${1 + (seq % 40)}C`, sentAt: Date.now() }));
      if (!run.counting) continue;
      if (deleted) {
        run.roundTrips++;
        run.latencyUs.recordValue(Math.max(1, Math.round((performance.now() - began) * 1000)));
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
async function roundTrip(call, receive, body) {
  await call(new SendMessageCommand({ QueueUrl: receive.QueueUrl, MessageBody: body }));
  const { Messages } = await call(new ReceiveMessageCommand(receive));
  const receiptHandle = Messages?.[0]?.ReceiptHandle;
  if (!receiptHandle) return false;
  await call(new DeleteMessageCommand({ QueueUrl: receive.QueueUrl, ReceiptHandle: receiptHandle }));
  return true;
}

function recordError(run, error) {
  run.errors++;
  const text = `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`;
  if (run.errorSamples.length < maxErrorSamples && !run.errorSamples.includes(text)) run.errorSamples.push(text);
}

function summarize(run) {
  const elapsedMs = run.end.at - run.start.at;
  const used = (name) => {
    const [start, end] = [run.start.cpuMs[name], run.end.cpuMs[name]];
    return start === undefined || end === undefined ? undefined : Math.round(end - start);
  };
  const ms = (us) => Math.round(us) / 1000;
  return {
    elapsedMs: Math.round(elapsedMs),
    roundTrips: run.roundTrips,
    roundTripsPerSecond: (run.roundTrips * 1000) / elapsedMs,
    errors: run.errors,
    errorSamples: run.errorSamples,
    emptyReceives: run.emptyReceives,
    latencyMs: {
      p50: ms(run.latencyUs.getValueAtPercentile(50)),
      p99: ms(run.latencyUs.getValueAtPercentile(99)),
      max: ms(run.latencyUs.maxValue),
    },
    cpuMs: Object.fromEntries(Object.keys(run.cpuMeters).map((name) => [name, used(name)])),
  };
}
