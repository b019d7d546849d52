import type { PriceTable } from '../model/pricing.js';
import type { CostSummary, RunUsage, Usage } from '../model/run.js';

/** What a usage costs: in total and by service. */
export interface UsageCost {
  total: number;
  byService: Record<string, number>;
}

/**
 * A usage priced meter by meter (pure): amount × price ÷ per, summed by the meter's
 * service. A meter the table does not price costs nothing (the loader refuses a table that
 * leaves out one booksim measures).
 */
export function usageCost(usage: Usage, pricing: PriceTable): UsageCost {
  const byService: Record<string, number> = {};
  for (const [meter, amount] of Object.entries(usage)) {
    const price = pricing.meters[meter];
    if (!price) continue;
    byService[price.service] = (byService[price.service] ?? 0) + (amount * price.price) / price.per;
  }
  return { total: Object.values(byService).reduce((a, b) => a + b, 0), byService };
}

/**
 * A run's usage priced (pure): the total and by service; a mean CONFIRMED and REJECTED
 * booking, each its own usage plus the shared usage per booking; the total per accepted
 * booking, and that × 1,000,000 by service. Null where there is no booking to divide by.
 */
export function costSummary(usage: RunUsage, pricing: PriceTable, accepted: number): CostSummary {
  const total = usageCost(usage.total, pricing);
  const shared = usage.sharedPerBooking ? usageCost(usage.sharedPerBooking, pricing).total : 0;
  const withShare = (own: Usage | null) => (own ? usageCost(own, pricing).total + shared : null);
  return {
    pricing: { name: pricing.name, region: pricing.region, currency: pricing.currency, readOn: pricing.readOn },
    total: total.total,
    byService: total.byService,
    perConfirmed: withShare(usage.perConfirmed),
    perRejected: withShare(usage.perRejected),
    perBooking: accepted === 0 ? null : total.total / accepted,
    perMillion: accepted === 0 ? null : Object.fromEntries(Object.entries(total.byService).map(([service, cost]) => [service, (cost / accepted) * 1_000_000])),
  };
}
