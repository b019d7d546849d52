import type { BookingStatus } from '../model/booking.js';
import type { RunUsage, Usage } from '../model/run.js';
import { addUsage, scaleUsage, subtractUsage } from './meters.js';

/**
 * A run's usage split as its AWS calls are (pure; src/storm/summary.ts, callsPerBooking):
 * the mean usage of a CONFIRMED and of a REJECTED booking (what was used in its scope),
 * and the rest of `total` per accepted booking — usage no single booking caused (polls,
 * batched receives and deletes, start-up lookups) and usage of a bookingId the table does
 * not hold. Null where there is no booking to divide by.
 */
export function runUsage(total: Usage, byBooking: Record<string, Usage>, statuses: Map<string, BookingStatus>): RunUsage {
  const own = { CONFIRMED: { bookings: 0, usage: [] as Usage[] }, REJECTED: { bookings: 0, usage: [] as Usage[] } };
  const attributed: Usage[] = [];
  for (const [bookingId, status] of statuses) {
    const usage = byBooking[bookingId] ?? {};
    attributed.push(usage);
    if (status === 'CONFIRMED' || status === 'REJECTED') {
      own[status].bookings += 1;
      own[status].usage.push(usage);
    }
  }
  const mean = (usage: Usage, bookings: number) => (bookings === 0 ? null : scaleUsage(usage, 1 / bookings));
  return {
    total,
    perConfirmed: mean(addUsage(...own.CONFIRMED.usage), own.CONFIRMED.bookings),
    perRejected: mean(addUsage(...own.REJECTED.usage), own.REJECTED.bookings),
    sharedPerBooking: mean(subtractUsage(total, addUsage(...attributed)), statuses.size),
  };
}
