import { describe, expect, it } from 'vitest';
import { getBooking, setBookingStatus } from '../../src/functions/bookings.js';
import type { FunctionContext } from '../../src/functions/model.js';
import { useFunctionStack } from './booking-fixture.js';

describe('setBookingStatus telling decisions (the live count)', () => {
  const st = useFunctionStack('decided');

  /** The file's context with a count of what it is told. */
  const counting = () => {
    const told = { decided: 0 };
    const ctx: FunctionContext = { ...st.ctx, onDecided: () => (told.decided += 1) };
    return { ctx, told };
  };

  it('when a booking moves from an undecided status to a final one, it tells once; a move between undecided ones tells nothing', async () => {
    const { ctx, told } = counting();
    const { bookingId } = await st.pending(st.seat());
    expect(await setBookingStatus(ctx, bookingId, 'HELD', { from: ['PENDING'] })).toBe(true);
    expect(told.decided).toBe(0);
    expect(await setBookingStatus(ctx, bookingId, 'CONFIRMED', { from: ['HELD'] })).toBe(true);
    expect(told.decided).toBe(1);
  });

  it('when the condition fails (decided already, by another delivery), it tells nothing', async () => {
    const { ctx, told } = counting();
    const { bookingId } = await st.pending(st.seat());
    await setBookingStatus(ctx, bookingId, 'REJECTED', { from: ['PENDING'] });
    expect(await setBookingStatus(ctx, bookingId, 'REJECTED', { from: ['PENDING'] })).toBe(false);
    expect(told.decided).toBe(1);
  });

  it('when a final status gives way to another (the reconciler finishing an escalated refund), it tells nothing: the booking was decided already', async () => {
    const { ctx, told } = counting();
    const { bookingId } = await st.pending(st.seat());
    await setBookingStatus(ctx, bookingId, 'HELD', { from: ['PENDING'] });
    await setBookingStatus(ctx, bookingId, 'ESCALATED', { from: ['HELD'] });
    expect(await setBookingStatus(ctx, bookingId, 'PAYMENT_FAILED', { from: ['ESCALATED'] })).toBe(true);
    expect((await getBooking(ctx, bookingId))?.status).toBe('PAYMENT_FAILED');
    expect(told.decided).toBe(1);
  });
});
