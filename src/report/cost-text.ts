import type { CostSummary } from '../model/run.js';

/**
 * Money as the reports show it (pure): two decimals from a cent up, else three significant
 * digits (a booking costs millionths of a dollar); "–" for none. Dollars with a $, any
 * other currency after the figure.
 */
export function formatMoney(value: number | null | undefined, currency = 'USD'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const decimals = value === 0 || Math.abs(value) >= 0.01 ? 2 : Math.min(12, 2 - Math.floor(Math.log10(Math.abs(value))));
  const figure = value.toFixed(decimals);
  return currency === 'USD' ? `$${figure}` : `${figure} ${currency}`;
}

/** The price table a cost was worked out with, in words: `aws-us-east-1 (us-east-1, prices of 2026-12-07)`. */
export function pricingText(cost: CostSummary): string {
  return `${cost.pricing.name} (${cost.pricing.region}, prices of ${cost.pricing.readOn})`;
}

/** The services of a cost, each with its share of the million bookings, in name order: `dynamodb $1.23, lambda $4.56, …`. */
export function perMillionText(cost: CostSummary): string {
  return Object.entries(cost.perMillion ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, amount]) => `${service} ${formatMoney(amount, cost.pricing.currency)}`)
    .join(', ');
}
