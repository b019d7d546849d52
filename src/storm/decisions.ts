import { type AttributeValue, paginateScan } from '@aws-sdk/client-dynamodb';
import type { FunctionContext } from '../functions/model.js';
import type { BookingStatus, Tier } from '../model/booking.js';
import { latencyRecorder, type LatencyRecorder, percentiles } from '../load/histograms.js';
import type { BookingCounts, Percentiles } from '../model/run.js';
import type { DecisionRecord } from '../run-dir/schema.js';

/** A distribution of durations: the HDR histogram (microseconds) as src/load/histograms.ts encodes it, and its percentiles in ms. */
export interface EncodedDistribution {
  histogram: string;
  percentiles: Percentiles;
}

/**
 * What the bookings table says at the end of a run.
 * - `bookings`: every booking the API accepted (each has a row), by status; `undecided`
 *   are those not in a final status (PENDING, HELD, WAITLISTED).
 * - `seatsSold`: distinct seats with a CONFIRMED booking.
 * - `timeToDecision`: decidedAt − createdAt of every booking decided CONFIRMED, REJECTED
 *   or PAYMENT_FAILED (ESCALATED ones wait for a person, so their time says nothing of
 *   the system), overall and per tier. createdAt is when the booking API stored the
 *   booking, within the request.
 * - `statuses`: every booking's status, by bookingId, for joining other per-booking
 *   figures (AWS calls) to outcomes.
 * - `records`: every booking's outcome and times (decisions.json, for the report's
 *   time-to-decision over time).
 */
export interface DecisionSummary {
  bookings: BookingCounts;
  seatsSold: number;
  statuses: Map<string, BookingStatus>;
  records: DecisionRecord[];
  timeToDecision: { all: EncodedDistribution; byTier: Record<Tier, EncodedDistribution> };
}

/** Segments of the parallel scan: enough to overlap round trips, few enough for a local endpoint. */
const scanSegments = 4;

/** The attributes a decision needs; the scan reads no others. */
const attributes = ['bookingId', 'seatId', 'tier', 'status', 'createdAt', 'decidedAt'] as const;

const timedStatuses: ReadonlySet<BookingStatus> = new Set(['CONFIRMED', 'REJECTED', 'PAYMENT_FAILED']);

const tiers: readonly Tier[] = ['VIP', 'STANDARD'];

/** The count each final status adds to; the others are undecided. */
const countedAs: Partial<Record<BookingStatus, keyof BookingCounts>> = {
  CONFIRMED: 'confirmed',
  REJECTED: 'rejected',
  PAYMENT_FAILED: 'paymentFailed',
  ESCALATED: 'escalated',
};

/**
 * Reads the bookings of one run from the stack's bookings table (a parallel, strongly
 * consistent scan of the few attributes needed; a stack keeps the bookings of every run
 * made on it, and a run's requestIds all begin with `requestIdPrefix`) and sums up the
 * decisions: see {@link DecisionSummary}. Memory grows with the number of bookings
 * (an id, a status and two times each). SDK errors pass through.
 */
export async function readDecisions(context: FunctionContext, requestIdPrefix: string): Promise<DecisionSummary> {
  const bookings: BookingCounts = { accepted: 0, confirmed: 0, rejected: 0, paymentFailed: 0, escalated: 0, undecided: 0 };
  const soldSeats = new Set<string>();
  const statuses = new Map<string, BookingStatus>();
  const records: DecisionRecord[] = [];
  const all = latencyRecorder();
  const byTier = Object.fromEntries(tiers.map((tier) => [tier, latencyRecorder()])) as Record<Tier, LatencyRecorder>;

  const take = (item: Record<string, AttributeValue>) => {
    const status = item.status?.S as BookingStatus;
    bookings.accepted += 1;
    if (item.bookingId?.S !== undefined) {
      statuses.set(item.bookingId.S, status);
      const decidedAt = item.decidedAt?.N === undefined ? {} : { decidedAt: Number(item.decidedAt.N) };
      records.push({ bookingId: item.bookingId.S, tier: item.tier?.S as Tier, status, createdAt: Number(item.createdAt?.N ?? 0), ...decidedAt });
    }
    const counted = countedAs[status];
    if (counted) bookings[counted] += 1;
    else bookings.undecided += 1;
    if (status === 'CONFIRMED' && item.seatId?.S !== undefined) soldSeats.add(item.seatId.S);
    if (!timedStatuses.has(status) || item.decidedAt?.N === undefined || item.createdAt?.N === undefined) return;
    // Two processes' clocks (API, worker) may disagree by a hair: never a negative duration.
    const ms = Math.max(0, Number(item.decidedAt.N) - Number(item.createdAt.N));
    all.record(ms);
    byTier[item.tier?.S as Tier]?.record(ms);
  };

  const table = context.resources.names.tables.bookings;
  await Promise.all(
    Array.from({ length: scanSegments }, async (_, segment) => {
      const pages = paginateScan(
        { client: context.clients.dynamodb },
        {
          TableName: table,
          Segment: segment,
          TotalSegments: scanSegments,
          ConsistentRead: true,
          // `status` is a reserved word: every name goes through a placeholder.
          ProjectionExpression: attributes.map((name) => `#${name}`).join(', '),
          FilterExpression: 'begins_with(#requestId, :run)',
          ExpressionAttributeNames: Object.fromEntries([...attributes, 'requestId'].map((name) => [`#${name}`, name])),
          ExpressionAttributeValues: { ':run': { S: requestIdPrefix } },
        },
      );
      for await (const page of pages) page.Items?.forEach(take);
    }),
  );

  return {
    bookings,
    seatsSold: soldSeats.size,
    statuses,
    records,
    timeToDecision: {
      all: encoded(all),
      byTier: Object.fromEntries(tiers.map((tier) => [tier, encoded(byTier[tier])])) as Record<Tier, EncodedDistribution>,
    },
  };
}

function encoded(recorder: LatencyRecorder): EncodedDistribution {
  const histogram = recorder.encode();
  return { histogram, percentiles: percentiles(histogram) };
}
