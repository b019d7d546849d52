// A synthetic settled run, written through the run directory's module (src/run-dir/) as
// `booksim storm` would leave it: requests at a steady rate, seats of a few bookings each,
// the first CONFIRMED and charged, the others REJECTED behind it. The verify benchmark
// loads the same bookings into a stack; the report benchmark needs nothing but the
// directory.

import { systemClock, type Clock } from '../../src/clock.js';
import { seatIdOf } from '../../src/event.js';
import { bookingIdFor } from '../../src/functions/booking-api.js';
import { chargeKey } from '../../src/functions/gateway-client.js';
import { Ledger } from '../../src/gateway/ledger.js';
import { LedgerFile } from '../../src/gateway/ledger-file.js';
import { latencyRecorder, percentiles } from '../../src/load/histograms.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import type { Booking, Tier } from '../../src/model/booking.js';
import type { FaultLogEntry } from '../../src/model/fault.js';
import type { LoadShape } from '../../src/model/plan.js';
import type { StormSummary } from '../../src/model/run.js';
import { createRunDir, requestIdPrefix, type RunDir } from '../../src/run-dir/location.js';
import { runFormat, type DecisionRecord } from '../../src/run-dir/schema.js';

/** Every booking's price, in cents. */
const amount = 4200;
/** When the holder's charge is captured and its ticket issued, after its request was sent. */
const chargedAfterMs = 800;

/** One synthetic booking: the row of the bookings table, and the request that made it. */
export interface SyntheticBooking extends Booking {
  status: 'CONFIRMED' | 'REJECTED';
  decidedAt: number;
  /** Its place in the load: request `index` is sent `index / rps` s after the start. */
  index: number;
  /** Epoch ms the schedule sent its request. */
  intendedAt: number;
  /** The booking API's latency. */
  latencyMs: number;
  /** Epoch ms the holder's charge was captured and its ticket issued. */
  chargedAt: number;
}

/** One seat: its holder (CONFIRMED) first, then the bookings REJECTED behind it, in order. */
export interface SyntheticSeat {
  seatId: string;
  bookings: [SyntheticBooking, ...SyntheticBooking[]];
}

/** How a benchmark draws a booking's figures: its tier, its API latency and how long it took to decide, in ms. */
export type SyntheticFigures = (index: number, confirmed: boolean) => { tier: Tier; latencyMs: number; decisionMs: number };

export interface SyntheticRunOptions {
  reportsDir: string;
  runId: string;
  bookings: number;
  /** Bookings per seat. */
  perSeat: number;
  rps: number;
  /** Epoch ms the load started. */
  startedAt: number;
  stack: string;
  endpoint: string;
  /** The seed, as run.json records it (the figures' own, if they draw from one). */
  seed?: number;
  figures: SyntheticFigures;
}

/** What the storm's summary says of faults, and the fault log; none by default. */
export interface SyntheticFaults {
  chaos?: StormSummary['chaos'];
  log?: FaultLogEntry[];
}

export interface SyntheticRun {
  /** The run's directory, for the files a benchmark adds (samples.json, verify.json…). */
  run: RunDir;
  /**
   * The seats, made as they are iterated (a benchmark that loads them into a stack holds
   * a few at a time, not the whole stack), each booking recorded for the run's files: the
   * request log, the decisions, the histograms, and the holder's capture in ledger.jsonl.
   * One pass: every call continues the same sequence.
   */
  seats(): Generator<SyntheticSeat>;
  /**
   * Makes and records the seats not yet made, closes the ledger and writes run.json
   * (settled), requests.json, decisions.json, histograms.json and faults.json. Resolves to
   * the summary written.
   */
  finish(faults?: SyntheticFaults): Promise<StormSummary>;
}

