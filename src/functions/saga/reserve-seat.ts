import { TaskError, type ActivityHandler } from '../model.js';
import { markSeatSold } from '../seats.js';

/**
 * ReserveSeat: confirms the hold by marking the seat sold, if and only if this booking
 * holds it; its result `{seatId, sold: true}` goes to `$.reservation`. Idempotent: a seat
 * already sold to this booking succeeds again. Throws TaskError OutOfStock when the seat
 * is held by another booking or by none; the saga then refunds and releases.
 */
export const reserveSeat: ActivityHandler = async (input, context): Promise<{ seatId: string; sold: true }> => {
  if (!(await markSeatSold(context, input.seatId, input.bookingId))) {
    throw new TaskError('OutOfStock', `seat ${input.seatId} is not held by booking ${input.bookingId}`);
  }
  return { seatId: input.seatId, sold: true };
};
