/**
 * Numbers as the report shows them. Fixed to en-US grouping so that a report reads the
 * same wherever it was rendered (and its tests do not depend on the machine's locale).
 */

const grouped = (digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const whole = grouped(0);
const oneDecimal = grouped(1);
const twoDecimals = grouped(2);

/** Shown where there is no value: nothing measured, a ratio of nothing. */
const noValue = '–';

/** 12,345 */
export const formatCount = (n: number) => whole.format(n);

/** Milliseconds with one decimal (1,234.5); a dash when nothing was measured. */
export const formatMs = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? noValue : oneDecimal.format(ms));

/** A duration in seconds with one decimal: "62.4 s". */
export const formatSeconds = (ms: number) => `${oneDecimal.format(ms / 1000)} s`;

/** A step's time as read at a glance: whole ms under a second ("42 ms", where seconds would say "0.0 s"), seconds above ("3.1 s"). */
export const formatDuration = (ms: number) => (ms < 1000 ? `${whole.format(ms)} ms` : formatSeconds(ms));

/** Time since the load started, signed: "+12.345 s" (events can precede the load by a little). */
export const formatOffset = (ms: number) => `${ms < 0 ? '−' : '+'}${grouped(3).format(Math.abs(ms) / 1000)} s`;

/** Wall-clock time of an epoch ms in UTC, to the millisecond: "07:40:12.014". */
export const formatClock = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 23);

/** Cents as an amount with two decimals: 420000 → "4,200.00"; negative amounts keep their sign. */
export const formatCents = (cents: number) => twoDecimals.format(cents / 100);

/** One decimal, or a dash for no value: rates, calls per booking. */
export const formatDecimal = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? noValue : oneDecimal.format(n));

/** `part` as a percentage of `whole` with one decimal, or a dash when the whole is zero. */
export const formatShare = (part: number, total: number) => (total === 0 ? noValue : `${oneDecimal.format((100 * part) / total)} %`);
