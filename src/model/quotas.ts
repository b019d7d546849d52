import { BooksimError, ExitCode } from '../errors.js';

/**
 * AWS's throughput quotas as the run sees them (`booksim local --aws-quotas`): what the
 * endpoint throttled (GET /_booksim/quotas) and what the storm records of it in run.json.
 */

/** What one quota throttled on one resource, as the endpoint records it. */
export interface ThrottleRecord {
  quota: string;
  description: string;
  /** The resource it throttled: a queue's name, a topic's, "account", a table and partition key, … */
  resource: string;
  /** "300 transactions per second, per queue and API action" */
  limit: string;
  lift?: string;
  throttled: number;
  /** Calls (or units) asked of this quota on this resource in the second before the first throttle, allowed and throttled: the rate that hit it. */
  rateAtFirstHit: number;
  firstAt: string;
  lastAt: string;
  source: string;
}

/** Where booksim local serves what its quotas throttled. */
export const quotasPath = '/_booksim/quotas';

/** GET /_booksim/quotas: the region's figures enforced and what they throttled, or that quotas are off. */
export type QuotaReport = { region: string; throttles: ThrottleRecord[] } | { enabled: false };

/** A throttle as the run records it: the endpoint's record and the booking rate when it was first hit. */
export interface QuotaHit extends ThrottleRecord {
  /** Bookings answered in the second before `firstAt`, from the run's request log; absent when it was first hit before the run (by an earlier storm on the same endpoint). */
  bookingsPerSecondAtFirstHit?: number;
  /** First hit after the last request was answered: while the system settled, when no booking rate applies. */
  afterLoad?: boolean;
}

/** AWS region names: two letters, one or more words, a number (us-east-1, ap-southeast-2, us-gov-west-1). */
const awsRegionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A region name as AWS spells them (--aws-quotas); the quota files' figures apply, their defaults where a region is not listed. */
export function checkedRegion(region: string): string {
  if (awsRegionPattern.test(region)) return region;
  throw new BooksimError(`--aws-quotas ${region} is not an AWS region name: give one such as us-east-1 or eu-west-1.`, ExitCode.usage);
}
