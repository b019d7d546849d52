import { refundKey } from '../../src/functions/gateway-client.js';
import type { Booking, BookingStatus, Ticket } from '../../src/model/booking.js';
import type { LedgerEntry } from '../../src/gateway/ledger.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import type { ExecutionRecord, QueueRecord, SeatRecord, VerifyEvidence } from '../../src/verify/model.js';
import type { Counterexample } from '../../src/model/verdict.js';

/**
 * Evidence for the checkers, built seat by seat as a healthy system would leave it, with
 * the departures a test wants spelled out: `seatWith('S1', ['CONFIRMED', 'REJECTED'])`.
 */

export const runId = 'run-1';
export const price = 4200;
/** Every time of the fixture is a few ms after this. */
export const t0 = Date.UTC(2026, 0, 1, 12);
/** 20 digits, past Number's precision: neighbouring sequences are equal as Numbers. */
const firstSequence = 18_446_744_073_709_551_000n;

/** What the gateway ledger got for a booking, in order. */
export type LedgerStep = 'captured' | 'refunded' | 'declined' | 'nothing to refund' | 'charge failed' | 'refund failed';

/** A booking by its status, with the usual effects of that status unless said otherwise. */
export type BookingSpec =
  | BookingStatus
  | {
      status: BookingStatus;
      /** Default by status: CONFIRMED captured, PAYMENT_FAILED declined, ESCALATED captured then refund failed, else nothing. */
      ledger?: LedgerStep[];
      /** Default: its place in the seat's order; none for a PENDING booking. null: none. */
      sequence?: string | null;
      /** Default by status: CONFIRMED SUCCEEDED, PAYMENT_FAILED and ESCALATED FAILED, HELD RUNNING, else none. */
      execution?: ExecutionRecord['status'] | null;
      /** Default: CONFIRMED has one. */
      ticket?: boolean;
      /** Default true: the booking's request got a 202. */
      acknowledged?: boolean;
      /** Default false: the booking was made by another run on the same stack. */
      otherRun?: boolean;
    };

/** A part of the evidence; {@link evidenceOf} puts parts together. */
export interface EvidencePart {
  bookings?: Booking[];
  seats?: SeatRecord[];
  tickets?: Ticket[];
  executions?: ExecutionRecord[];
  queues?: QueueRecord[];
  /** seq is renumbered by {@link evidenceOf}, in the order of the parts. */
  ledger?: LedgerEntry[];
  requests?: RequestLogEntry[];
}

const defaultLedger: Partial<Record<BookingStatus, LedgerStep[]>> = {
  CONFIRMED: ['captured'],
  PAYMENT_FAILED: ['declined'],
  ESCALATED: ['captured', 'refund failed'],
};

const defaultExecution: Partial<Record<BookingStatus, ExecutionRecord['status']>> = {
  CONFIRMED: 'SUCCEEDED',
  PAYMENT_FAILED: 'FAILED',
  ESCALATED: 'FAILED',
  HELD: 'RUNNING',
};

/** Gave up the seat, or were turned away from it: never its holder at the end. */
const passedOver: ReadonlySet<BookingStatus> = new Set(['PAYMENT_FAILED', 'ESCALATED', 'REJECTED']);

/** The booking id the fixture gives the n-th (1-based) booking of a seat. */
export const bookingOf = (seatId: string, n: number): string => `${seatId}-B${n}`;

const requestIdOf = (bookingId: string, otherRun = false) => `${otherRun ? 'run-0' : runId}-${bookingId}`;

/**
 * A seat and its bookings, in FIFO order (`S1-B1`, `S1-B2`, …), each with the rows,
 * ledger entries, ticket, execution and request its status leaves. The seat's holder is
 * the first booking not passed over, the line those after it; `seat` overrides any of it.
 */
