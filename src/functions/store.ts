import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type FunctionContext } from './model.js';
import { finalStatuses, type Booking, type BookingMessage, type BookingStatus, type Seat, type Tier } from '../model/booking.js';

/**
 * DynamoDB access for bookings and seats. DynamoDB (and dynalite behind booksim local)
 * offers no transaction here that every endpoint supports, so each operation is one
 * single-item conditional write, and the handlers order them so that a redelivery, a
 * retried task, a crash between two writes or a concurrent worker replays to the same
 * state. Expressions name every attribute as `#name` (see {@link update}), since
 * DynamoDB reserves words such as `status`.
 *
 * Besides the {@link Seat} fields, a seat item keeps `seen`: the string set of every
 * booking the inventory function ever placed on the seat. It is what makes placing a
 * booking idempotent even after the booking left the seat (released, rejected), so that
 * a late redelivery cannot put it back.
 *
 * The line is only ever shortened from the front, by a release. A booking rejected
 * because the seat was sold stays in it: rejecting then costs one write, and a release
 * (which only follows a failed sale, rarely after rejections) passes over it.
 */

type Item = Record<string, AttributeValue>;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number | string): AttributeValue => ({ N: String(value) });

/** Optimistic loops (read, then write on condition the read is still true) give up after this many lost races. */
const maxRaces = 20;

/** Runs a conditional write: true if applied, false if its condition failed; other errors pass through. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * An UpdateItem on one key, conditional unless no condition is given: true if applied,
 * false if its condition failed.
 * Every `#name` in the expressions stands for the attribute `name`, so
 * ExpressionAttributeNames is derived rather than written out (and never lists a name the
 * expressions do not use, which DynamoDB rejects); every `:value` given must be used.
 * Exported for the reconciler's counters on booking rows.
 */
