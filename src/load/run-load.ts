import { Agent, request, type IncomingMessage } from 'node:http';
import { BooksimError, ExitCode } from '../errors.js';
import { latencyRecorder } from './histograms.js';
import type { PlannedRequest } from './plan.js';

/** What a load run did, as flat serialisable data. */
export interface LoadResult {
  targetRps: number;
  /** Responses per second over {@link durationMs}. */
  achievedRps: number;
  /** From the start until the last request settled, and at least the scheduled slots of the requests sent (sent / rps). */
  durationMs: number;
  sent: number;
  /** Requests that got an HTTP response, whatever its status. */
  completed: number;
  /** Requests that got no response: connection errors and timeouts. */
  errors: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** API latency in microseconds, corrected for coordinated omission (measured from the intended send time), hdr-histogram-js encoded (encodeIntoCompressedBase64) */
  latencyHistogram: string;
  /** One entry per request sent, by index. */
  requests: RequestLogEntry[];
}

/** One request as sent and answered: the request log's line. */
export interface RequestLogEntry {
  index: number;
  requestId: string;
  seatId: string;
  tier: string;
  duplicateOf?: number;
  /** Epoch ms at which the schedule meant to send it. */
  intendedAt: number;
  /** Epoch ms at which it got a connection and was written. */
  sentAt: number;
  /** From intendedAt to the end of the response (or the error). */
  latencyMs: number;
  /** HTTP status; 0 when there was no response. */
  status: number;
  /** From a 2xx body. */
  bookingId?: string;
  /** Why there was no response. */
  error?: string;
}

/** How far a load run has got, for a live display; counts as in {@link LoadResult}. */
export interface LoadProgress {
  elapsedMs: number;
  /** How long the plan takes at the target rate: its requests / rps. */
  plannedMs: number;
  targetRps: number;
  /** Responses per second since the start. */
  achievedRps: number;
  sent: number;
  /** Requests that got a response, whatever its status. */
  completed: number;
  /** Requests that got no response. */
  errors: number;
  non2xx: number;
  /** Sent and not yet answered or given up on. */
  inFlight: number;
  /** Distinct bookingIds of 2xx answers: bookings the API took on (a client retry answers its original's). */
  accepted: number;
  /** API latency p99 so far, ms (from the intended send time, as the histogram); undefined before the first response. */
  p99Ms?: number;
}

/** How {@link runLoad} sends the plan. */
export interface RunLoadOptions {
  /** The plan's rate: used for the achieved-rate figure and the default connection count. */
  rps: number;
  /** Stops sending; requests already sent are still awaited (bounded by the timeout) and recorded. */
  signal?: AbortSignal;
  /** Called every {@link progressIntervalMs} and once at the end. */
  onProgress?: (progress: LoadProgress) => void;
  /** Keep-alive connections at most; default max(50, rps / 10). */
  connections?: number;
  /** A request without a complete response by then is an error; default 10 s. */
  timeoutMs?: number;
}

const progressIntervalMs = 250;
const defaultTimeoutMs = 10_000;

// Each connection carries one request at a time, so rps / 10 connections keep up with the
// rate while responses take up to 100 ms (Little's law); beyond that, requests wait for a
// connection and the wait shows in the latency, as it should.
const defaultConnections = (rps: number) => Math.min(1000, Math.max(50, Math.ceil(rps / 10)));

/**
 * Sends the plan as `POST {targetUrl}/bookings` on an open-loop schedule: each request
 * leaves at its intendedAtMs after the start whether or not earlier ones were answered
 * (wrk2-style), over keep-alive connections. Latency is measured from the intended send
 * time, so a server that falls behind shows its queue in the percentiles instead of
 * slowing the load down (coordinated omission). Never sends more than the plan; resolves
 * when every request sent has settled. Does not print.
 */
