import { BooksimError, ExitCode } from '../errors.js';
import type { RequestLogEntry } from '../load/run-load.js';
import { quotasPath, type QuotaHit, type QuotaReport, type ThrottleRecord } from '../model/quotas.js';
import type { StormSummary } from '../model/run.js';

/**
 * What AWS's throughput quotas did to a storm: booksim local (`--aws-quotas REGION`)
 * records every throttle by quota and resource and serves them at GET /_booksim/quotas;
 * the storm reads that before and after, and adds to each throttle the booking rate when
 * it was first hit, from its own request log. Any other endpoint (LocalStack, AWS) has no
 * such record: no quotas.
 */

/** What quotas the endpoint enforces and what they throttled: undefined when it has no such record (404, not JSON: LocalStack, AWS). */
export async function readQuotaReport(endpointUrl: string): Promise<QuotaReport | undefined> {
  try {
    const response = await fetch(new URL(quotasPath, endpointUrl), { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as Partial<{ region: unknown; throttles: unknown; enabled: unknown }>;
    if (body.enabled === false) return { enabled: false };
    if (typeof body.region === 'string' && Array.isArray(body.throttles)) return { region: body.region, throttles: body.throttles as ThrottleRecord[] };
    return undefined;
  } catch {
    return undefined;
  }
}

/** The region whose quotas the endpoint enforces; undefined when it enforces none. */
export const enforcedRegion = (report: QuotaReport | undefined): string | undefined => (report && 'region' in report ? report.region : undefined);

/**
 * Checks that the endpoint enforces `region`'s quotas, as --aws-quotas asks of an endpoint
 * booksim did not start: a usage error naming what to start otherwise.
 */
export async function requireQuotasEnforced(endpointUrl: string, region: string): Promise<void> {
  const enforced = enforcedRegion(await readQuotaReport(endpointUrl));
  if (enforced === region) return;
  const what = enforced === undefined ? 'does not enforce AWS quotas' : `enforces ${enforced}'s quotas, not ${region}'s`;
  throw new BooksimError(`--aws-quotas ${region}: the endpoint at ${endpointUrl} ${what}; start it with \`booksim local --aws-quotas ${region}\` (or give --aws-quotas to \`booksim run\`, which starts one).`, ExitCode.usage);
}

const recordKey = (record: Pick<ThrottleRecord, 'quota' | 'resource'>) => `${record.quota}\u0000${record.resource}`;

/**
 * The quotas a storm hit (pure): the throttles of `after` less those already in `before`
 * (an endpoint outlives its storms), each with the bookings answered in the second before
 * its first hit, or marked as hit after the load (while the system settled). A throttle first hit before the storm keeps its earlier `firstAt` and has
 * no booking rate of this storm's.
 */
export function quotaHits(before: ThrottleRecord[], after: ThrottleRecord[], requests: readonly RequestLogEntry[]): QuotaHit[] {
  const earlier = new Map(before.map((record) => [recordKey(record), record.throttled]));
  const answeredAt = requests.filter((request) => request.status > 0).map((request) => request.intendedAt + request.latencyMs);
  const loadEndedAt = Math.max(...answeredAt);
  const rateAt = (firstAt: number): Pick<QuotaHit, 'bookingsPerSecondAtFirstHit' | 'afterLoad'> =>
    firstAt > loadEndedAt ? { afterLoad: true } : { bookingsPerSecondAtFirstHit: answeredAt.filter((at) => at > firstAt - 1000 && at <= firstAt).length };
  return after
    .map((record) => ({ record, throttled: record.throttled - (earlier.get(recordKey(record)) ?? 0) }))
    .filter(({ throttled }) => throttled > 0)
    .map(({ record, throttled }) => {
      const firstAt = Date.parse(record.firstAt);
      return {
        ...record,
        throttled,
        ...(earlier.has(recordKey(record)) ? {} : rateAt(firstAt)),
      };
    })
    .sort((a, b) => a.firstAt.localeCompare(b.firstAt));
}

/** A storm's quotas from the endpoint's record before and after it: undefined when the endpoint enforced none. */
export function stormQuotas(before: QuotaReport | undefined, after: QuotaReport | undefined, requests: readonly RequestLogEntry[]): StormSummary['quotas'] {
  if (!after || !('region' in after)) return undefined;
  return { region: after.region, hits: quotaHits(before && 'throttles' in before ? before.throttles : [], after.throttles, requests) };
}
