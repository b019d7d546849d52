import { BooksimError, ExitCode } from './errors.js';

/**
 * Events: the inventory a storm puts on sale. Seats stay sold on a stack, so each storm
 * sells the seats of an event of its own, `<event>/S0001…`, and the next storm on the
 * stack has seats to sell too. Naming an event again books the same seats again, on
 * purpose. Seat ids from before events (`S0001`) belong to no event.
 */

/** Ends the event's part of a seat id; never in an event name, so the split is exact. */
const separator = '/';

/**
 * Letters, digits, `.`, `_` and `-`, starting with a letter or digit; at most 64
 * characters, so that a seat id stays far within the 128 characters of a FIFO
 * MessageGroupId (the seat is the group) and every character is one it allows.
 */
const eventPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The event name, checked; a BooksimError (exit 2) naming --event otherwise. */
export function validateEventName(name: string): string {
  if (!eventPattern.test(name)) {
    throw new BooksimError(`--event must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit (got "${name}")`, ExitCode.usage, ['e.g. --event concert-2026']);
  }
  return name;
}

/**
 * The event a run sells when none is named: its run id made compact, the UTC time and
 * the random part (`2026-11-23T07-40-12Z-1f3a` → `261123-074012-1f3a`), unique per run
 * as the id is. An id of another shape is taken whole.
 */
export function eventOfRun(runId: string): string {
  const parts = /^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d)-(\d\d)-(\d\d)Z-([0-9a-f]+)$/.exec(runId);
  if (!parts) return runId;
  const [, year, month, day, hour, minute, second, random] = parts;
  return `${year}${month}${day}-${hour}${minute}${second}-${random}`;
}

/**
 * Seat `number` (1-based) of the event: `concert/S0001`. The number is padded to four
 * digits whatever the number of seats on sale, so a seat keeps its id from run to run.
 */
export function seatIdOf(event: string | undefined, number: number): string {
  const seat = `S${String(number).padStart(4, '0')}`;
  return event === undefined ? seat : `${event}${separator}${seat}`;
}

/** What a seat id says: its event (undefined for a seat from before events) and its number (undefined for a seat id booksim did not make). */
export function parseSeatId(seatId: string): { event: string | undefined; number: number | undefined } {
  const at = seatId.lastIndexOf(separator);
  const seat = at < 0 ? seatId : seatId.slice(at + 1);
  const digits = /^S(\d+)$/.exec(seat)?.[1];
  return { event: at < 0 ? undefined : seatId.slice(0, at), number: digits === undefined ? undefined : Number(digits) };
}

/** What every seat id of the event begins with. */
export const seatIdPrefix = (event: string): string => `${event}${separator}`;
