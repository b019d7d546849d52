import { createHash } from 'node:crypto';
import { BooksimError, ExitCode } from '../errors.js';
import { seatIdOf, validateEventName } from '../event.js';
import type { BookingRequest, Tier } from '../model/booking.js';
import { seededRandom, type Random } from '../random.js';
import type { LoadShape, PlanShard } from '../model/plan.js';

/** One request of the plan, in the order of the open-loop schedule. */
export interface PlannedRequest {
  index: number;
  /** ms after the start at which the open-loop schedule sends it */
  intendedAtMs: number;
  body: BookingRequest;
  /** index of the request this one retries (same requestId and body) */
  duplicateOf?: number;
}

/** More than this and the plan and the request log stop fitting comfortably in memory. */
const maxRequests = 1_000_000;

/** Prices in cents, by tier. */
const amounts: Record<Tier, number> = { STANDARD: 5000, VIP: 12000 };

/** A client retry comes this long after the attempt it repeats: a short client timeout. */
const retryDelayMs = { min: 50, max: 500 };

/**
 * How many seats are fought over at any moment: each seat's requests are spread over the
 * span in which this many seats' worth of requests are sent, so the window of contested
 * seats slides over the run instead of every seat being requested all along.
 */
const activeSeats = 5;

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function usage(message: string, suggestion: string): BooksimError {
  return new BooksimError(message, ExitCode.usage, [suggestion]);
}

/** The number of requests a valid shape plans: `bookings`, or rps × duration rounded. */
export function totalRequests(shape: LoadShape): number {
  return shape.bookings ?? Math.round(shape.rps * (shape.durationSeconds ?? 0));
}

/**
 * Checks a load shape and returns it unchanged; throws {@link BooksimError} (exit 2) with
 * a message naming the flag at fault.
 */
export function validateLoadShape(shape: LoadShape): LoadShape {
  const { rps, seats, event, contention, duplicates, vip, seed, durationSeconds, bookings } = shape;
  if (event !== undefined) validateEventName(event);
  if (!isFiniteNumber(rps) || rps <= 0) throw usage(`--rps must be a positive number of requests per second (got ${rps})`, 'e.g. --rps 500');
  if (!Number.isSafeInteger(seats) || seats < 1) throw usage(`--seats must be a whole number of at least 1 (got ${seats})`, 'e.g. --seats 100');
  if (!isFiniteNumber(contention) || contention < 1) {
    throw usage(`--contention must be a number of at least 1: the mean number of requests per requested seat (got ${contention})`, 'e.g. --contention 5');
  }
  for (const [flag, value] of [['duplicates', duplicates], ['vip', vip]] as const) {
    if (!isFiniteNumber(value) || value < 0 || value > 1) throw usage(`--${flag} must be a fraction between 0 and 1 (got ${value})`, `e.g. --${flag} 0.2`);
  }
  if (!Number.isSafeInteger(seed)) throw usage(`--seed must be a whole number (got ${seed})`, 'e.g. --seed 42');
  if ((durationSeconds === undefined) === (bookings === undefined)) {
    throw usage('give exactly one of --duration and --bookings: how long the load runs, or how many requests it sends', 'e.g. --duration 20s or --bookings 1000');
  }
  if (durationSeconds !== undefined && (!isFiniteNumber(durationSeconds) || durationSeconds <= 0)) {
    throw usage(`--duration must be a positive time (got ${durationSeconds} s)`, 'e.g. --duration 20s');
  }
  if (bookings !== undefined && (!Number.isSafeInteger(bookings) || bookings < 1)) {
    throw usage(`--bookings must be a whole number of at least 1 (got ${bookings})`, 'e.g. --bookings 1000');
  }
  const total = totalRequests(shape);
  if (total < 1) throw usage(`--rps ${rps} for ${durationSeconds} s sends no request`, 'raise --rps or --duration');
  if (total > maxRequests) {
    throw usage(`the load would send ${total} requests, more than the limit of ${maxRequests}`, 'lower --rps, --duration or --bookings');
  }
  return shape;
}

/**
 * Decides which requests retry an earlier one: request i retries with probability
 * `duplicates` the request sent a client-retry delay before it (or what that one retried),
 * when there is one. Returns, per index, the index of the original or undefined.
 */
