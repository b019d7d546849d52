// The load of the endpoint benchmark: concurrent SQS send → receive → delete loops through
// the AWS SDK, counted over a fixed window after a warm-up. It measures and never prints.

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
 * creates): SendMessage, then ReceiveMessage of one message without a long poll, then
 * DeleteMessage of the message received. For `warmupSeconds` nothing is counted; then for
 * `seconds` every round trip that completes is counted and its latency recorded. No loop
 * starts a round trip after the deadline; calls still running `abortGraceMs` later are
 * aborted. `serverCpuMs()` (optional) is read at both ends of the counted window.
 *
 * Resolves to flat data: round trips and their rate, errors (with a few messages), empty
 * receives, latency p50/p99/max in ms, and the CPU ms of client and server in the window.
 */
export async function measureRoundTrips({ endpoint, loops, seconds, warmupSeconds, serverCpuMs = () => undefined }) {
  const clients = createClients({ endpoint });
  const abort = new AbortController();
  try {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'bench-endpoint' }));
    const run = newRun(serverCpuMs);
    const call = (command) => clients.sqs.send(command, { abortSignal: abort.signal });
    const window = countWindow(run, warmupSeconds * 1000, seconds * 1000);
    const abortTimer = setTimeout(() => abort.abort(), (warmupSeconds + seconds) * 1000 + abortGraceMs);
    await Promise.all(Array.from({ length: loops }, (_, id) => loop(id, run, call, QueueUrl)));
    await window;
    clearTimeout(abortTimer);
    return summarize(run);
  } finally {
    abort.abort();
    clients.destroy();
  }
}

function newRun(serverCpuMs) {
  return {
    serverCpuMs,
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

/** Opens the counted window after `warmupMs` and closes it, stopping the loops, `durationMs` later. */
function countWindow(run, warmupMs, durationMs) {
  const snapshot = () => ({ at: performance.now(), client: process.cpuUsage(), serverCpuMs: run.serverCpuMs() });
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

async function loop(id, run, call, queueUrl) {
  for (let seq = 0; !run.stopped; seq++) {
    const began = performance.now();
    try {
      const deleted = await roundTrip(call, queueUrl, JSON.stringify({ loop: id, seq, seat: `${1 + (seq % 40)}C`, sentAt: Date.now() }));
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
      await new Promise((resolve) => setTimeout(resolve, errorPauseMs));
    }
  }
}

/** One send → receive → delete; false when the receive came back empty. */
async function roundTrip(call, queueUrl, body) {
  await call(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  const { Messages } = await call(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
  const receiptHandle = Messages?.[0]?.ReceiptHandle;
  if (!receiptHandle) return false;
  await call(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
  return true;
}

function recordError(run, error) {
  run.errors++;
  const text = `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`;
  if (run.errorSamples.length < maxErrorSamples && !run.errorSamples.includes(text)) run.errorSamples.push(text);
}

function summarize(run) {
  const elapsedMs = run.end.at - run.start.at;
  const cpu = (end, start) => (end === undefined || start === undefined ? undefined : end - start);
  const clientUs = run.end.client.user + run.end.client.system - run.start.client.user - run.start.client.system;
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
    clientCpuMs: Math.round(clientUs / 1000),
    serverCpuMs: cpu(run.end.serverCpuMs, run.start.serverCpuMs),
  };
}
