import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseBookingMessage } from './booking-api.js';
import { finalStatuses, type Booking, type FunctionContext, type PaymentOutcome, type QueueRecord, type SagaInput } from './model.js';
import { dropFromLine, getBooking, getSeat, setBookingStatus } from './store.js';

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

/** The saga's input, from the stored booking, with keys in a fixed order: a restart sends byte-identical input, which StartExecution needs to be idempotent. */
function sagaInput(booking: Booking): SagaInput {
  const { bookingId, seatId, customerId, requestId, tier, amount } = booking;
  return { bookingId, seatId, customerId, requestId, tier, amount };
}

/**
 * Starts the booking's saga once (execution name = bookingId): a redelivery finds the
 * execution by name instead of starting a second. In saga while it runs; done once it ended.
 */
async function startSaga(booking: Booking, ctx: FunctionContext): Promise<PaymentOutcome> {
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
 * The payment function, for one message of the payment queue (DESIGN §1, rule 2 and 3).
 * Reads the seat, then:
 * - the booking holds the seat: once its inventory decision is recorded, start its saga
 *   (in-saga while it runs, done once it ended or the booking is final);
 * - the seat is sold to another booking: the booking becomes REJECTED (from WAITLISTED)
 *   and leaves the line: done;
 * - otherwise: retry while the booking is PENDING (inventory has not decided) or waits
 *   behind an unsettled holder; done once it is final.
 * Side effects: at most one execution per booking; a status change; a line removal.
 * Idempotent: each write is conditional, and a final booking is only tidied, never moved.
 */
export async function handlePayment(record: QueueRecord, ctx: FunctionContext): Promise<PaymentOutcome> {
  const { bookingId, seatId } = parseBookingMessage(record.body);
  const seat = await getSeat(ctx, seatId);
  if (seat.holder === bookingId) {
    const booking = await getBooking(ctx, bookingId);
    if (!booking || booking.status === 'PENDING') return { kind: 'retry', afterSeconds: inventoryWaitSeconds };
    if (finalStatuses.has(booking.status)) return { kind: 'done' };
    // Promoted by a release that died between passing the seat and updating the booking: finish it.
    if (booking.status === 'WAITLISTED') await setBookingStatus(ctx, bookingId, 'HELD', { from: ['WAITLISTED'] });
    return startSaga(booking, ctx);
  }
  if (seat.sold && (await setBookingStatus(ctx, bookingId, 'REJECTED', { from: ['WAITLISTED'], reason: `seat ${seatId} was sold to an earlier booking (${seat.holder})` }))) {
    await dropFromLine(ctx, seatId, bookingId, seat);
    return { kind: 'done' };
  }
  const booking = await getBooking(ctx, bookingId);
  if (!booking || booking.status === 'PENDING') return { kind: 'retry', afterSeconds: inventoryWaitSeconds };
  if (!finalStatuses.has(booking.status)) return { kind: 'retry', afterSeconds: holderWaitSeconds };
  // Rejected by an earlier delivery that may have died before leaving the line.
  await dropFromLine(ctx, seatId, bookingId, seat);
  return { kind: 'done' };
}
