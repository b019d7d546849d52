import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BooksimError, ExitCode } from '../errors.js';

/**
 * AWS's published throughput quotas as data: quotas/<service>.json at the package's root,
 * one file per service, each quota with its figures (per region where they differ), the
 * page they come from and the date it was read. `booksim local --aws-quotas` enforces them.
 */

/** A quota's figures: a bucket of `burst` calls (or messages, or units) refilled at `rate` a second. */
export interface QuotaFigures {
  rate: number;
  burst: number;
}

/** One quota as its file has it. */
export interface QuotaEntry extends QuotaFigures {
  /** One line: "SendMessage, ReceiveMessage, … per FIFO queue without high throughput, per API action". */
  description: string;
  /** What is counted: "transactions", "messages", "write request units", … */
  unit: string;
  /** What it applies to, for the report: "per queue and API action", "per account and region". */
  scope: string;
  /** Figures that differ from the default in some regions. */
  regions?: Record<string, QuotaFigures>;
  /** How to lift it, for the report: "deploy --high-throughput (FifoThroughputLimit=perMessageGroupId)". */
  lift?: string;
  source: string;
  readOn: string;
}

/** Every quota, by id (`sqs.fifo.perQueueAction`). */
export type QuotaTable = Record<string, QuotaEntry>;

/** The folder booksim's quota files are in, from dist/model/ and src/model/ alike. */
export const quotasDir = fileURLToPath(new URL('../../quotas/', import.meta.url));

const bad = (file: string, what: string) => new BooksimError(`quota file ${file}: ${what}`, ExitCode.usage);

/** Reads and checks every quotas/*.json; a malformed one is a BooksimError naming the file and what is wrong. */
export function readQuotaTable(dir: string = quotasDir): QuotaTable {
  const table: QuotaTable = {};
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const parsed = parsedFile(file);
    for (const [id, entry] of Object.entries(parsed.quotas ?? {})) {
      if (id in table) throw bad(file, `quota ${id} is defined twice`);
      table[id] = checkedEntry(file, id, entry);
    }
  }
  return table;
}

function parsedFile(file: string): { quotas?: Record<string, unknown> } {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { quotas?: Record<string, unknown> };
  } catch (error) {
    throw bad(file, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function checkedEntry(file: string, id: string, value: unknown): QuotaEntry {
  const entry = value as Partial<QuotaEntry>;
  const figures = (figures: Partial<QuotaFigures> | undefined, where: string): void => {
    if (!(typeof figures?.rate === 'number' && figures.rate > 0 && typeof figures.burst === 'number' && figures.burst >= 1)) throw bad(file, `${where} needs a rate > 0 and a burst ≥ 1`);
  };
  figures(entry, id);
  for (const [region, regional] of Object.entries(entry.regions ?? {})) figures(regional, `${id} in ${region}`);
  for (const field of ['description', 'unit', 'scope', 'source', 'readOn'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') throw bad(file, `${id}.${field} is not a non-empty string`);
  }
  if (!/^https?:\/\//.test(entry.source!)) throw bad(file, `${id}.source is not an http(s) URL`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.readOn!)) throw bad(file, `${id}.readOn is not a date (YYYY-MM-DD)`);
  return entry as QuotaEntry;
}

/** A quota's figures in a region: the region's own, or the default. */
export function figuresIn(entry: QuotaEntry, region: string): QuotaFigures {
  return entry.regions?.[region] ?? { rate: entry.rate, burst: entry.burst };
}
