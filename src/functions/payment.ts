import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseBookingMessage } from './booking-api.js';
import { unsharedReads, type FunctionContext, type PaymentOutcome, type QueueRecord, type SharedReads } from './model.js';
import { type BookingMessage, type SagaInput } from '../model/booking.js';
import { placementOf, placementOn, readSeat } from './seats.js';
import { setBookingStatus } from './bookings.js';

/** How long to wait for the inventory decision of a booking (the inventory queue is usually a moment behind or ahead). */
const inventoryWaitSeconds = 1;
/** How long a waitlisted booking waits when the holder before it has not settled (FIFO order should prevent it). */
const holderWaitSeconds = 2;

/**
 * The execution ARN of a named execution of a standard state machine: the machine's ARN
 * with `:stateMachine:` replaced by `:execution:`, then `:name`. This is how AWS forms
 * them (documented for DescribeExecution/StopExecution users), and LocalStack and booksim
 * local follow it; it spares a ListExecutions scan when StartExecution says the name is
 * taken.
 */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * The saga's input, with keys in a fixed order: a restart sends byte-identical input,
 * which StartExecution needs to be idempotent. The message carries what the booking API
 * stored (the API refuses a requestId reused for a different booking), so the reconciler,
 * building it from the stored row, sends the same.
 */
export function sagaInput(booking: BookingMessage): SagaInput {
  const { bookingId, seatId, customerId, requestId, tier, amount } = booking;
  return { bookingId, seatId, customerId, requestId, tier, amount };
}

/**
 * Starts the booking's saga once (execution name = bookingId): a redelivery finds the
 * execution by name instead of starting a second. In saga while it runs; done once it ended.
 */
async function startSaga(booking: BookingMessage, ctx: FunctionContext): Promise<PaymentOutcome> {
  const { stateMachineArn } = ctx.resources;
  try {
    const { executionArn } = await ctx.clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name: booking.bookingId, input: JSON.stringify(sagaInput(booking)) }));
    return { kind: 'in-saga', executionArn: executionArn! };
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
  const executionArn = executionArnOf(stateMachineArn, booking.bookingId);
  const { status } = await ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
  return status === 'RUNNING' ? { kind: 'in-saga', executionArn } : { kind: 'done' };
}

/**
 * The payment queue's SequenceNumber of the message: the booking's place in its seat's
 * FIFO order. A standard queue has none (the standard-fanout topology has no order to
 * record); a FIFO message without one is malformed and thrown for (SQS redrives it).
 */
function fifoSequence(record: QueueRecord, ctx: FunctionContext): string | undefined {
  const sequence = record.attributes.SequenceNumber;
  if (ctx.resources.topology !== 'fifo-fanout' && sequence === undefined) return undefined;
  if (sequence === undefined || !/^\d{1,20}$/.test(sequence)) throw new Error(`message ${record.messageId} has no FIFO SequenceNumber (is the queue FIFO?)`);
  return sequence;
}

/**
 * The payment function, for one message of the payment queue (docs/design.md, Booking rules 2 and 3).
 * Reads the seat, where the inventory function recorded its decision, then:
 * - not placed yet (the inventory queue is a moment behind): retry shortly;
 * - the booking holds the seat: it becomes HELD, with its sequence number, and its saga
 *   starts (in-saga while it runs); a booking already final is done;
 * - it waits in line and the seat is sold: it becomes REJECTED with its sequence number
 *   (from PENDING: waiting bookings are not written before), and is done;
 * - it waits behind a holder whose payment has not settled (FIFO order should prevent
 *   it): retry;
 * - it held the seat and gave it up (its release made it final): done.
 * A read and a write for a rejected booking, three calls for a holder. The seat's read is
 * shared by the messages of one delivery (`shared`, {@link SharedReads}): a sold seat's waiting line,
 * which piles up in the seat's group while its holder's saga runs, comes in deliveries
 * of up to ten and costs one read per delivery and one write per booking. Only a
 * rejection is decided on a shared read; anything else reads the seat afresh.
 * Idempotent: every write is conditional on a status that comes before, and the saga
 * starts once by name.
 */
export async function handlePayment(record: QueueRecord, ctx: FunctionContext, shared: SharedReads = unsharedReads): Promise<PaymentOutcome> {
  const message = parseBookingMessage(record.body);
  const sequence = fifoSequence(record, ctx);
  const sequenced = sequence === undefined ? {} : { sequence };
  const { bookingId, seatId } = message;
  const read = await shared.once(`seat ${seatId}`, () => readSeat(ctx, seatId));
  const onShared = placementOn(read.value, bookingId);
  const rejected = onShared.placement === 'line' && onShared.seat.sold;
  const { placement, seat } = rejected || read.fresh ? onShared : await placementOf(ctx, seatId, bookingId);
  switch (placement) {
    case 'unplaced':
      return { kind: 'retry', afterSeconds: inventoryWaitSeconds };
    case 'holder':
      // HELD again on a redelivery, or after a release promoted it; false only for a final booking.
      if (!(await setBookingStatus(ctx, bookingId, 'HELD', { from: ['PENDING', 'HELD'], ...sequenced }))) return { kind: 'done' };
      if (ctx.sabotage?.has('no-group-hold')) {
        // The sabotage: the seat's group is let go while the saga runs, so the seat's next booking is read before the seat is settled.
        await startSaga(message, ctx);
        return { kind: 'done' };
      }
      return startSaga(message, ctx);
    case 'line':
      if (!seat.sold) return { kind: 'retry', afterSeconds: holderWaitSeconds };
      // False on a redelivery: it was rejected already.
      await setBookingStatus(ctx, bookingId, 'REJECTED', { from: ['PENDING'], ...sequenced, reason: `seat ${seatId} was sold to an earlier booking (${seat.holder})` });
      return { kind: 'done' };
    case 'gone':
      return { kind: 'done' };
  }
}