/** Creates the run's directory and its ledger; the seats are made and recorded as {@link SyntheticRun.seats} is iterated. */
export async function createSyntheticRun(options: SyntheticRunOptions): Promise<SyntheticRun> {
  const { runId, bookings, perSeat, rps, startedAt, figures } = options;
  const run = await createRunDir(options.reportsDir, runId);
  let chargedAt = startedAt;
  // The gateway's ledger, as the gateway keeps it (src/gateway/), on a clock that says when each charge was captured.
  const ledgerClock: Clock = { now: () => chargedAt, setTimer: systemClock.setTimer };
  const ledger = new Ledger(ledgerClock, LedgerFile.create(run.path('ledger.jsonl')));
  const requests: RequestLogEntry[] = [];
  const decisions: DecisionRecord[] = [];
  const api = latencyRecorder();
  const decision = latencyRecorder();
  const byTier = { VIP: latencyRecorder(), STANDARD: latencyRecorder() };
  const seatCount = Math.ceil(bookings / perSeat);

  function booking(index: number, seatId: string, holder: string | undefined): SyntheticBooking {
    const confirmed = holder === undefined;
    const { tier, latencyMs, decisionMs } = figures(index, confirmed);
    const requestId = `${requestIdPrefix(runId)}R${index}`;
    const intendedAt = startedAt + index * (1000 / rps);
    const decidedAt = intendedAt + decisionMs;
    return {
      bookingId: bookingIdFor(requestId),
      seatId,
      customerId: `c${index}`,
      requestId,
      tier,
      amount,
      status: confirmed ? 'CONFIRMED' : 'REJECTED',
      sequence: String(index + 1),
      createdAt: intendedAt + 2,
      updatedAt: decidedAt,
      decidedAt,
      ...(holder === undefined ? {} : { reason: `seat ${seatId} was sold to an earlier booking (${holder})` }),
      index,
      intendedAt,
      latencyMs,
      chargedAt: intendedAt + chargedAfterMs,
    };
  }

  function record(b: SyntheticBooking): void {
    requests.push({ index: b.index, requestId: b.requestId, seatId: b.seatId, tier: b.tier, intendedAt: b.intendedAt, sentAt: b.intendedAt, latencyMs: b.latencyMs, status: 202, bookingId: b.bookingId });
    decisions.push({ bookingId: b.bookingId, tier: b.tier, status: b.status, createdAt: b.createdAt, decidedAt: b.decidedAt });
    api.record(b.latencyMs);
    decision.record(b.decidedAt - b.intendedAt);
    byTier[b.tier].record(b.decidedAt - b.intendedAt);
  }

  function* makeSeats(): Generator<SyntheticSeat> {
    for (let seat = 0; seat < seatCount; seat++) {
      const seatId = seatIdOf(undefined, seat + 1);
      const first = seat * perSeat;
      const holder = booking(first, seatId, undefined);
      const bookingsOfSeat: SyntheticSeat['bookings'] = [holder];
      for (let index = first + 1; index < Math.min(first + perSeat, bookings); index++) bookingsOfSeat.push(booking(index, seatId, holder.bookingId));
      bookingsOfSeat.forEach(record);
      chargedAt = holder.chargedAt;
      ledger.append({ type: 'charge', bookingId: holder.bookingId, idempotencyKey: chargeKey(holder.bookingId), amount, outcome: 'captured' });
      yield { seatId, bookings: bookingsOfSeat };
    }
  }

  const seats = makeSeats();

  async function finish({ chaos, log = [] }: SyntheticFaults = {}): Promise<StormSummary> {
    for (let seat = seats.next(); !seat.done; seat = seats.next()) {
      // recorded as it is made
    }
    ledger.close();
    const accepted = requests.length;
    const confirmed = seatCount;
    const durationMs = (bookings / rps) * 1000;
    const summary: StormSummary = {
      runId,
      runDir: run.dir,
      endpoint: options.endpoint,
      stack: options.stack,
      profile: 'fast',
      seed: options.seed ?? 1,
      seats: seatCount,
      rate: { target: rps, achieved: rps },
      durationMs,
      requests: { sent: accepted, completed: accepted, errors: 0, non2xx: 0 },
      bookings: { accepted, confirmed, rejected: accepted - confirmed, paymentFailed: 0, escalated: 0, undecided: 0 },
      seatsSold: confirmed,
      settle: { settled: true, waitedMs: 5000 },
      awsCalls: { total: accepted * 6, byService: { dynamodb: accepted * 3, sns: accepted, sqs: accepted, sfn: accepted }, perConfirmed: 24, perRejected: 5, sharedPerBooking: 1 },
      ...(chaos ? { chaos } : {}),
      latency: {
        api: percentiles(api.encode()),
        timeToDecision: percentiles(decision.encode()),
        timeToDecisionByTier: { VIP: percentiles(byTier.VIP.encode()), STANDARD: percentiles(byTier.STANDARD.encode()) },
      },
    };
    const shape: LoadShape = { seed: summary.seed, seats: seatCount, rps, bookings, contention: perSeat, duplicates: 0, vip: 0.1 };
    await run.write('run.json', {
      format: runFormat,
      config: { stack: options.stack, endpoint: options.endpoint, region: 'us-east-1', shape },
      topology: 'fifo-fanout',
      startedAt: new Date(startedAt).toISOString(),
      versions: { booksim: 'bench', node: process.version },
      summary,
    });
    await run.write('requests.json', requests);
    await run.write('decisions.json', decisions);
    await run.write('histograms.json', {
      unit: 'microseconds, hdr-histogram-js compressed base64',
      apiLatency: api.encode(),
      timeToDecision: decision.encode(),
      timeToDecisionByTier: { VIP: byTier.VIP.encode(), STANDARD: byTier.STANDARD.encode() },
    });
    await run.write('faults.json', log);
    return summary;
  }

  return { run, seats: () => seats, finish };
}