function pickRetries(total: number, shape: LoadShape, random: Random): Array<number | undefined> {
  const retries = new Array<number | undefined>(total).fill(undefined);
  for (let index = 0; index < total; index++) {
    if (random() >= shape.duplicates) continue;
    const delayMs = retryDelayMs.min + random() * (retryDelayMs.max - retryDelayMs.min);
    const earlier = index - Math.max(1, Math.round((delayMs * shape.rps) / 1000));
    if (earlier >= 0) retries[index] = retries[earlier] ?? earlier;
  }
  return retries;
}

/**
 * Seats for `count` distinct requests, in send order: about count / contention seats (at
 * most `seats`), each requested equally often (±1), so the mean per requested seat is the
 * contention exactly unless the seats run out. Requests are laid out seat after seat, then
 * each is moved by a random amount within {@link activeSeats} seats' worth of requests, so
 * customers of a seat arrive together, interleaved with those of its neighbours.
 */
function assignSeats(count: number, shape: LoadShape, random: Random): number[] {
  const requested = Math.min(shape.seats, Math.max(1, Math.round(count / shape.contention)));
  const perSeat = count / requested;
  const window = activeSeats * perSeat;
  return Array.from({ length: count }, (_, position) => ({ seat: Math.floor(position / perSeat), key: position + random() * window }))
    .sort((a, b) => a.key - b.key)
    .map(({ seat }) => seat);
}

/**
 * The requests of a load, pure and seeded: the same shape gives the same plan exactly.
 * Request i is sent i / rps seconds after the start. Ids carry a tag drawn from the seed,
 * so runs with different seeds do not reuse each other's requestIds. Throws
 * {@link BooksimError} for an invalid shape (see {@link validateLoadShape}).
 */
export function planRequests(shape: LoadShape): PlannedRequest[] {
  validateLoadShape(shape);
  const total = totalRequests(shape);
  const random = seededRandom(shape.seed);
  const tag = Math.floor(random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
  const retries = pickRetries(total, shape, random);
  const originals = retries.filter((original) => original === undefined).length;
  const seats = assignSeats(originals, shape, random);
  const digits = Math.max(6, String(total).length);

  const plan: PlannedRequest[] = [];
  let customer = 0;
  for (let index = 0; index < total; index++) {
    const intendedAtMs = (index * 1000) / shape.rps;
    const original = retries[index];
    if (original !== undefined) {
      plan.push({ index, intendedAtMs, body: { ...plan[original]!.body }, duplicateOf: original });
      continue;
    }
    const tier: Tier = random() < shape.vip ? 'VIP' : 'STANDARD';
    plan.push({
      index,
      intendedAtMs,
      body: {
        seatId: seatIdOf(shape.event, seats[customer]! + 1),
        customerId: `${tag}-C${String(customer + 1).padStart(digits, '0')}`,
        requestId: `${tag}-R${String(index).padStart(digits, '0')}`,
        tier,
        amount: amounts[tier],
      },
    });
    customer++;
  }
  return plan;
}

/** Reads `--shard i/n`: 1 ≤ i ≤ n; a BooksimError (exit 2) otherwise. */
export function parseShard(text: string): PlanShard {
  const parts = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(parts?.[1]);
  const count = Number(parts?.[2]);
  if (!parts || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw usage(`--shard must be i/n with 1 ≤ i ≤ n: this host's part of the plan and the number of parts (got "${text}")`, 'e.g. --shard 1/2 on one host and --shard 2/2 on another');
  }
  return { index, count };
}

/**
 * A shard's requests, like k6's execution segments: request `index` belongs to shard
 * (index mod count) + 1, so the shards partition the plan exactly, each sends about rate /
 * count, and every request keeps its ids, its body and its intended send time.
 */
export function shardOf(plan: PlannedRequest[], shard: PlanShard): PlannedRequest[] {
  return plan.filter((request) => request.index % shard.count === shard.index - 1);
}

/**
 * The id of a sharded plan: `plan-` and 10 hex digits of a hash of the load shape (seed
 * included), so that every shard given the same flags names the same plan, and a
 * different seed, rate or size names another.
 */
export function planIdOf(shape: LoadShape): string {
  const { seats, event, contention, duplicates, vip, seed, rps, durationSeconds, bookings } = shape;
  const canonical = JSON.stringify([seats, event ?? null, contention, duplicates, vip, seed, rps, durationSeconds ?? null, bookings ?? null]);
  return `plan-${createHash('sha256').update(canonical).digest('hex').slice(0, 10)}`;
}
