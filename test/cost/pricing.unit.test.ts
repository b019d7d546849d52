import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meterNames } from '../../src/cost/meters.js';
import { defaultPricingFile, parsePriceTable, readPriceTable } from '../../src/cost/pricing.js';
import { BooksimError, ExitCode } from '../../src/errors.js';

const shipped = () => JSON.parse(readFileSync(defaultPricingFile, 'utf8')) as Record<string, unknown> & { meters: Record<string, Record<string, unknown>>; lambda: Record<string, unknown> };

/** The error parsing `table` raises: a BooksimError, exit 2, one line. */
function refusal(table: unknown): BooksimError {
  try {
    parsePriceTable(table, 'prices.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    expect((error as BooksimError).message).not.toContain('\n');
    return error as BooksimError;
  }
  throw new Error('expected the table to be refused');
}

describe('price tables', () => {
  it("when booksim's own table is read, every meter it measures is priced, each with its AWS source and the date it was read", () => {
    const table = readPriceTable();
    expect(table).toMatchObject({ name: 'aws-us-east-1', region: 'us-east-1', currency: 'USD', readOn: '2026-12-07', lambda: { memoryMB: 512, architecture: 'x86_64' } });
    expect(Object.keys(table.meters).sort()).toEqual([...meterNames].sort());
    for (const price of Object.values(table.meters)) {
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z-]+\/pricing\//);
      expect(price.readOn).toBe('2026-12-07');
    }
    expect(table.notes.join(' ')).toMatch(/free tier is left out/);
    expect(table.notes.join(' ')).toMatch(/512 MB on x86_64/);
  });

  it.each([
    ['a meter left out', (t: ReturnType<typeof shipped>) => delete t.meters['sfn.stateTransitions'], 'meters."sfn.stateTransitions" is missing: every meter booksim measures needs a price'],
    ['a meter booksim does not measure', (t: ReturnType<typeof shipped>) => (t.meters['sqs.fifo.request'] = t.meters['sqs.fifo.requests']!), 'meters."sqs.fifo.request" is not a meter booksim measures'],
    ['a negative price', (t: ReturnType<typeof shipped>) => (t.meters['sqs.fifo.requests']!.price = -1), 'meters."sqs.fifo.requests".price is not a number ≥ 0'],
    ['a price per nothing', (t: ReturnType<typeof shipped>) => (t.meters['lambda.requests']!.per = 0), 'meters."lambda.requests".per is not a number > 0'],
    ['a date that is none', (t: ReturnType<typeof shipped>) => (t.meters['sqs.fifo.requests']!.readOn = '7 Dec 2026'), 'meters."sqs.fifo.requests".readOn "7 Dec 2026" is not a date (YYYY-MM-DD)'],
    ['a source that is no URL', (t: ReturnType<typeof shipped>) => (t.meters['sqs.fifo.requests']!.source = 'the AWS site'), 'meters."sqs.fifo.requests".source "the AWS site" is not an http(s) URL'],
    ['no currency', (t: ReturnType<typeof shipped>) => delete t.currency, 'currency is not a non-empty string'],
    ['a memory size Lambda has not', (t: ReturnType<typeof shipped>) => (t.lambda.memoryMB = 64), 'lambda.memoryMB is not a memory size in MB (128–10240)'],
    [
      'a memory size its duration price is not for',
      (t: ReturnType<typeof shipped>) => (t.lambda.memoryMB = 1024),
      'meters."lambda.durationMs".per is 2000, but one GB-second at lambda.memoryMB 1024 is 1000 ms: price it per GB-second with per = 1000',
    ],
  ])('when a table has %s, it is refused in one line saying what is wrong', (_what, spoil, message) => {
    const table = shipped();
    spoil(table);
    expect(refusal(table).message).toContain(`price table prices.json: ${message}`);
  });

  it('when another memory size is stated with its duration priced for it, the table is taken', () => {
    const table = shipped();
    table.lambda.memoryMB = 1024;
    table.meters['lambda.durationMs']!.per = 1000;
    expect(parsePriceTable(table, 'prices.json').lambda.memoryMB).toBe(1024);
  });

  it('when the file is missing or not JSON, the error names the file and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booksim-pricing-'));
    expect(() => readPriceTable(join(dir, 'none.json'))).toThrow(`price table ${join(dir, 'none.json')}: cannot be read (ENOENT)`);
    writeFileSync(join(dir, 'bad.json'), '{ "name": ');
    expect(() => readPriceTable(join(dir, 'bad.json'))).toThrow(`price table ${join(dir, 'bad.json')}: is not JSON (`);
    expect(refusal([]).message).toBe('price table prices.json: is not a JSON object');
  });
});