export function seatWith(seatId: string, specs: BookingSpec[], seat: Partial<SeatRecord> = {}): EvidencePart {
  const part: Required<EvidencePart> = { bookings: [], seats: [], tickets: [], executions: [], queues: [], ledger: [], requests: [] };
  specs.forEach((given, i) => {
    const spec = typeof given === 'string' ? { status: given } : given;
    const { status } = spec;
    const bookingId = bookingOf(seatId, i + 1);
    const createdAt = t0 + i * 10;
    const sequence = spec.sequence === undefined ? (status === 'PENDING' ? undefined : String(firstSequence + BigInt(i))) : (spec.sequence ?? undefined);
    part.bookings.push({
      bookingId,
      seatId,
      customerId: `c-${bookingId}`,
      requestId: requestIdOf(bookingId, spec.otherRun),
      tier: 'STANDARD',
      amount: price,
      status,
      ...(sequence !== undefined && { sequence }),
      createdAt,
      updatedAt: createdAt + 1000,
      ...(['CONFIRMED', 'REJECTED', 'PAYMENT_FAILED', 'ESCALATED'].includes(status) && { decidedAt: createdAt + 1000 }),
    });
    (spec.ledger ?? defaultLedger[status] ?? []).forEach((step, k) => part.ledger.push(ledgerEntry(bookingId, step, createdAt + 200 + k * 100)));
    if (spec.ticket ?? status === 'CONFIRMED') part.tickets.push({ bookingId, ticketId: `T-${bookingId}`, seatId, issuedAt: createdAt + 600 });
    const execution = spec.execution === undefined ? defaultExecution[status] : (spec.execution ?? undefined);
    if (execution !== undefined) part.executions.push(executionOf(bookingId, execution, createdAt + 100));
    if (spec.acknowledged ?? true) part.requests.push(acknowledged(bookingId, seatId, createdAt - 10, spec.otherRun));
  });
  const ids = part.bookings.map((booking) => booking.bookingId);
  const holderAt = part.bookings.findIndex((booking) => !passedOver.has(booking.status));
  part.seats.push({
    seatId,
    ...(holderAt >= 0 && { holder: ids[holderAt] }),
    line: holderAt >= 0 ? ids.slice(holderAt + 1) : [],
    sold: holderAt >= 0 && part.bookings[holderAt]!.status === 'CONFIRMED',
    seen: ids,
    ...seat,
  });
  return part;
}

const ledgerSteps: Record<LedgerStep, [LedgerEntry['type'], LedgerEntry['outcome'], number]> = {
  captured: ['charge', 'captured', price],
  refunded: ['refund', 'refunded', price],
  declined: ['decline', 'declined', price],
  'nothing to refund': ['refund', 'nothing_to_refund', 0],
  'charge failed': ['error', 'failed', price],
  'refund failed': ['error', 'failed', price],
};

/** A ledger entry as the gateway writes it for the step (seq to be numbered by {@link evidenceOf}). */
export function ledgerEntry(bookingId: string, step: LedgerStep, at: number, responseLost = false): LedgerEntry {
  const [type, outcome, amount] = ledgerSteps[step];
  const idempotencyKey = type === 'refund' || step === 'refund failed' ? refundKey(bookingId) : `charge:${bookingId}`;
  return { seq: 0, at: new Date(at).toISOString(), type, bookingId, idempotencyKey, amount, outcome, ...(responseLost && { responseLost }) };
}

/** A saga execution named after the booking; one that ended stopped 800 ms after it started, one that failed in the saga's BookingFailed (after compensating). */
export function executionOf(bookingId: string, status: ExecutionRecord['status'], startDate: number): ExecutionRecord {
  const ended = status !== 'RUNNING' && status !== 'PENDING_REDRIVE';
  return {
    name: bookingId,
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:saga:${bookingId}`,
    status,
    startDate,
    ...(ended && { stopDate: startDate + 800 }),
    ...(status === 'FAILED' && { error: 'BookingFailed' }),
  };
}

/** A request the API answered 202 with the booking's id. */
export function acknowledged(bookingId: string, seatId: string, sentAt: number, otherRun = false): RequestLogEntry {
  return { index: 0, requestId: requestIdOf(bookingId, otherRun), seatId, tier: 'STANDARD', intendedAt: sentAt, sentAt, latencyMs: 5, status: 202, bookingId };
}

/** A queue of the stack and the messages it holds. */
export function queue(name: string, visible: number, inFlight: number, deadLetter = false): QueueRecord {
  return { name, deadLetter, visible, inFlight };
}

/** The stack's drained queues. */
export const drainedQueues: QueueRecord[] = [queue('inventory.fifo', 0, 0), queue('payment.fifo', 0, 0), queue('inventory-dlq.fifo', 0, 0, true)];

/** The evidence of a settled run made of the parts (with the drained queues, unless a part brings queues), ledger and request log included. */
export function evidenceOf(...parts: EvidencePart[]): VerifyEvidence {
  const all = <K extends keyof EvidencePart>(key: K) => parts.flatMap((part): unknown[] => part[key] ?? []) as NonNullable<EvidencePart[K]>;
  const queues = all('queues');
  return {
    runId,
    requestIdPrefix: `${runId}-`,
    bookings: all('bookings'),
    seats: all('seats'),
    tickets: all('tickets'),
    executions: all('executions'),
    queues: queues.length > 0 ? queues : drainedQueues,
    ledger: all('ledger').map((entry, i) => ({ ...entry, seq: i + 1 })),
    requests: all('requests').map((request, i) => ({ ...request, index: i })),
    settled: true,
  };
}

/** A counterexample's time line as "booking: what" lines, timed or not, in order. */
export function timeline(counterexample: Counterexample | undefined): string[] {
  return (counterexample?.events ?? []).map((event) => `${event.bookingId ?? '-'}: ${event.what}`);
}