export async function runLoad(targetUrl: string, plan: PlannedRequest[], options: RunLoadOptions): Promise<LoadResult> {
  const { rps, signal, onProgress } = options;
  if (!Number.isFinite(rps) || rps <= 0) throw new BooksimError(`the load's rate must be a positive number (got ${rps})`, ExitCode.usage);
  const connections = options.connections ?? defaultConnections(rps);
  if (!Number.isSafeInteger(connections) || connections < 1) throw new BooksimError(`connections must be a whole number of at least 1 (got ${connections})`, ExitCode.usage);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const url = new URL('bookings', targetUrl.endsWith('/') ? targetUrl : `${targetUrl}/`);
  if (url.protocol !== 'http:') throw new BooksimError(`the booking API must be an http:// URL (got ${targetUrl})`, ExitCode.usage);

  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const latencies = latencyRecorder();
  const schedule = [...plan].sort((a, b) => a.intendedAtMs - b.intendedAtMs || a.index - b.index);
  const log: RequestLogEntry[] = [];
  const inFlight = new Set<Promise<void>>();
  // performance.now() for intervals (monotonic), Date.now() only to stamp the log.
  const startedAt = performance.now();
  const startedAtEpoch = Date.now();
  let lastSettledAt = startedAt;
  let completed = 0;
  let errors = 0;
  let non2xx = 0;
  const accepted = new Set<string>();

  const plannedMs = (schedule.length * 1000) / rps;
  const progress = (): LoadProgress => {
    const elapsedMs = performance.now() - startedAt;
    const p99Ms = latencies.valueAt(99);
    return {
      elapsedMs,
      plannedMs,
      targetRps: rps,
      achievedRps: elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0,
      sent: log.length,
      completed,
      errors,
      non2xx,
      inFlight: log.length - completed - errors,
      accepted: accepted.size,
      ...(p99Ms === undefined ? {} : { p99Ms }),
    };
  };
  const progressTimer = onProgress ? setInterval(() => onProgress(progress()), progressIntervalMs) : undefined;

  function send(planned: PlannedRequest): Promise<void> {
    const body = Buffer.from(JSON.stringify(planned.body));
    const intendedAt = startedAt + planned.intendedAtMs;
    const entry: RequestLogEntry = {
      index: planned.index,
      requestId: planned.body.requestId,
      seatId: planned.body.seatId,
      tier: planned.body.tier,
      ...(planned.duplicateOf !== undefined && { duplicateOf: planned.duplicateOf }),
      intendedAt: startedAtEpoch + planned.intendedAtMs,
      sentAt: Date.now(),
      latencyMs: 0,
      status: 0,
    };
    log.push(entry);
    return new Promise<void>((resolve) => {
      let settled = false;
      const timer = setTimeout(() => req.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
      const settle = (outcome: { status: number; body: Buffer } | { error: Error }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        lastSettledAt = performance.now();
        entry.latencyMs = Math.round((lastSettledAt - intendedAt) * 1000) / 1000;
        if ('error' in outcome) {
          entry.error = outcome.error.message;
          errors++;
        } else {
          entry.status = outcome.status;
          completed++;
          latencies.record(entry.latencyMs);
          if (outcome.status >= 200 && outcome.status < 300) {
            const bookingId = bookingIdOf(outcome.body);
            if (bookingId !== undefined) {
              entry.bookingId = bookingId;
              accepted.add(bookingId);
            }
          } else {
            non2xx++;
          }
        }
        resolve();
      };
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => settle({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (error) => settle({ error }));
      });
      // A request waiting for a free connection has not left yet: stamp it when it does.
      req.once('socket', () => {
        entry.sentAt = Date.now();
      });
      req.on('error', (error) => settle({ error }));
      req.end(body);
    });
  }

  try {
    await new Promise<void>((resolve) => {
      let next = 0;
      let timer: NodeJS.Timeout | undefined;
      const stop = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      // Sends everything due, then sleeps until the next request is due; a late wake-up
      // sends the overdue requests at once, and their latency counts from when they were due.
      const tick = () => {
        const now = performance.now() - startedAt;
        while (!signal?.aborted && next < schedule.length && schedule[next]!.intendedAtMs <= now) {
          const sending = send(schedule[next++]!);
          inFlight.add(sending);
          void sending.then(() => inFlight.delete(sending));
        }
        if (signal?.aborted || next >= schedule.length) return stop();
        timer = setTimeout(tick, schedule[next]!.intendedAtMs - now);
      };
      signal?.addEventListener('abort', stop, { once: true });
      tick();
    });
    await Promise.all(inFlight);
  } finally {
    clearInterval(progressTimer);
    agent.destroy();
  }

  const durationMs = Math.max(lastSettledAt - startedAt, (log.length * 1000) / rps);
  onProgress?.(progress());
  return {
    targetRps: rps,
    achievedRps: durationMs > 0 ? (completed * 1000) / durationMs : 0,
    durationMs,
    sent: log.length,
    completed,
    errors,
    non2xx,
    latencyHistogram: latencies.encode(),
    requests: log.sort((a, b) => a.index - b.index),
  };
}

/** The bookingId of a 2xx body, if it has one (a body that is not the API's is kept out of the log, not fatal). */
function bookingIdOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const bookingId = (parsed as { bookingId?: unknown } | null)?.bookingId;
    return typeof bookingId === 'string' ? bookingId : undefined;
  } catch {
    return undefined;
  }
}
