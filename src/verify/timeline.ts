import { parseSeatId } from '../event.js';
import { refundKey } from '../functions/gateway-client.js';
import type { Booking, Ticket } from '../model/booking.js';
import { moneyIn, type LedgerEntry, type MoneyState } from '../gateway/ledger.js';
import type { RequestLogEntry } from '../load/run-load.js';
import type { ExecutionRecord, SeatRecord, VerifyEvidence } from './model.js';
import type { TimelineEvent } from '../model/verdict.js';
import { bookingIdOfExecution } from '../functions/reconciler.js';

/**
 * The evidence looked up by booking and by seat, so that every checker stays linear in
 * the size of the evidence, and the time line of a counterexample's bookings.
 */

/** The evidence, indexed. Every map answers only what the evidence holds: a booking with no ticket has no entry in `tickets`. */
export interface EvidenceIndex {
  evidence: VerifyEvidence;
  /** bookingId → its row, every run's. */
  bookings: ReadonlyMap<string, Booking>;
  /**
   * seatId → its bookings, for the seats the run is judged on: its event's seats, or every
   * seat of the stack for a run that recorded no event (made before events). Every run's
   * bookings of those seats, as a seat's history is one, in the order the table listed them.
   */
  runSeats: ReadonlyMap<string, readonly Booking[]>;
  seats: ReadonlyMap<string, SeatRecord>;
  /** bookingId → the requests that asked for it (retries included, and attempts that got no answer). */
  requests: ReadonlyMap<string, readonly RequestLogEntry[]>;
  /** bookingId → its ledger entries in ledger order; empty when the run has no ledger. */
  ledger: ReadonlyMap<string, readonly LedgerEntry[]>;
  tickets: ReadonlyMap<string, readonly Ticket[]>;
  /** bookingId → its executions (the first named after it, the reconciler's restarts `<bookingId>-r<n>`), in the order they started. */
  executions: ReadonlyMap<string, readonly ExecutionRecord[]>;
  /** The bookings of this run (requestId begins with the run's prefix), in table order. */
  runBookings: readonly Booking[];
}

// Every checker asks for the index of the same evidence: built once, dropped with the evidence.
const indexes = new WeakMap<VerifyEvidence, EvidenceIndex>();

/**
 * The index of the evidence, built on the first call and remembered for later ones (the
 * evidence must not change after that). Linear in the size of the evidence.
 */
export function indexOf(evidence: VerifyEvidence): EvidenceIndex {
  let index = indexes.get(evidence);
  if (index === undefined) {
    index = buildIndex(evidence);
    indexes.set(evidence, index);
  }
  return index;
}

function buildIndex(evidence: VerifyEvidence): EvidenceIndex {
  const bookings = new Map<string, Booking>();
  const runSeats = new Map<string, Booking[]>();
  const judged = (seatId: string) => evidence.event === undefined || parseSeatId(seatId).event === evidence.event;
  const bookingOfRequest = new Map<string, string>();
  for (const booking of evidence.bookings) {
    bookings.set(booking.bookingId, booking);
    if (judged(booking.seatId)) push(runSeats, booking.seatId, booking);
    bookingOfRequest.set(booking.requestId, booking.bookingId);
  }

  // An attempt that got no answer has no bookingId: its requestId, shared with its retries, names the booking.
  for (const request of evidence.requests ?? []) {
    if (request.bookingId !== undefined && !bookingOfRequest.has(request.requestId)) bookingOfRequest.set(request.requestId, request.bookingId);
  }
  const requests = new Map<string, RequestLogEntry[]>();
  for (const request of evidence.requests ?? []) {
    // An answered attempt belongs to the booking it was answered with (a request booked twice has two).
    const bookingId = request.bookingId ?? bookingOfRequest.get(request.requestId);
    if (bookingId !== undefined) push(requests, bookingId, request);
  }

  const executions = groupBy(evidence.executions, (execution) => bookingIdOfExecution(execution.name));
  for (const started of executions.values()) started.sort((a, b) => a.startDate - b.startDate);

  return {
    evidence,
    bookings,
    runSeats,
    seats: new Map(evidence.seats.map((seat) => [seat.seatId, seat])),
    requests,
    ledger: groupBy(evidence.ledger ?? [], (entry) => entry.bookingId),
    tickets: groupBy(evidence.tickets, (ticket) => ticket.bookingId),
    executions,
    runBookings: evidence.bookings.filter((booking) => booking.requestId.startsWith(evidence.requestIdPrefix)),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupBy<K, V>(values: readonly V[], keyOf: (value: V) => K): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const value of values) push(groups, keyOf(value), value);
  return groups;
}

