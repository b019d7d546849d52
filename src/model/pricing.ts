/**
 * A price table (pricing/aws-us-east-1.json, or the file `--pricing` names): what each
 * billed meter costs, with where and when the price was read. src/cost/ reads and checks
 * it, and prices a run's usage with it; a run keeps the one it used (pricing.json).
 */

/** The price of one billed meter: `price` per `per` units of it. */
export interface MeterPrice {
  /** The service it is billed by: sqs, sns, dynamodb, sfn, lambda. */
  service: string;
  /** What one unit of the meter is ("request (64 KB chunk)", "write request unit", …). */
  unit: string;
  price: number;
  /** How many units `price` is for (1,000,000 requests, 1,000 state transitions, …). */
  per: number;
  /** The page the price was read from. */
  source: string;
  /** The date it was read (YYYY-MM-DD). */
  readOn: string;
  note?: string;
}

/** A price table: the meters booksim measures, each priced, in one region and currency. */
export interface PriceTable {
  name: string;
  region: string;
  currency: string;
  /** When the prices were read (YYYY-MM-DD): the oldest reading of any meter. */
  readOn: string;
  /** What the table leaves out or assumes (the free tier, …), in words. */
  notes: string[];
  /** The Lambda configuration `lambda.durationMs` is priced for. */
  lambda: { memoryMB: number; architecture: string };
  /** By meter name (src/cost/meters.ts). */
  meters: Record<string, MeterPrice>;
}
