import type { Seat } from '../model/booking.js';
import { getItem, maxRaces, n, s, update, type Item } from './dynamo.js';
import type { FunctionContext } from './model.js';

/**
 * The seats table: where the inventory function records its decisions. Besides the
 * {@link Seat} fields, a seat item keeps `seen`: the string set of every booking the
 * inventory function ever placed on the seat. It is what makes placing a booking
 * idempotent even after the booking left the seat (released, rejected), so that a late
 * redelivery cannot put it back.
 *
 * The line is only ever shortened from the front, by a release. A booking rejected
 * because the seat was sold stays in it: rejecting then costs one write, and a release
 * (which only follows a failed sale, rarely after rejections) passes over it.
 */

const seatsTable = (ctx: FunctionContext) => ctx.resources.names.tables.seats;

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

/** A seat with `seen` as its seats-table item (the inverse of {@link seatFromItem}); what the inventory function's updates build up. */
export function seatToItem(seat: SeatItem): Item {
  return {
    seatId: s(seat.seatId),
    ...(seat.holder !== undefined ? { holder: s(seat.holder) } : {}),
    line: { L: seat.line.map((bookingId) => s(bookingId)) },
    sold: { BOOL: seat.sold },
    ...(seat.seen.length > 0 ? { seen: { SS: seat.seen } } : {}),
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

/** The write that frees a seat: no holder, unsold. */
const freeTheSeat = 'SET #sold = :false REMOVE #holder';

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
            update: freeTheSeat,
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

/**
 * The sabotage `release-without-promote`'s release: if the booking holds the seat, the
 * seat is freed and its line left as it is, nobody promoted — a release that clears the
 * holder and forgets the line. True if the booking held the seat.
 */
export function freeSeat(ctx: FunctionContext, seatId: string, bookingId: string): Promise<boolean> {
  return update(ctx, seatsTable(ctx), { seatId: s(seatId) }, { update: freeTheSeat, condition: '#holder = :b', values: { ':b': s(bookingId), ':false': { BOOL: false } } });
}