/** A booking's money as the ledger has it (captures − refunds), in cents; zeros for a booking with no entry. */
export function moneyOf(index: EvidenceIndex, bookingId: string): MoneyState {
  return moneyIn(bookingId, index.ledger.get(bookingId) ?? []);
}

/**
 * What the evidence says happened to the bookings, in time order: requests, storage,
 * decision, gateway entries, ticket, saga start and end; then, untimed, what is true now
 * (FIFO sequence, place on the seat, a saga still running).
 */
export function timelineOf(index: EvidenceIndex, bookingIds: readonly string[]): TimelineEvent[] {
  const timed: TimelineEvent[] = [];
  const now: TimelineEvent[] = [];
  for (const bookingId of bookingIds) {
    const event = (what: string, at?: number) => (at === undefined ? now.push({ bookingId, what }) : timed.push({ at, bookingId, what }));
    const booking = index.bookings.get(bookingId);

    (index.requests.get(bookingId) ?? []).forEach((request, attempt) => event(requestPhrase(request, attempt), request.sentAt));

    if (booking === undefined) event('not in the bookings table');
    else {
      event('booking stored', booking.createdAt);
      if (booking.decidedAt !== undefined) event(`decided ${booking.status}${booking.reason ? `: ${booking.reason}` : ''}`, booking.decidedAt);
      else event(`${booking.status} now`);
      // The sequence is written with the decision, whose time is not kept once the booking moves on.
      if (booking.sequence !== undefined) event(`FIFO sequence ${booking.sequence}`);
      else event('no FIFO sequence');
    }

    for (const entry of index.ledger.get(bookingId) ?? []) event(ledgerPhrase(entry), Date.parse(entry.at));
    for (const ticket of index.tickets.get(bookingId) ?? []) event(`ticket ${ticket.ticketId} issued`, ticket.issuedAt);
    for (const execution of index.executions.get(bookingId) ?? []) {
      event('saga started', execution.startDate);
      if (execution.stopDate !== undefined) event(`saga ended ${execution.status}`, execution.stopDate);
      else event(`saga ${execution.status} now`);
    }

    const seatId = booking?.seatId ?? index.requests.get(bookingId)?.[0]?.seatId;
    if (seatId !== undefined) event(placePhrase(bookingId, seatId, index.seats.get(seatId)));
  }
  // A stable sort keeps each booking's events in the order written when times tie.
  return [...timed.sort((a, b) => a.at! - b.at!), ...now];
}

function requestPhrase(request: RequestLogEntry, attempt: number): string {
  const answer = request.status === 0 ? `no answer${request.error ? `: ${request.error}` : ''}` : String(request.status);
  return `${attempt === 0 ? 'request sent' : 'request sent again'} (${answer})`;
}

/** "charge captured 4200 (response lost)", "refund refunded 4200", "charge declined", "refund failed 4200 (not applied)". */
function ledgerPhrase(entry: LedgerEntry): string {
  const lost = entry.responseLost ? ' (response lost)' : '';
  switch (entry.type) {
    case 'charge':
      return `charge ${entry.outcome} ${entry.amount}${lost}`;
    case 'refund':
      return entry.outcome === 'nothing_to_refund' ? `refund: nothing to refund${lost}` : `refund ${entry.outcome} ${entry.amount}${lost}`;
    case 'decline':
      return `charge declined${lost}`;
    case 'error':
      // A prefix: a refund under a key of its own (the sabotages') is still a refund.
      return `${entry.idempotencyKey.startsWith(refundKey(entry.bookingId)) ? 'refund' : 'charge'} failed ${entry.amount} (not applied)${lost}`;
  }
}

function placePhrase(bookingId: string, seatId: string, seat: SeatRecord | undefined): string {
  if (seat === undefined) return `seat ${seatId} has no row`;
  if (seat.holder === bookingId) return `holds seat ${seatId} now, ${seat.sold ? 'sold' : 'unsold'}`;
  const place = seat.line.indexOf(bookingId);
  if (place >= 0) return `${ordinal(place + 1)} in line of seat ${seatId}`;
  return seat.seen.includes(bookingId) ? `no longer on seat ${seatId}` : `never placed on seat ${seatId}`;
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
