import { beforeAll } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { bookingIdFor } from '../../src/functions/booking-api.js';
import { handleInventory } from '../../src/functions/inventory.js';
import type { FunctionContext, QueueRecord } from '../../src/functions/model.js';
import type { BookingMessage } from '../../src/model/booking.js';
import { resolveResources } from '../../src/functions/resources.js';
import { putPendingBooking, setBookingStatus } from '../../src/functions/bookings.js';
import { useEndpoint, uniqueName, type EndpointFixture } from '../helpers/endpoint.js';

export interface FunctionStack {
  fx: EndpointFixture;
  /** The functions' context on the file's stack; read it inside tests. */
  ctx: FunctionContext;
  /** A booking message for a request no other test of the file uses. */
  message(seatId: string, overrides?: Partial<BookingMessage>): BookingMessage;
  /** Stores the message's booking as PENDING, as the booking API would, and returns the message. */
  pending(seatId: string): Promise<BookingMessage>;
  /** The queue record of a message, with a FIFO SequenceNumber. */
  record(message: BookingMessage, sequence: string): QueueRecord;
  /** A seat id no other test of the file uses. */
  seat(): string;
  /** A new seat booked by `count` bookings through the inventory function, in order: the first holds it and is HELD, as the payment function makes it before its saga. Usable as saga input. */
  seatWith(count: number): Promise<Array<BookingMessage & Record<string, unknown>>>;
}

/** Deploys a stack of its own for one test file on the file's embedded endpoint (fast profile; no gateway: the URL is never called). */
export function useFunctionStack(prefix: string): FunctionStack {
  const fx = useEndpoint();
  let requests = 0;
  let seats = 0;
  const stack = {
    fx,
    ctx: undefined as unknown as FunctionContext,
    message(seatId: string, overrides: Partial<BookingMessage> = {}): BookingMessage {
      requests += 1;
      const requestId = `${prefix}-r${requests}`;
      return { bookingId: bookingIdFor(requestId), seatId, customerId: `c${requests}`, requestId, tier: 'STANDARD', amount: 4200, ...overrides };
    },
    async pending(seatId: string): Promise<BookingMessage> {
      const message = stack.message(seatId);
      await putPendingBooking(stack.ctx, message);
      return message;
    },
    record(message: BookingMessage, sequence: string): QueueRecord {
      return { messageId: `m-${message.bookingId}`, receiptHandle: 'rh', body: JSON.stringify(message), attributes: { SequenceNumber: sequence, MessageGroupId: message.seatId } };
    },
    seat: () => `${prefix}-s${(seats += 1)}`,
    async seatWith(count: number) {
      const seatId = stack.seat();
      const bookings: Array<BookingMessage & Record<string, unknown>> = [];
      for (let i = 0; i < count; i++) {
        const message = await stack.pending(seatId);
        await handleInventory(stack.record(message, String(i + 1)), stack.ctx);
        bookings.push({ ...message });
      }
      await setBookingStatus(stack.ctx, bookings[0]!.bookingId, 'HELD', { from: ['PENDING'] });
      return bookings;
    },
  };
  beforeAll(async () => {
    const name = uniqueName(prefix);
    await deployStack({ stack: name, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    stack.ctx = { clients: fx.clients, clock: systemClock, resources: await resolveResources(fx.clients, name, 'http://127.0.0.1:9') };
  });
  return stack;
}
