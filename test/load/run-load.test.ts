import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BookingRequest } from '../../src/model/booking.js';
import { percentiles } from '../../src/load/histograms.js';
import { planRequests } from '../../src/load/plan.js';
import { type LoadShape } from '../../src/model/plan.js';
import { runLoad, type LoadProgress } from '../../src/load/run-load.js';

type Answer = (request: BookingRequest) => { status: number; delayMs?: number } | 'never';

/**
 * A stand-in booking API on 127.0.0.1, port 0: records every body it is sent, and answers
 * as `answer` says (202 with a bookingId derived from the requestId, by default).
 */
async function fakeApi(answer: Answer = () => ({ status: 202 })) {
  const received: BookingRequest[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BookingRequest;
      received.push(body);
      const reply = answer(body);
      if (reply === 'never') return;
      const payload = reply.status === 202 ? { bookingId: `B-${body.requestId}`, status: 'PENDING' } : { error: 'InvalidRequest', message: 'no' };
      setTimeout(() => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(payload)), reply.delayMs ?? 0);
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  servers.push(api);
  return api;
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const shape = (rps: number, bookings: number, extra: Partial<LoadShape> = {}): LoadShape => ({ seats: 50, contention: 4, duplicates: 0.2, vip: 0.3, seed: 7, rps, bookings, ...extra });

describe('runLoad', () => {
  it('when the API answers every request, it sends each planned body once and logs each answer with its bookingId', async () => {
    const api = await fakeApi();
    const plan = planRequests(shape(200, 100));
    const result = await runLoad(api.url, plan, { rps: 200 });

    expect(api.received).toHaveLength(100);
    expect([...api.received].sort((a, b) => a.requestId.localeCompare(b.requestId))).toEqual(
      plan.map((request) => request.body).sort((a, b) => a.requestId.localeCompare(b.requestId)),
    );
    expect(result).toMatchObject({ targetRps: 200, sent: 100, completed: 100, errors: 0, non2xx: 0 });
    expect(result.requests.map((entry) => entry.index)).toEqual(plan.map((request) => request.index));
    for (const [i, entry] of result.requests.entries()) {
      const planned = plan[i]!;
      expect(entry).toMatchObject({ requestId: planned.body.requestId, seatId: planned.body.seatId, tier: planned.body.tier, status: 202, bookingId: `B-${planned.body.requestId}` });
      expect(entry.duplicateOf).toBe(planned.duplicateOf);
      expect(entry.sentAt).toBeGreaterThanOrEqual(entry.intendedAt - 1); // two clocks (epoch ms, monotonic) round differently
      expect(entry.latencyMs).toBeGreaterThan(0);
    }
    expect(result.requests[1]!.intendedAt - result.requests[0]!.intendedAt).toBe(5);
    expect(percentiles(result.latencyHistogram).count).toBe(100);
  });

  it('when run at 200 rps for a second, it achieves close to that rate', async () => {
    const api = await fakeApi();
    const progress: LoadProgress[] = [];
    const result = await runLoad(api.url, planRequests(shape(200, 200)), { rps: 200, onProgress: (p) => progress.push(p) });

    expect(result.sent).toBe(200);
    expect(result.achievedRps).toBeGreaterThanOrEqual(140);
    expect(result.achievedRps).toBeLessThanOrEqual(200);
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.durationMs).toBeLessThan(1500);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ sent: 200, completed: 200 });
  });

  it('when some requests are refused, some never answered and some retried, its progress counts each, the distinct bookings accepted, what is in flight, the rates and p99', async () => {
    const plan = planRequests(shape(100, 50));
    const silentSeat = plan[0]!.body.seatId;
    const api = await fakeApi((request) => (request.seatId === silentSeat ? 'never' : { status: request.tier === 'VIP' ? 400 : 202, delayMs: 100 }));
    const progress: LoadProgress[] = [];
    await runLoad(api.url, plan, { rps: 100, timeoutMs: 300, onProgress: (p) => progress.push(p) });

    const silent = plan.filter((request) => request.body.seatId === silentSeat);
    const refused = plan.filter((request) => request.body.seatId !== silentSeat && request.body.tier === 'VIP');
    const accepted = new Set(plan.filter((request) => request.body.seatId !== silentSeat && request.body.tier !== 'VIP').map((request) => request.body.requestId));
    expect(plan.some((request) => request.duplicateOf !== undefined && accepted.has(request.body.requestId))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ plannedMs: 500, targetRps: 100, sent: 50, completed: 50 - silent.length, errors: silent.length, non2xx: refused.length, inFlight: 0, accepted: accepted.size });
    expect(progress.at(-1)!.p99Ms).toBeGreaterThanOrEqual(100);
    expect(progress.at(-1)!.achievedRps).toBeCloseTo(((50 - silent.length) * 1000) / progress.at(-1)!.elapsedMs, 6);
    for (const p of progress) expect(p.inFlight).toBe(p.sent - p.completed - p.errors);
    expect(progress.some((p) => p.inFlight > 0)).toBe(true);
  });

  it('when nothing has answered yet, its progress has no p99', async () => {
    const api = await fakeApi(() => 'never');
    const progress: LoadProgress[] = [];
    await runLoad(api.url, planRequests(shape(100, 2)), { rps: 100, timeoutMs: 300, onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p.p99Ms).toBeUndefined();
  });

  it('when the API refuses some requests with 400, it counts them as completed and non-2xx, without a bookingId', async () => {
    const api = await fakeApi((request) => ({ status: request.tier === 'VIP' ? 400 : 202 }));
    const plan = planRequests(shape(500, 100));
    const result = await runLoad(api.url, plan, { rps: 500 });

    const vips = plan.filter((request) => request.body.tier === 'VIP').length;
    expect(vips).toBeGreaterThan(0);
    expect(result).toMatchObject({ sent: 100, completed: 100, errors: 0, non2xx: vips });
    expect(result.requests.filter((entry) => entry.status === 400 && entry.bookingId === undefined)).toHaveLength(vips);
  });

  it('when the API is slower than the rate, latency counts from the intended send time, so queueing shows (coordinated omission)', async () => {
    const api = await fakeApi(() => ({ status: 202, delayMs: 200 }));
    // Two connections of 200 ms each carry 10 rps; asked for 100 rps, requests wait for a connection.
    const result = await runLoad(api.url, planRequests(shape(100, 16, { duplicates: 0 })), { rps: 100, connections: 2 });

    expect(result.completed).toBe(16);
    const { p50, max } = percentiles(result.latencyHistogram);
    expect(max).toBeGreaterThan(1200); // the last waits ~7 × 200 ms for a connection, then 200 ms of service
    expect(p50).toBeGreaterThan(500);
    for (const entry of result.requests) expect(entry.latencyMs).toBeGreaterThanOrEqual(entry.sentAt - entry.intendedAt + 190);
    expect(Math.max(...result.requests.map((entry) => entry.sentAt - entry.intendedAt))).toBeGreaterThan(1000);
  });

  it('when the signal aborts, it stops sending, waits for what was sent, and keeps it', async () => {
    const api = await fakeApi();
    const plan = planRequests(shape(100, 1000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await runLoad(api.url, plan, { rps: 100, signal: controller.signal });

    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.sent).toBeGreaterThan(10);
    expect(result.sent).toBeLessThan(100);
    expect(result.completed).toBe(result.sent);
    expect(result.requests).toHaveLength(result.sent);
    expect(api.received).toHaveLength(result.sent);
  });

  it('when the signal is already aborted, it sends nothing', async () => {
    const api = await fakeApi();
    const result = await runLoad(api.url, planRequests(shape(100, 10)), { rps: 100, signal: AbortSignal.abort() });
    expect(result).toMatchObject({ sent: 0, completed: 0, achievedRps: 0, requests: [] });
  });

  it('when the API never answers, each request times out and counts as an error', async () => {
    const api = await fakeApi(() => 'never');
    const result = await runLoad(api.url, planRequests(shape(100, 5)), { rps: 100, timeoutMs: 200 });

    expect(result).toMatchObject({ sent: 5, completed: 0, errors: 5, non2xx: 0 });
    expect(result.requests.every((entry) => entry.status === 0 && entry.error === 'no response within 200 ms')).toBe(true);
    expect(percentiles(result.latencyHistogram).count).toBe(0);
  });

  it('when nothing listens on the port, each request is an error, not a crash', async () => {
    const api = await fakeApi();
    await api.close();
    const result = await runLoad(api.url, planRequests(shape(100, 3)), { rps: 100 });
    expect(result).toMatchObject({ sent: 3, completed: 0, errors: 3 });
    expect(result.requests[0]!.error).toMatch(/ECONNREFUSED/);
  });
});
