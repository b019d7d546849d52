import { parseBookingMessage } from './booking-api.js';
import type { FunctionContext, QueueRecord } from './model.js';
import { placeOnSeat, setBookingStatus } from './store.js';

/**
 * The inventory function, for one message of the inventory queue: the first booking of
 * a free seat becomes its holder (HELD), later ones join the seat's line in FIFO order
 * (WAITLISTED), and the booking records its SequenceNumber. Side effects: at most one
 * placement on the seat, then one status change from PENDING.
 *
 * Idempotent: the placement is recorded on the seat first and happens once per booking
 * (see placeOnSeat); the status, written second, is conditional on PENDING. A redelivery,
 * or a retry after a crash between the two writes, finds the placement and completes the
 * status. Until the status is written the payment function waits, so it never acts on a
 * half-made decision. Throws for a malformed message (SQS redrives it to the DLQ).
 */
export async function handleInventory(record: QueueRecord, ctx: FunctionContext): Promise<void> {
  const message = parseBookingMessage(record.body);
  const sequence = record.attributes.SequenceNumber;
  if (sequence === undefined || !/^\d{1,20}$/.test(sequence)) throw new Error(`message ${record.messageId} has no FIFO SequenceNumber (is the queue FIFO?)`);
  const placement = await placeOnSeat(ctx, message.seatId, message.bookingId);
  // 'gone': placed by an earlier delivery and already moved on (released or rejected); its status says so.
  if (placement === 'gone') return;
  await setBookingStatus(ctx, message.bookingId, placement === 'holder' ? 'HELD' : 'WAITLISTED', { from: ['PENDING'], sequence });
}
