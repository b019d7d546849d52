import { parseBookingMessage } from './booking-api.js';
import type { FunctionContext, QueueRecord } from './model.js';
import { placeOnSeat } from './seats.js';

/**
 * Seats this instance has placed a booking on, and so has seen held: where it tries
 * joining the line first. A seat new to it is tried as free first, which spares its
 * first booking a failed write. Module state outlives a message, as a Lambda
 * function's does between invocations of a warm instance; it is only a hint (both
 * writes are conditional), and a seat freed since costs one failed write.
 */
const heldSeats = new Set<string>();

/**
 * The inventory function, for one message of the inventory queue: the first booking of
 * a free seat becomes its holder, later ones join the seat's line in FIFO order. The
 * decision is recorded on the seat, in one conditional write; the booking's row is left
 * to the payment function, which writes its status once it is known (HELD, or REJECTED
 * once the seat is sold), so that a rejected booking costs no write here.
 *
 * Idempotent: placeOnSeat places a booking once, however often its message comes.
 * One write per booking, a failed one more when the instance guesses the seat wrong.
 * Throws for a malformed message (SQS redrives it to the DLQ).
 */
export async function handleInventory(record: QueueRecord, ctx: FunctionContext): Promise<void> {
  const { seatId, bookingId } = parseBookingMessage(record.body);
  await placeOnSeat(ctx, seatId, bookingId, heldSeats.has(seatId));
  heldSeats.add(seatId);
}
