import { BooksimError } from './errors.js';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration as users write it — `500ms`, `20s`, `2m`, `1h`, or a plain number of
 * seconds — into milliseconds. Throws a usage error naming the flag otherwise.
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = match ? Number(match[1]) * units[match[2] ?? 's']! : NaN;
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new BooksimError(`${flag} "${text}" is not a duration`, undefined, [`Write it like 500ms, 20s, 2m or 1h.`]);
  }
  return ms;
}
