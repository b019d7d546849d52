import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/functions/booking-api.js';
import { handleInventory } from '../../src/functions/inventory.js';
import { getBooking, getSeat, placeOnSeat } from '../../src/functions/store.js';
import { useFunctionStack } from './booking-fixture.js';

// 20-digit FIFO sequence numbers, beyond a double's precision, so that a lossy conversion shows.
const sequence = (n: number) => `1864728593302347${String(1000 + n)}`;

describe('inventory function', () => {
  const st = useFunctionStack('inv');

  it('when three bookings reach one seat, the first holds it and the others wait in order, each with its sequence', async () => {
    const seatId = st.seat();
    const bookings = [await st.pending(seatId), await st.pending(seatId), await st.pending(seatId)];
    for (const [i, message] of bookings.entries()) await handleInventory(st.record(message, sequence(i)), st.ctx);
    expect(await getSeat(st.ctx, seatId)).toEqual({ seatId, holder: bookings[0]!.bookingId, line: [bookings[1]!.bookingId, bookings[2]!.bookingId], sold: false });
    const rows = await Promise.all(bookings.map((b) => getBooking(st.ctx, b.bookingId)));
    expect(rows.map((b) => [b?.status, b?.sequence])).toEqual([
      ['HELD', sequence(0)],
      ['WAITLISTED', sequence(1)],
      ['WAITLISTED', sequence(2)],
    ]);
  });

  it('when bookings reach two seats, each seat gets its own holder', async () => {
    const [a, b] = [st.seat(), st.seat()];
    const first = await st.pending(a);
    const second = await st.pending(b);
    await handleInventory(st.record(first, sequence(1)), st.ctx);
    await handleInventory(st.record(second, sequence(2)), st.ctx);
    expect((await getSeat(st.ctx, a)).holder).toBe(first.bookingId);
    expect((await getSeat(st.ctx, b)).holder).toBe(second.bookingId);
    expect((await getBooking(st.ctx, second.bookingId))?.status).toBe('HELD');
  });

  it('when the same records are delivered twice, the seat and the bookings change once', async () => {
    const seatId = st.seat();
    const [holder, waiting] = [await st.pending(seatId), await st.pending(seatId)];
    for (const message of [holder, waiting, holder, waiting]) await handleInventory(st.record(message, sequence(7)), st.ctx);
    expect(await getSeat(st.ctx, seatId)).toEqual({ seatId, holder: holder.bookingId, line: [waiting.bookingId], sold: false });
    expect((await getBooking(st.ctx, waiting.bookingId))?.status).toBe('WAITLISTED');
  });

  it('when a worker died after placing the booking on the seat, the redelivery completes the booking without placing it again', async () => {
    const seatId = st.seat();
    const [holder, waiting] = [await st.pending(seatId), await st.pending(seatId)];
    // The first write of each handler, then the crash.
    await placeOnSeat(st.ctx, seatId, holder.bookingId);
    await placeOnSeat(st.ctx, seatId, waiting.bookingId);
    expect((await getBooking(st.ctx, holder.bookingId))?.status).toBe('PENDING');
    await handleInventory(st.record(holder, sequence(1)), st.ctx);
    await handleInventory(st.record(waiting, sequence(2)), st.ctx);
    expect(await getSeat(st.ctx, seatId)).toEqual({ seatId, holder: holder.bookingId, line: [waiting.bookingId], sold: false });
    expect((await getBooking(st.ctx, holder.bookingId))).toMatchObject({ status: 'HELD', sequence: sequence(1) });
    expect((await getBooking(st.ctx, waiting.bookingId))).toMatchObject({ status: 'WAITLISTED', sequence: sequence(2) });
  });

  it('when bookings of one seat are handled concurrently, exactly one holds it and every other waits once', async () => {
    const seatId = st.seat();
    const bookings = await Promise.all(Array.from({ length: 8 }, () => st.pending(seatId)));
    await Promise.all([...bookings, ...bookings].map((message, i) => handleInventory(st.record(message, sequence(i)), st.ctx)));
    const seat = await getSeat(st.ctx, seatId);
    expect([seat.holder, ...seat.line].sort()).toEqual(bookings.map((b) => b.bookingId).sort());
    const statuses = await Promise.all(bookings.map(async (b) => (await getBooking(st.ctx, b.bookingId))?.status));
    expect(statuses.filter((s) => s === 'HELD')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'WAITLISTED')).toHaveLength(7);
  });

  it('when a record is not a booking message, it throws so that the queue redrives it', async () => {
    await expect(handleInventory({ messageId: 'm', receiptHandle: 'rh', body: '{"seatId":1}', attributes: { SequenceNumber: '1' } }, st.ctx)).rejects.toBeInstanceOf(ValidationError);
  });
});
