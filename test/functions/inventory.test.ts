import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { getBookingView, ValidationError } from '../../src/functions/booking-api.js';
import { handleInventory } from '../../src/functions/inventory.js';
import { getSeat, markSeatSold, placeOnSeat } from '../../src/functions/seats.js';
import { getBooking } from '../../src/functions/bookings.js';
import { countCalls } from '../../src/runtime/call-counter.js';
import { useFunctionStack } from './booking-fixture.js';

describe('inventory function', () => {
  const st = useFunctionStack('inv');
  const viewed = async (bookingId: string) => (await getBookingView(bookingId, st.ctx))?.status;

  it('when three bookings reach one seat, the first holds it and the others wait in order; the rows stay PENDING and show where each stands', async () => {
    const seatId = st.seat();
    const bookings = [await st.pending(seatId), await st.pending(seatId), await st.pending(seatId)];
    for (const [i, message] of bookings.entries()) await handleInventory(st.record(message, String(i + 1)), st.ctx);
    expect(await getSeat(st.ctx, seatId)).toEqual({ seatId, holder: bookings[0]!.bookingId, line: [bookings[1]!.bookingId, bookings[2]!.bookingId], sold: false });
    const rows = await Promise.all(bookings.map((b) => getBooking(st.ctx, b.bookingId)));
    expect(rows.map((b) => b?.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    expect(await Promise.all(bookings.map((b) => viewed(b.bookingId)))).toEqual(['HELD', 'WAITLISTED', 'WAITLISTED']);
  });

  it('when an instance places bookings, each costs one write: a seat new to it is tried as free, one it placed on before as held', async () => {
    const clients = createClients({ endpoint: st.fx.endpoint.url });
    const counter = countCalls(clients);
    const ctx = { ...st.ctx, clients };
    const seatId = st.seat();
    const bookings = [await st.pending(seatId), await st.pending(seatId), await st.pending(seatId)];
    for (const [i, message] of bookings.entries()) await handleInventory(st.record(message, String(i + 1)), ctx);
    clients.destroy();
    expect(counter.snapshot().dynamodb).toEqual({ UpdateItem: 3 });
    expect(await getSeat(st.ctx, seatId)).toEqual({ seatId, holder: bookings[0]!.bookingId, line: [bookings[1]!.bookingId, bookings[2]!.bookingId], sold: false });
  });

  it('when bookings reach two seats, each seat gets its own holder', async () => {
    const [a, b] = [st.seat(), st.seat()];
    const first = await st.pending(a);
    const second = await st.pending(b);
    await handleInventory(st.record(first, '1'), st.ctx);
    await handleInventory(st.record(second, '2'), st.ctx);
    expect((await getSeat(st.ctx, a)).holder).toBe(first.bookingId);
    expect((await getSeat(st.ctx, b)).holder).toBe(second.bookingId);
    expect(await viewed(second.bookingId)).toBe('HELD');
  });

  it('when the same records are delivered twice, the seat changes once', async () => {
    const seatId = st.seat();
    const [holder, waiting] = [await st.pending(seatId), await st.pending(seatId)];
    for (const message of [holder, waiting, holder, waiting]) await handleInventory(st.record(message, '7'), st.ctx);
    expect(await getSeat(st.ctx, seatId)).toEqual({ seatId, holder: holder.bookingId, line: [waiting.bookingId], sold: false });
    expect(await viewed(waiting.bookingId)).toBe('WAITLISTED');
  });

  it('when bookings of one seat are handled concurrently, exactly one holds it and every other waits once', async () => {
    const seatId = st.seat();
    const bookings = await Promise.all(Array.from({ length: 8 }, () => st.pending(seatId)));
    await Promise.all([...bookings, ...bookings].map((message, i) => handleInventory(st.record(message, String(i + 1)), st.ctx)));
    const seat = await getSeat(st.ctx, seatId);
    expect([seat.holder, ...seat.line].sort()).toEqual(bookings.map((b) => b.bookingId).sort());
    const statuses = await Promise.all(bookings.map((b) => viewed(b.bookingId)));
    expect(statuses.filter((s) => s === 'HELD')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'WAITLISTED')).toHaveLength(7);
  });

  it('when conditional writes are sabotaged (no-conditional-write) and two bookings of a free seat are handled at once, both are told they hold it and the last write wins: the other is lost', async () => {
    const sabotaged = { ...st.ctx, sabotage: new Set(['no-conditional-write'] as const) };
    const seatId = st.seat();
    const [first, second] = [await st.pending(seatId), await st.pending(seatId)];
    // Both reads go out before either write: the check-then-act race the conditional write prevents.
    const placements = await Promise.all([first, second].map((message) => placeOnSeat(sabotaged, seatId, message.bookingId)));
    expect(placements).toEqual(['holder', 'holder']);
    const seat = await getSeat(st.ctx, seatId);
    expect(seat.line).toEqual([]);
    expect([first.bookingId, second.bookingId]).toContain(seat.holder);
    // With the safeguard, the same race leaves one holder and one in line.
    const guardedSeat = st.seat();
    const [a, b] = [await st.pending(guardedSeat), await st.pending(guardedSeat)];
    expect((await Promise.all([a, b].map((message) => placeOnSeat(st.ctx, guardedSeat, message.bookingId)))).sort()).toEqual(['holder', 'line']);
  });

  it('when conditional writes are sabotaged, ReserveSeat sells the seat to a booking that does not hold it', async () => {
    const seatId = st.seat();
    const [holder, other] = [await st.pending(seatId), await st.pending(seatId)];
    await placeOnSeat(st.ctx, seatId, holder.bookingId);
    expect(await markSeatSold(st.ctx, seatId, other.bookingId)).toBe(false);
    expect(await markSeatSold({ ...st.ctx, sabotage: new Set(['no-conditional-write'] as const) }, seatId, other.bookingId)).toBe(true);
    expect(await getSeat(st.ctx, seatId)).toMatchObject({ holder: other.bookingId, sold: true });
  });

  it('when a record is not a booking message, it throws so that the queue redrives it', async () => {
    await expect(handleInventory({ messageId: 'm', receiptHandle: 'rh', body: '{"seatId":1}', attributes: { SequenceNumber: '1' } }, st.ctx)).rejects.toBeInstanceOf(ValidationError);
  });
});
