import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { pause } from '../async.js';
import { storeBookingRequest, validateBookingRequest } from './booking-api.js';
import { handleInventory } from './inventory.js';
import type { FunctionContext, QueueRecord } from './model.js';
import type { BookingMessage, BookingRequest, BookingStatus } from '../model/booking.js';
import { handlePayment } from './payment.js';
import { getBooking } from './bookings.js';

/** How often a chain waiting for its saga asks whether it ended: often, so that the client waits for the saga, not for the polling. */
const executionPollMs = 250;

/** The booking API of the direct-chain topology: one `POST /bookings`, answered once the chain is done. */
export type DirectBooking = (request: BookingRequest) => Promise<{ bookingId: string; status: BookingStatus }>;

/**
 * The direct-chain topology (docs/design.md, Topologies): no topic, no queue — `POST
 * /bookings` stores the booking, calls the inventory function, then the payment function,
 * and answers with the booking's final status once payment is done. The client waits for
 * the whole chain: a holder's request until its saga ends, a waiting one until the seat
 * is sold (REJECTED) or passed on to it (then its own saga).
 *
 * First come, first served needs each seat's requests placed in the order they were
 * stored, which concurrent requests do not give by themselves: storing and placing are
 * two calls, and a later request's may overtake. So each seat's requests take turns from
 * arrival until placed (one API process holds the turns; several instances would need
 * the order from somewhere else, which is what the FIFO queue is). Payment runs outside
 * the turn, so that a seat's waiting requests do not queue behind each other's sagas.
 */
export function directBooking(ctx: FunctionContext): DirectBooking {
  const turns = new SeatTurns();
  return async (request) => {
    // Checked before taking a turn, which is keyed by the seat.
    const { seatId } = validateBookingRequest(request);
    const { message } = await turns.take(seatId, async () => {
      const stored = await storeBookingRequest(request, ctx);
      await handleInventory(recordOf(stored.message), ctx);
      return stored;
    });
    await settlePayment(recordOf(message), ctx);
    const booking = await getBooking(ctx, message.bookingId);
    return { bookingId: message.bookingId, status: booking?.status ?? 'PENDING' };
  };
}

/** The message as the functions receive it from a queue; there is no queue, so no receipt and no attributes (no FIFO sequence). */
function recordOf(message: BookingMessage): QueueRecord {
  return { messageId: message.requestId, receiptHandle: '', body: JSON.stringify(message), attributes: {} };
}

/** Calls the payment function until it is done, waiting as the queue poller would: `afterSeconds` for a retry, the end of the saga for in-saga (then done). */
async function settlePayment(record: QueueRecord, ctx: FunctionContext): Promise<void> {
  for (let outcome = await handlePayment(record, ctx); outcome.kind !== 'done'; outcome = await handlePayment(record, ctx)) {
    if (outcome.kind === 'retry') {
      await pause(outcome.afterSeconds * 1000);
      continue;
    }
    for (;;) {
      await pause(executionPollMs);
      const { status } = await ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn: outcome.executionArn }));
      if (status !== 'RUNNING') return;
    }
  }
}

/** Runs the work of each seat one after another, in the order it was asked for; different seats at once. */
export class SeatTurns {
  private readonly last = new Map<string, Promise<unknown>>();

  take<T>(seatId: string, work: () => Promise<T>): Promise<T> {
    // Never rejects: each turn is stored with its failure caught, so the next one runs regardless.
    const previous = this.last.get(seatId) ?? Promise.resolve();
    const mine = previous.then(work);
    const settled = mine.catch(() => undefined);
    this.last.set(seatId, settled);
    // The seat's entry goes once nobody queues behind this turn, so the map holds only seats in use.
    void settled.then(() => {
      if (this.last.get(seatId) === settled) this.last.delete(seatId);
    });
    return mine;
  }
}
