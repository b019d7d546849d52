import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { TaskError, type ActivityHandler, type FunctionContext } from '../model.js';
import { type Ticket } from '../../model/booking.js';
import { getBooking, setBookingStatus } from '../bookings.js';
import { n, s, type Item } from '../dynamo.js';

/**
 * IssueTicket: issues the booking's one ticket and marks the booking CONFIRMED; its result
 * `{ticketId}` goes to `$.ticket`. A long task: it heartbeats before each step, so a
 * worker killed between heartbeats is noticed within HeartbeatSeconds and the task goes
 * to another worker, which must not issue a second ticket (invariant 5, docs/design.md, Invariants):
 * the ticket is a conditional write keyed by bookingId, and a retry finds and returns the
 * ticket already there. The ticket comes first so that no booking is CONFIRMED without
 * one; when the confirmation is refused the ticket stays, belonging to a booking that is
 * not CONFIRMED (verify counts tickets per booking). Throws TaskError BookingNotHeld when the booking is neither HELD
 * nor already CONFIRMED (gone, or settled otherwise meanwhile); the saga catches it with
 * States.ALL and compensates (refund, release).
 */
export const issueTicket: ActivityHandler = async (input, context): Promise<{ ticketId: string }> => {
  await context.heartbeat();
  const ticket = await putTicket(context, { bookingId: input.bookingId, ticketId: ticketIdOf(input.bookingId), seatId: input.seatId, issuedAt: context.clock.now() });
  await context.heartbeat();
  await confirm(context, input.bookingId);
  return { ticketId: ticket.ticketId };
};

/** Derived from the bookingId, so a run's tickets are reproducible and name their booking. */
export const ticketIdOf = (bookingId: string): string => `tk_${bookingId}`;

/** A ticket as its tickets-table item. */
export const ticketToItem = (ticket: Ticket): Item => ({ bookingId: s(ticket.bookingId), ticketId: s(ticket.ticketId), seatId: s(ticket.seatId), issuedAt: n(ticket.issuedAt) });

/** Writes the ticket unless the booking has one; returns the ticket that is stored either way. */
async function putTicket(context: FunctionContext, ticket: Ticket): Promise<Ticket> {
  const TableName = context.resources.names.tables.tickets;
  try {
    await context.clients.dynamodb.send(
      new PutItemCommand({
        TableName,
        Item: ticketToItem(ticket),
        ConditionExpression: 'attribute_not_exists(bookingId)',
      }),
    );
    return ticket;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  // An earlier attempt issued it: return that one, as it was issued.
  const { Item } = await context.clients.dynamodb.send(new GetItemCommand({ TableName, Key: { bookingId: { S: ticket.bookingId } }, ConsistentRead: true }));
  if (!Item) throw new Error(`the ticket of booking ${ticket.bookingId} exists and then does not: tickets are never deleted.`);
  return { bookingId: ticket.bookingId, ticketId: Item.ticketId!.S!, seatId: Item.seatId!.S!, issuedAt: Number(Item.issuedAt!.N) };
}

/** HELD → CONFIRMED; already CONFIRMED (an earlier attempt) is success too. */
async function confirm(context: FunctionContext, bookingId: string): Promise<void> {
  if (await setBookingStatus(context, bookingId, 'CONFIRMED', { from: ['HELD'] })) return;
  const booking = await getBooking(context, bookingId);
  if (booking?.status === 'CONFIRMED') return;
  throw new TaskError('BookingNotHeld', `booking ${bookingId} cannot be confirmed: it is ${booking ? booking.status : 'missing'}, not HELD.`);
}
