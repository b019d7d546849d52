import { describe, expect, it } from 'vitest';
import { getBookingView } from '../../src/functions/booking-api.js';
import { handleInventory } from '../../src/functions/inventory.js';
import { handlePayment } from '../../src/functions/payment.js';
import { TaskError, type ActivityHandler } from '../../src/functions/model.js';
import { releaseSeat } from '../../src/functions/saga/release-seat.js';
import { reserveSeat } from '../../src/functions/saga/reserve-seat.js';
import { getSeat, markSeatSold, passSeat } from '../../src/functions/seats.js';
import { getBooking, setBookingStatus } from '../../src/functions/bookings.js';
import type { Sabotage } from '../../src/model/sabotage.js';
import { useFunctionStack } from './booking-fixture.js';

type TaskInput = Parameters<ActivityHandler>[0];

describe('ReserveSeat and ReleaseSeat', () => {
  const st = useFunctionStack('seat');
  const worker = () => ({ ...st.ctx, heartbeat: async () => {} });

  const statusOf = async (bookingId: string) => (await getBookingView(bookingId, st.ctx))?.status;

  it('when the holder reserves twice, the seat is sold to it and both succeed', async () => {
    const [holder] = await st.seatWith(1);
    expect(await reserveSeat(holder!, worker())).toEqual({ seatId: holder!.seatId, sold: true });
    expect(await reserveSeat(holder!, worker())).toEqual({ seatId: holder!.seatId, sold: true });
    expect(await getSeat(st.ctx, holder!.seatId)).toMatchObject({ holder: holder!.bookingId, sold: true });
  });

  it('when a booking that does not hold the seat reserves it, it fails with OutOfStock and the seat stays unsold', async () => {
    const [holder, waiting] = await st.seatWith(2);
    const failure = await reserveSeat(waiting!, worker()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskError);
    expect(failure).toMatchObject({ error: 'OutOfStock' });
    await expect(reserveSeat({ ...st.message(st.seat()) }, worker())).rejects.toMatchObject({ error: 'OutOfStock' });
    expect(await getSeat(st.ctx, holder!.seatId)).toMatchObject({ holder: holder!.bookingId, sold: false });
  });

  it('when the holder is released after a decline, the next in line holds the seat and is HELD', async () => {
    const [holder, second, third] = await st.seatWith(3);
    const input: TaskInput = { ...holder!, declined: { Error: 'PaymentDeclined', Cause: 'card declined' } };
    expect(await releaseSeat(input, worker())).toEqual({ status: 'PAYMENT_FAILED', passed: true, promoted: second!.bookingId });
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, holder: second!.bookingId, line: [third!.bookingId], sold: false });
    expect(await getBooking(st.ctx, holder!.bookingId)).toMatchObject({ status: 'PAYMENT_FAILED', reason: expect.stringContaining('card declined'), decidedAt: expect.any(Number) });
    expect(await statusOf(second!.bookingId)).toBe('HELD');
    expect(await statusOf(third!.bookingId)).toBe('WAITLISTED');
  });

  it('under the sabotage release-without-promote, the release frees the seat and forgets its line: nobody holds it, and the payment function keeps the next in line waiting', async () => {
    const [holder, second, third] = await st.seatWith(3);
    const sabotaged = { ...worker(), sabotage: new Set<Sabotage>(['release-without-promote']) };
    const input: TaskInput = { ...holder!, declined: { Error: 'PaymentDeclined', Cause: 'card declined' } };
    expect(await releaseSeat(input, sabotaged)).toEqual({ status: 'PAYMENT_FAILED', passed: true });
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, line: [second!.bookingId, third!.bookingId], sold: false });
    expect(await statusOf(second!.bookingId)).toBe('WAITLISTED');
    expect(await handlePayment(st.record(second!, '2'), st.ctx)).toEqual({ kind: 'retry', afterSeconds: expect.any(Number) });
    expect(await releaseSeat(input, sabotaged)).toEqual({ status: 'PAYMENT_FAILED', passed: false });
  });

  it('when the release runs twice, the seat passes once', async () => {
    const [holder, second, third] = await st.seatWith(3);
    const input: TaskInput = { ...holder!, error: { Error: 'OutOfStock', Cause: 'gone' } };
    await releaseSeat(input, worker());
    expect(await releaseSeat(input, worker())).toEqual({ status: 'PAYMENT_FAILED', passed: false });
    expect(await getSeat(st.ctx, holder!.seatId)).toMatchObject({ holder: second!.bookingId, line: [third!.bookingId] });
    expect(await statusOf(third!.bookingId)).toBe('WAITLISTED');
  });

  it('when a release died after passing the seat, the retry makes the new holder HELD', async () => {
    const [holder, second] = await st.seatWith(2);
    await setBookingStatus(st.ctx, holder!.bookingId, 'PAYMENT_FAILED', { from: ['HELD'] });
    await passSeat(st.ctx, holder!.seatId, holder!.bookingId);
    expect((await getBooking(st.ctx, second!.bookingId))?.status).toBe('PENDING');
    expect(await releaseSeat({ ...holder!, declined: {} }, worker())).toEqual({ status: 'PAYMENT_FAILED', passed: false });
    expect((await getBooking(st.ctx, second!.bookingId))?.status).toBe('HELD');
  });

  it('when bookings rejected in line stand first as a sold seat is released, the release passes over them to the next that can buy it', async () => {
    const [holder, rejected, next] = await st.seatWith(3);
    await markSeatSold(st.ctx, holder!.seatId, holder!.bookingId);
    // The payment queue's group came unblocked mid-saga (say, the holder's message went to the DLQ).
    expect(await handlePayment(st.record(rejected!, '2'), st.ctx)).toEqual({ kind: 'done' });
    const input: TaskInput = { ...holder!, error: { Error: 'TicketingFailed', Cause: 'printer on fire' } };
    expect(await releaseSeat(input, worker())).toEqual({ status: 'PAYMENT_FAILED', passed: true, promoted: next!.bookingId });
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, holder: next!.bookingId, line: [], sold: false });
    expect(await statusOf(rejected!.bookingId)).toBe('REJECTED');
    expect(await statusOf(next!.bookingId)).toBe('HELD');
  });

  it('when a retried release finds the seat bought by the booking it was passed to, it leaves the sale alone', async () => {
    const [holder, second] = await st.seatWith(2);
    const input: TaskInput = { ...holder!, declined: {} };
    await releaseSeat(input, worker());
    await reserveSeat(second!, worker());
    await setBookingStatus(st.ctx, second!.bookingId, 'CONFIRMED', { from: ['HELD'] });
    expect(await releaseSeat(input, worker())).toEqual({ status: 'PAYMENT_FAILED', passed: false });
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, holder: second!.bookingId, line: [], sold: true });
    expect(await statusOf(second!.bookingId)).toBe('CONFIRMED');
  });

  it('when a seat sold to the holder is released with no one in line, it becomes free and unsold; a refund that gave up escalates', async () => {
    const [holder] = await st.seatWith(1);
    await reserveSeat(holder!, worker());
    const input: TaskInput = { ...holder!, error: { Error: 'TicketingFailed', Cause: 'x' }, refundError: { Error: 'RefundTimeout', Cause: 'no answer' } };
    expect(await releaseSeat(input, worker())).toEqual({ status: 'ESCALATED', passed: true });
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, line: [], sold: false });
    expect(await getBooking(st.ctx, holder!.bookingId)).toMatchObject({ status: 'ESCALATED', reason: expect.stringContaining('RefundTimeout') });
  });

  it('when a booking comes after its seat was freed, it holds the seat; a redelivery of the released booking does not take it back', async () => {
    const [holder] = await st.seatWith(1);
    await releaseSeat({ ...holder!, declined: {} }, worker());
    await handleInventory(st.record(holder!, '1'), st.ctx);
    expect((await getSeat(st.ctx, holder!.seatId)).holder).toBeUndefined();
    const late = await st.pending(holder!.seatId);
    await handleInventory(st.record(late, '9'), st.ctx);
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, holder: late.bookingId, line: [], sold: false });
    expect(await statusOf(holder!.bookingId)).toBe('PAYMENT_FAILED');
  });
});
