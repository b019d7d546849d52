import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BooksimError, ExitCode } from '../errors.js';
import type { MeterPrice, PriceTable } from '../model/pricing.js';
import { meterNames, meters } from './meters.js';

/** The price table booksim ships: AWS's us-east-1 prices, at the package's root (from dist/cost/ and from src/cost/ alike). */
export const defaultPricingFile = fileURLToPath(new URL('../../pricing/aws-us-east-1.json', import.meta.url));

/** A price table file that is not one: one line naming the file and what is wrong, exit 2. */
function badTable(file: string, what: string): BooksimError {
  return new BooksimError(`price table ${file}: ${what}`, ExitCode.usage);
}

/** Reads and checks a price table (default: {@link defaultPricingFile}); a missing or malformed file is a BooksimError (exit 2). */
export function readPriceTable(file: string = defaultPricingFile): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw badTable(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badTable(file, `is not JSON (${(error as Error).message})`);
  }
  return parsePriceTable(value, file);
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a parsed price table (pure but for the error it throws): every field present and
 * of its kind, dates as YYYY-MM-DD, prices ≥ 0 per a positive amount, sources http(s)
 * URLs, every meter booksim measures priced and no other, and `lambda.durationMs` priced
 * for the memory size the table states (per = the ms of one GB-second at that size).
 */
export function parsePriceTable(value: unknown, file: string): PriceTable {
  if (!isObject(value)) throw badTable(file, 'is not a JSON object');
  const string = (object: Json, name: string, where: string): string => {
    const found = object[name];
    if (typeof found !== 'string' || found === '') throw badTable(file, `${where}${name} is not a non-empty string`);
    return found;
  };
  const number = (object: Json, name: string, where: string, ok: (n: number) => boolean, what: string): number => {
    const found = object[name];
    if (typeof found !== 'number' || !Number.isFinite(found) || !ok(found)) throw badTable(file, `${where}${name} is not ${what}`);
    return found;
  };
  const date = (object: Json, name: string, where: string): string => {
    const found = string(object, name, where);
    if (!datePattern.test(found) || Number.isNaN(Date.parse(found))) throw badTable(file, `${where}${name} "${found}" is not a date (YYYY-MM-DD)`);
    return found;
  };
  const notes = value.notes;
  if (!Array.isArray(notes) || !notes.every((note) => typeof note === 'string')) throw badTable(file, 'notes is not a list of strings');
  const lambda = value.lambda;
  if (!isObject(lambda)) throw badTable(file, 'lambda is not an object ({ "memoryMB": …, "architecture": … })');
  const memoryMB = number(lambda, 'memoryMB', 'lambda.', (n) => n >= 128 && n <= 10_240, 'a memory size in MB (128–10240)');
  const architecture = string(lambda, 'architecture', 'lambda.');
  const table = value.meters;
  if (!isObject(table)) throw badTable(file, 'meters is not an object');
  const known = new Set<string>(meterNames);
  const unknown = Object.keys(table).find((name) => !known.has(name));
  if (unknown !== undefined) throw badTable(file, `meters."${unknown}" is not a meter booksim measures (${meterNames.join(', ')})`);
  const priced: Record<string, MeterPrice> = {};
  for (const name of meterNames) {
    const entry = table[name];
    const where = `meters."${name}".`;
    if (!isObject(entry)) throw badTable(file, `meters."${name}" is missing: every meter booksim measures needs a price`);
    const source = string(entry, 'source', where);
    if (!/^https?:\/\//.test(source)) throw badTable(file, `${where}source "${source}" is not an http(s) URL`);
    priced[name] = {
      service: string(entry, 'service', where),
      unit: string(entry, 'unit', where),
      price: number(entry, 'price', where, (n) => n >= 0, 'a number ≥ 0'),
      per: number(entry, 'per', where, (n) => n > 0, 'a number > 0'),
      source,
      readOn: date(entry, 'readOn', where),
      ...(typeof entry.note === 'string' ? { note: entry.note } : {}),
    };
  }
  // One GB-second is 1024 / memoryMB seconds of a function of memoryMB MB.
  const msPerGbSecond = 1_024_000 / memoryMB;
  const duration = priced[meters.lambdaDurationMs]!;
  if (Math.abs(duration.per - msPerGbSecond) > msPerGbSecond * 1e-9) {
    throw badTable(file, `meters."${meters.lambdaDurationMs}".per is ${duration.per}, but one GB-second at lambda.memoryMB ${memoryMB} is ${msPerGbSecond} ms: price it per GB-second with per = ${msPerGbSecond}`);
  }
  return {
    name: string(value, 'name', ''),
    region: string(value, 'region', ''),
    currency: string(value, 'currency', ''),
    readOn: date(value, 'readOn', ''),
    notes: notes as string[],
    lambda: { memoryMB, architecture },
    meters: priced,
  };
}
