import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { bookingIdFor } from '../../src/functions/booking-api.js';
import type { Booking } from '../../src/model/booking.js';
import { declineBookings } from '../../src/gateway/policies.js';
import type { LedgerEntry } from '../../src/gateway/ledger.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import type { PlannedRequest } from '../../src/load/plan.js';
import { eventOfRun } from '../../src/event.js';
import { runStorm, type StormHooks, type StormOptions } from '../../src/storm/run-storm.js';
import { runFormat, type RunJson, type StormCpu } from '../../src/run-dir/schema.js';
import { workerFunctions } from '../../src/runtime/worker-messages.js';
import type { VerifyReport } from '../../src/model/verdict.js';
import { prepareVerify, runVerify } from '../../src/verify/run-verify.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { ScanCommand } from '@aws-sdk/client-dynamodb';

const workerScript = fileURLToPath(new URL('../../dist/runtime/worker-main.js', import.meta.url));

// Worker processes and sagas take seconds; a loaded CI machine may stretch them.
describe('a storm on the embedded endpoint (workers as real processes)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();

  async function storm(overrides: Partial<StormOptions> & { shape: StormOptions['shape'] }, hooks: StormHooks = {}) {
    const stack = overrides.stack ?? uniqueName('storm');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const reportsDir = mkdtempSync(join(tmpdir(), 'booksim-storm-'));
    const result = await runStorm({
      endpoint: resolveEndpoint({ endpoint: fx.endpoint.url }, {}),
      stack,
      settleTimeoutMs: 60_000,
      concurrency: 8,
      reportsDir,
      clock: systemClock,
      workerScript,
      ...overrides,
    }, hooks);
    const { Items = [] } = await fx.clients.dynamodb.send(new ScanCommand({ TableName: `${stack}-bookings`, ConsistentRead: true }));
    const bookings = Items.map((item) => ({ bookingId: item.bookingId!.S!, seatId: item.seatId!.S!, status: item.status!.S! }) as Pick<Booking, 'bookingId' | 'seatId' | 'status'>);
    const runDir = result.summary.runDir;
    const ledger = readFileSync(join(runDir, 'ledger.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as LedgerEntry);
    const requests = JSON.parse(readFileSync(join(runDir, 'requests.json'), 'utf8')) as RequestLogEntry[];
    return { result, bookings, ledger, requests, runDir, reportsDir };
  }

  it('when many customers storm few seats with retries, each requested seat is confirmed once, paid once, and the rest rejected', async () => {
    const { result, bookings, ledger, requests, runDir, reportsDir } = await storm({ shape: { seats: 10, bookings: 100, rps: 50, contention: 5, duplicates: 0.2, vip: 0.1, seed: 3 } });
    expect(result.summary.settle.settled).toBe(true);
    expect(result.summary.requests).toMatchObject({ sent: 100, completed: 100, errors: 0, non2xx: 0 });

    const requestedSeats = new Set(requests.map((r) => r.seatId));
    const confirmed = bookings.filter((b) => b.status === 'CONFIRMED');
    expect(confirmed.map((b) => b.seatId).sort()).toEqual([...requestedSeats].sort());
    expect(bookings.filter((b) => b.status !== 'CONFIRMED').every((b) => b.status === 'REJECTED')).toBe(true);
    // A retry with the same requestId is the same booking: one row per distinct request.
    expect(bookings).toHaveLength(new Set(requests.map((r) => r.requestId)).size);
    const captures = ledger.filter((entry) => entry.outcome === 'captured');
    expect(captures.map((entry) => entry.bookingId).sort()).toEqual(confirmed.map((b) => b.bookingId).sort());

    expect(readdirSync(runDir).sort()).toEqual(['decisions.json', 'faults.json', 'histograms.json', 'ledger.jsonl', 'pricing.json', 'requests.json', 'run.json', 'samples.json', 'workers.jsonl']);
    // The system was sampled from the load's start to the settle's end, about once a second.
    const samples = JSON.parse(readFileSync(join(runDir, 'samples.json'), 'utf8')) as { loadEndMs: number; settleEndMs: number; samples: Array<{ t: number }> };
    expect(samples.settleEndMs).toBeGreaterThanOrEqual(samples.loadEndMs);
    expect(samples.samples.length).toBeGreaterThanOrEqual(Math.floor(samples.loadEndMs / 1000));
    expect(samples.samples.at(-1)!.t).toBeLessThanOrEqual(samples.settleEndMs);
    expect(JSON.parse(readFileSync(join(runDir, 'decisions.json'), 'utf8'))).toHaveLength(bookings.length);
    // Nothing went wrong in the workers: no handler failed, no worker died.
    expect(readFileSync(join(runDir, 'workers.jsonl'), 'utf8')).toBe('');
    expect(readdirSync(reportsDir)).toContain('latest');
    expect(result.summary.bookings).toMatchObject({ accepted: bookings.length, confirmed: confirmed.length, undecided: 0 });

    // A confirmed booking pays for its saga; a rejected one only for its request and its queue messages; batched calls are shared.
    const { awsCalls, bookings: counts } = result.summary;
    const { perConfirmed, perRejected, sharedPerBooking } = awsCalls;
    expect(perRejected).toBeGreaterThan(0);
    expect(perConfirmed).toBeGreaterThan(perRejected!);
    expect(sharedPerBooking).toBeGreaterThanOrEqual(0);
    // Every booking here is CONFIRMED or REJECTED (checked above), so there are no other outcomes' calls to add.
    expect(counts.confirmed + counts.rejected).toBe(counts.accepted);
    expect(perConfirmed! * counts.confirmed + perRejected! * counts.rejected + sharedPerBooking! * counts.accepted).toBeCloseTo(awsCalls.total, 6);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunJson & { cpu: StormCpu };
    expect(run.format).toBe(runFormat);
    expect(run.summary.awsCalls).toEqual(awsCalls);

    // The CPU time of the storm process and of every hosted function's worker (the default topology hosts them all).
    expect(run.cpu.storm).toBeGreaterThan(0);
    expect(Object.keys(run.cpu.workers).sort()).toEqual([...workerFunctions].sort());
    for (const fn of workerFunctions) expect(run.cpu.workers[fn]).toBeGreaterThan(0);
  });

  /** verify, as `booksim verify` runs it, of a storm's run directory. */
  async function verified(run: Awaited<ReturnType<typeof storm>>) {
    const prepared = await prepareVerify({ run: run.runDir, reportsDir: run.reportsDir, thresholds: [] });
    return runVerify(fx.clients, prepared, { endpoint: fx.endpoint.url, clock: systemClock });
  }

  const notValid = (report: VerifyReport) => report.invariants.filter((invariant) => invariant.verdict !== 'valid').map(({ key, note, counterexamples }) => ({ key, note, first: counterexamples[0]?.message }));

  it('when storms follow one another on a stack, with the same seed, each sells the seats of an event of its own, reports only its own bookings and verifies VALID', async () => {
    const shape = { seats: 5, bookings: 30, rps: 30, contention: 3, duplicates: 0, vip: 0, seed: 4 };
    const first = await storm({ shape });
    const second = await storm({ shape, stack: first.result.summary.stack });
    for (const { result, requests } of [first, second]) {
      const { summary } = result;
      expect(summary.event).toBe(eventOfRun(summary.runId));
      expect(summary.seatsSoldBefore).toBeUndefined();
      expect(requests.every((request) => request.seatId.startsWith(`${summary.event}/S`))).toBe(true);
      expect(summary.settle.settled).toBe(true);
      expect(summary).toMatchObject({ bookings: { accepted: 30, confirmed: 5, undecided: 0 }, seatsSold: 5 });
    }
    expect(second.result.summary.event).not.toBe(first.result.summary.event);
    // The table holds both runs' bookings: each run sold its five seats.
    expect(second.bookings.filter((b) => b.status === 'CONFIRMED')).toHaveLength(10);
    for (const run of [first, second]) {
      const report = await verified(run);
      expect(notValid(report)).toEqual([]);
      expect(report).toMatchObject({ verdict: 'valid', event: run.result.summary.event });
    }
  });

  it('when a storm names the event of an earlier one, it says before the load how many of its seats are sold, their bookings are rejected, and it verifies VALID', async () => {
    const shape = { seats: 4, bookings: 12, rps: 30, contention: 3, duplicates: 0, vip: 0, seed: 6, event: 'gala' };
    const said: string[] = [];
    const hooks: StormHooks = { onPhase: (phase) => said.push(phase), onWarning: (line) => said.push(`warning: ${line}`) };
    const first = await storm({ shape }, hooks);
    // The report phase is said twice: reading the outcome, then reading the saga histories.
    expect(said).toEqual(['starting', 'load', 'settle', 'report', 'report']);
    expect(first.result.summary).toMatchObject({ event: 'gala', seatsSold: 4, seatsSoldBefore: 0 });

    said.length = 0;
    const { stack } = first.result.summary;
    const again = await storm({ shape: { ...shape, seats: 5, bookings: 15 }, stack }, hooks);
    expect(said).toEqual(['starting', `warning: event gala: 4 of 5 seats already sold on stack ${stack} — bookings for them will be rejected`, 'load', 'settle', 'report', 'report']);
    // Seats 1–4 were sold in the first run; the fifth is new.
    expect(again.result.summary).toMatchObject({ event: 'gala', seatsSoldBefore: 4, seatsSold: 1, bookings: { accepted: 15, confirmed: 1, undecided: 0 } });
    const report = await verified(again);
    expect(notValid(report)).toEqual([]);
    expect(report.verdict).toBe('valid');
  });

  it('when the gateway declines the first booking of every seat, each seat goes to a later one in line and the declined are never charged', async () => {
    const firstPerSeat = (plan: PlannedRequest[]) => {
      const seen = new Map<string, string>();
      for (const request of plan) if (!seen.has(request.body.seatId)) seen.set(request.body.seatId, bookingIdFor(request.body.requestId));
      return new Set(seen.values());
    };
    let declined = new Set<string>();
    const { bookings, ledger } = await storm({
      shape: { seats: 4, bookings: 16, rps: 10, contention: 4, duplicates: 0, vip: 0, seed: 5 },
      gatewayPolicy: (plan) => declineBookings((declined = firstPerSeat(plan))),
    });
    const bySeat = Map.groupBy(bookings, (b) => b.seatId);
    for (const [, seatBookings] of bySeat) {
      expect(seatBookings.filter((b) => b.status === 'CONFIRMED')).toHaveLength(1);
      expect(seatBookings.find((b) => b.status === 'CONFIRMED')!.bookingId).not.toSatisfy((id: string) => declined.has(id));
    }
    expect(bookings.filter((b) => declined.has(b.bookingId)).map((b) => b.status)).toEqual(['PAYMENT_FAILED', 'PAYMENT_FAILED', 'PAYMENT_FAILED', 'PAYMENT_FAILED']);
    expect(ledger.filter((e) => e.outcome === 'captured' && declined.has(e.bookingId))).toEqual([]);
  });
});