export function update(
  ctx: FunctionContext,
  table: string,
  key: Item,
  expression: { update: string; condition?: string; values: Item },
): Promise<boolean> {
  const names = Object.fromEntries([...`${expression.update} ${expression.condition ?? ''}`.matchAll(/#(\w+)/g)].map(([token, name]) => [token, name!]));
  const input: UpdateItemCommandInput = {
    TableName: table,
    Key: key,
    UpdateExpression: expression.update,
    ...(expression.condition !== undefined ? { ConditionExpression: expression.condition } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: expression.values,
  };
  return conditional(ctx.clients.dynamodb.send(new UpdateItemCommand(input)));
}

async function getItem(ctx: FunctionContext, table: string, key: Item): Promise<Item | undefined> {
  const { Item } = await ctx.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return Item;
}

const bookingsTable = (ctx: FunctionContext) => ctx.resources.names.tables.bookings;
const seatsTable = (ctx: FunctionContext) => ctx.resources.names.tables.seats;

function bookingToItem(booking: Booking): Item {
  const item: Item = {
    bookingId: s(booking.bookingId),
    seatId: s(booking.seatId),
    customerId: s(booking.customerId),
    requestId: s(booking.requestId),
    tier: s(booking.tier),
    amount: n(booking.amount),
    status: s(booking.status),
    createdAt: n(booking.createdAt),
    updatedAt: n(booking.updatedAt),
  };
  if (booking.sequence !== undefined) item.sequence = n(booking.sequence);
  if (booking.decidedAt !== undefined) item.decidedAt = n(booking.decidedAt);
  if (booking.reason !== undefined) item.reason = s(booking.reason);
  return item;
}

/** A bookings-table item as a {@link Booking} (what `verify` reads with a Scan, too). */
export function bookingFromItem(item: Item): Booking {
  const str = (name: string) => item[name]?.S ?? '';
  const num = (name: string) => Number(item[name]?.N);
  return {
    bookingId: str('bookingId'),
    seatId: str('seatId'),
    customerId: str('customerId'),
    requestId: str('requestId'),
    tier: str('tier') as Tier,
    amount: num('amount'),
    status: str('status') as BookingStatus,
    createdAt: num('createdAt'),
    updatedAt: num('updatedAt'),
    // Kept as the decimal text DynamoDB returns (canonical: no leading zeros): 20-digit sequence numbers exceed a double's precision.
    ...(item.sequence?.N !== undefined ? { sequence: item.sequence.N } : {}),
    ...(item.decidedAt?.N !== undefined ? { decidedAt: num('decidedAt') } : {}),
    ...(item.reason?.S !== undefined ? { reason: item.reason.S } : {}),
  };
}

/** The booking, read consistently; undefined if there is none with this id. */
export async function getBooking(ctx: FunctionContext, bookingId: string): Promise<Booking | undefined> {
  const item = await getItem(ctx, bookingsTable(ctx), { bookingId: s(bookingId) });
  return item && bookingFromItem(item);
}

/**
 * Creates the booking as PENDING unless a booking with its id exists (a client retry).
 * Answers the booking as stored and whether this call created it; an existing one is
 * returned unchanged, whatever `message` says.
 */
export async function putPendingBooking(ctx: FunctionContext, message: BookingMessage): Promise<{ booking: Booking; created: boolean }> {
  const now = ctx.clock.now();
  const booking: Booking = { ...message, status: 'PENDING', createdAt: now, updatedAt: now };
  const put = new PutItemCommand({
    TableName: bookingsTable(ctx),
    Item: bookingToItem(booking),
    ConditionExpression: 'attribute_not_exists(bookingId)',
  });
  if (await conditional(ctx.clients.dynamodb.send(put))) return { booking, created: true };
  const existing = await getBooking(ctx, message.bookingId);
  // Only a delete between the two calls could make it vanish; nothing in booksim deletes bookings.
  if (!existing) throw new Error(`booking ${message.bookingId} existed a moment ago and is gone`);
  return { booking: existing, created: false };
}

/**
 * Moves the booking to `status` if its current status is one of `from`: true if it
 * changed, false if the condition failed (already done, or not allowed; re-read to
 * tell). Sets updatedAt, decidedAt when `status` is final, and the reason and the
 * inventory sequence number when given.
 */
export async function setBookingStatus(
  ctx: FunctionContext,
  bookingId: string,
  status: BookingStatus,
  options: { from: BookingStatus[]; reason?: string; sequence?: string },
): Promise<boolean> {
  // DynamoDB has no empty IN list, and an empty `from` allows nothing.
  if (options.from.length === 0) return false;
  const now = n(ctx.clock.now());
  const sets = ['#status = :status', '#updatedAt = :now'];
  const values: Item = { ':status': s(status), ':now': now };
  if (finalStatuses.has(status)) sets.push('#decidedAt = :now');
  if (options.reason !== undefined) {
    sets.push('#reason = :reason');
    values[':reason'] = s(options.reason);
  }
  if (options.sequence !== undefined) {
    sets.push('#sequence = :sequence');
    values[':sequence'] = n(options.sequence);
  }
  options.from.forEach((from, i) => (values[`:from${i}`] = s(from)));
  const allowed = options.from.map((_, i) => `:from${i}`).join(', ');
  return update(ctx, bookingsTable(ctx), { bookingId: s(bookingId) }, {
    update: `SET ${sets.join(', ')}`,
    // Also false for a missing booking: an update must not create one.
    condition: `#status IN (${allowed})`,
    values,
  });
}

/** A seats-table item: the {@link Seat}, and `seen` (see the module comment). */
export interface SeatItem extends Seat {
  /** Every booking ever placed on the seat (see the module comment). */
  seen: string[];
}

/** A seats-table item as the seat with `seen`; no item (a seat no booking reached) is a free seat. */
export function seatFromItem(seatId: string, item: Item | undefined): SeatItem {
  return {
    seatId,
    ...(item?.holder?.S !== undefined ? { holder: item.holder.S } : {}),
    line: (item?.line?.L ?? []).map((entry) => entry.S ?? ''),
    sold: item?.sold?.BOOL ?? false,
    seen: item?.seen?.SS ?? [],
  };
}

/** The seat with `seen`, read consistently (see {@link seatFromItem}). */
export async function readSeat(ctx: FunctionContext, seatId: string): Promise<SeatItem> {
  return seatFromItem(seatId, await getItem(ctx, seatsTable(ctx), { seatId: s(seatId) }));
}

/** The seat, read consistently; a seat no booking ever reached is free: `{seatId, line: [], sold: false}`. */
export async function getSeat(ctx: FunctionContext, seatId: string): Promise<Seat> {
  const { seen: _seen, ...seat } = await readSeat(ctx, seatId);
  return seat;
}

/** Where {@link placeOnSeat} put a booking: holder, in line, or no longer on the seat (a holder that gave it up). */
export type Placement = 'holder' | 'line' | 'gone';

const placementIn = (seat: SeatItem, bookingId: string): Placement | 'unplaced' =>
  !seat.seen.includes(bookingId) ? 'unplaced' : seat.holder === bookingId ? 'holder' : seat.line.includes(bookingId) ? 'line' : 'gone';

/** Where the inventory function placed the booking on the seat as read ('unplaced': not yet), and the seat. */
export function placementOn(item: SeatItem, bookingId: string): { placement: Placement | 'unplaced'; seat: Seat } {
  const { seen: _seen, ...seat } = item;
  return { placement: placementIn(item, bookingId), seat };
}

/** {@link placementOn} the seat as it is now, in one consistent read. */
export async function placementOf(ctx: FunctionContext, seatId: string, bookingId: string): Promise<{ placement: Placement | 'unplaced'; seat: Seat }> {
  return placementOn(await readSeat(ctx, seatId), bookingId);
}

/**
 * The two seat writes of a placement, without their conditions: join the end of the line
 * of a held seat, or become the holder of a free one (recording the booking as placed).
 */
function placementWrites(bookingId: string) {
  const values = { ':seen': { SS: [bookingId] }, ':empty': { L: [] } };
  return {
    joinLine: { update: 'SET #line = list_append(if_not_exists(#line, :empty), :one) ADD #seen :seen', values: { ...values, ':one': { L: [s(bookingId)] } } },
    takeSeat: { update: 'SET #holder = :b, #sold = :false, #line = if_not_exists(#line, :empty) ADD #seen :seen', values: { ...values, ':b': s(bookingId), ':false': { BOOL: false } } },
  };
}

/**
 * Places the booking on its seat, once: it becomes the holder of a free seat, or joins
 * the end of the line of a held one. A booking placed before (a redelivery, a retry
 * after a crash) is not placed again; the answer then says where it is now. Concurrent
 * placements of different bookings are ordered by DynamoDB.
 *
 * Both writes are conditional; `held` only says which to try first (one write when it is
 * right, two when not): whether the caller believes the seat has a holder. Default true:
 * most bookings of a contended seat wait.
 */
export async function placeOnSeat(ctx: FunctionContext, seatId: string, bookingId: string, held = true): Promise<Placement> {
  if (ctx.sabotage?.has('no-conditional-write')) return placeOnSeatUnguarded(ctx, seatId, bookingId);
  const key = { seatId: s(seatId) };
  const { joinLine, takeSeat } = placementWrites(bookingId);
  const join = () =>
    update(ctx, seatsTable(ctx), key, { ...joinLine, condition: 'attribute_exists(#holder) AND NOT contains(#seen, :b)', values: { ...joinLine.values, ':b': s(bookingId) } });
  const take = () => update(ctx, seatsTable(ctx), key, { ...takeSeat, condition: 'attribute_not_exists(#holder) AND NOT contains(#seen, :b)' });
  const attempts: Array<[() => Promise<boolean>, Placement]> = held ? [[join, 'line'], [take, 'holder']] : [[take, 'holder'], [join, 'line']];
  for (let race = 0; race < maxRaces; race++) {
    for (const [write, placement] of attempts) if (await write()) return placement;
    // Both failed: placed before, or the seat changed hands between the two writes.
    const placement = placementIn(await readSeat(ctx, seatId), bookingId);
    if (placement !== 'unplaced') return placement;
  }
  throw new Error(`could not place booking ${bookingId} on seat ${seatId}: lost ${maxRaces} races in a row`);
}

/**
 * The sabotage `no-conditional-write`'s placement: read the seat, decide, write — the
 * check-then-act that conditional writes exist to prevent. Two placements of one seat
 * that run at once both find it free, and both make their booking the holder.
 */
async function placeOnSeatUnguarded(ctx: FunctionContext, seatId: string, bookingId: string): Promise<Placement> {
  const seat = await readSeat(ctx, seatId);
  const placed = placementIn(seat, bookingId);
  if (placed !== 'unplaced') return placed;
  const { joinLine, takeSeat } = placementWrites(bookingId);
  const holder = seat.holder === undefined;
  await update(ctx, seatsTable(ctx), { seatId: s(seatId) }, holder ? takeSeat : joinLine);
  return holder ? 'holder' : 'line';
}

/**
 * Marks the seat sold if and only if the booking holds it: true if it does (already sold
 * to it included). Under the sabotage `no-conditional-write` it sells the seat to the
 * booking whoever holds it: the saga's "confirm my hold" trusts what its booking was told.
 */
export function markSeatSold(ctx: FunctionContext, seatId: string, bookingId: string): Promise<boolean> {
  const sell = { update: 'SET #sold = :true, #holder = :b', values: { ':true': { BOOL: true }, ':b': s(bookingId) } };
  if (ctx.sabotage?.has('no-conditional-write')) return update(ctx, seatsTable(ctx), { seatId: s(seatId) }, sell);
  return update(ctx, seatsTable(ctx), { seatId: s(seatId) }, { ...sell, condition: '#holder = :b' });
}

/**
 * The booking gives up the seat: if it holds it, the first in line becomes the holder
 * (the seat unsold again), or the seat becomes free when no one waits. Conditional on
 * the booking still holding the seat, so a retry cannot pass it twice. Answers whether
 * this call passed it, to whom (undefined: freed), and the seat as last read.
 */
export async function passSeat(ctx: FunctionContext, seatId: string, bookingId: string): Promise<{ passed: boolean; to?: string; seat: Seat }> {
  for (let race = 0; race < maxRaces; race++) {
    const { seen: _seen, ...seat } = await readSeat(ctx, seatId);
    if (seat.holder !== bookingId) return { passed: false, seat };
    const next = seat.line[0];
    const values: Item = { ':b': s(bookingId), ':false': { BOOL: false } };
    // Removing line[0] in place (not rewriting the list) keeps a concurrent append.
    const passed =
      next === undefined
        ? await update(ctx, seatsTable(ctx), { seatId: s(seatId) }, {
            update: 'SET #sold = :false REMOVE #holder',
            condition: '#holder = :b AND size(#line) = :zero',
            values: { ...values, ':zero': n(0) },
          })
        : await update(ctx, seatsTable(ctx), { seatId: s(seatId) }, {
            update: 'SET #holder = :next, #sold = :false REMOVE #line[0]',
            condition: '#holder = :b AND #line[0] = :next',
            values: { ...values, ':next': s(next) },
          });
    if (passed) return { passed: true, ...(next !== undefined ? { to: next } : {}), seat };
  }
  throw new Error(`could not release seat ${seatId} from booking ${bookingId}: lost ${maxRaces} races in a row`);
}
