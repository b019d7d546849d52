import { validationError } from './iam-errors.js';

/** Items per page when the request gives no MaxItems, as IAM's list operations. */
export const defaultMaxItems = 100;

/** One page of a list operation's answer, in IAM's shape. */
export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  /** Present only when IsTruncated: the Marker that asks for the next page. */
  Marker?: string;
}

/**
 * One page of `items`: up to `maxItems` from the position `marker` names (the start
 * without one), with the marker of the rest when there is more. A marker is only ever one
 * this endpoint gave out; anything else is a ValidationError.
 */
export function pageOf<T>(items: readonly T[], marker: string | undefined, maxItems = defaultMaxItems): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const decoded = Buffer.from(marker, 'base64url').toString();
    if (!/^[1-9]\d{0,8}$/.test(decoded) || Buffer.from(decoded).toString('base64url') !== marker) throw validationError('Invalid Marker.');
    start = Number(decoded);
  }
  const end = start + maxItems;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, IsTruncated: true, Marker: Buffer.from(String(end)).toString('base64url') } : { items: page, IsTruncated: false };
}
