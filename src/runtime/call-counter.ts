import { AsyncLocalStorage } from 'node:async_hooks';
import type { AwsClients } from '../aws/clients.js';
import { operationOf, type MiddlewareClient } from '../aws/failed-calls.js';

/** AWS API calls by service (the client's key: sqs, sns, dynamodb, sfn) and operation (ReceiveMessage, …). */
export type CallCounts = Record<string, Record<string, number>>;

/** AWS API calls by the booking that caused them (its bookingId). */
export type BookingCalls = Record<string, number>;

/** Counts the calls made through some clients. */
export interface CallCounter {
  /** A copy of the counts so far. */
  snapshot(): CallCounts;
  /** A copy of the calls so far made in the scope of a booking ({@link withBooking}), by bookingId; the rest are nobody's in particular. */
  byBooking(): BookingCalls;
}

/**
 * The booking whose work is running, for the counters' middleware: async context, so
 * concurrent handlers of different bookings each see their own. Set it with
 * {@link withBooking}.
 */
export const bookingScope = new AsyncLocalStorage<string>();

/**
 * Runs `fn` in the scope of booking `bookingId`: every AWS call it makes through counted
 * clients, including from timers and promises it starts, is attributed to that booking.
 * Without a bookingId, `fn` runs as it is (inside an enclosing scope, if any).
 */
export function withBooking<T>(bookingId: string | undefined, fn: () => T): T {
  return bookingId === undefined ? fn() : bookingScope.run(bookingId, fn);
}

const countedServices = ['sqs', 'sns', 'dynamodb', 'sfn'] as const;

/**
 * The `bookingId` field of a JSON text, if it is an object with a string one (the bookings
 * topic's messages and the saga's task inputs are); undefined for anything else.
 */
export function bookingIdIn(json: string): string | undefined {
  try {
    const { bookingId } = JSON.parse(json) as { bookingId?: unknown };
    return typeof bookingId === 'string' ? bookingId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds a middleware to each of the clients that counts every call by service and
 * operation, and by booking when one is in scope ({@link withBooking}). It sits in the
 * initialize step, so a call is counted once however many times the SDK retries it: the
 * figure is calls made, as the design counts them (calls per booking), not HTTP attempts.
 * Side effect: changes the clients' middleware stacks; call it once per set of clients.
 */
export function countCalls(clients: Pick<AwsClients, 'sqs' | 'sns' | 'dynamodb' | 'sfn'>): CallCounter {
  const counts: CallCounts = {};
  const byBooking: BookingCalls = {};
  for (const service of countedServices) {
    const client = clients[service];
    const perOperation = (counts[service] = {} as Record<string, number>);
    (client as unknown as MiddlewareClient).middlewareStack.add(
      (next, context) => (args) => {
        const operation = operationOf(context);
        perOperation[operation] = (perOperation[operation] ?? 0) + 1;
        const bookingId = bookingScope.getStore();
        if (bookingId !== undefined) byBooking[bookingId] = (byBooking[bookingId] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'booksimCallCounter' },
    );
  }
  return { snapshot: () => structuredClone(counts), byBooking: () => ({ ...byBooking }) };
}

/** Adds call counts together (pure): how the supervisor sums its workers' reports. */
export function addCallCounts(...all: CallCounts[]): CallCounts {
  const total: CallCounts = {};
  for (const counts of all) {
    for (const [service, operations] of Object.entries(counts)) {
      const into = (total[service] ??= {});
      for (const [operation, n] of Object.entries(operations)) into[operation] = (into[operation] ?? 0) + n;
    }
  }
  return total;
}

/** Adds per-booking calls together (pure): how the supervisor sums its workers' reports. */
export function addBookingCalls(...all: BookingCalls[]): BookingCalls {
  const total: BookingCalls = {};
  for (const calls of all) for (const [bookingId, n] of Object.entries(calls)) total[bookingId] = (total[bookingId] ?? 0) + n;
  return total;
}
