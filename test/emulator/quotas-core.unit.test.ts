import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { BooksimError } from '../../src/errors.js';
import { figuresIn, readQuotaTable, type QuotaTable } from '../../src/model/quota-table.js';
import { Quotas } from '../../src/emulator/quotas/quotas.js';
import { TokenBucket } from '../../src/emulator/quotas/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full, refuses the call past its capacity, and takes nothing from a refused call', () => {
    const bucket = new TokenBucket(3, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(0, 2)).toBe(false);
    expect(bucket.available(0)).toBe(0);
  });

  it('refills at its rate, pro rata, up to its capacity only', () => {
    const bucket = new TokenBucket(300, 300, 0);
    expect(bucket.take(0, 300)).toBe(true);
    expect(bucket.available(100)).toBeCloseTo(30);
    expect(bucket.available(60_000)).toBe(300);
  });

  it('a burst larger than the rate: 1,300 at once, then 300 a second', () => {
    const bucket = new TokenBucket(1300, 300, 0);
    expect(bucket.take(0, 1300)).toBe(true);
    expect(bucket.take(1000, 301)).toBe(false);
    expect(bucket.take(1000, 300)).toBe(true);
  });

  it('gains nothing when time seems to go backwards', () => {
    const bucket = new TokenBucket(10, 10, 1000);
    bucket.take(1000, 10);
    expect(bucket.available(500)).toBe(0);
    expect(bucket.available(1100)).toBeCloseTo(1);
  });
});

const table: QuotaTable = {
  'test.perQueue': {
    rate: 2,
    burst: 2,
    description: 'sends',
    unit: 'transactions',
    scope: 'per queue',
    regions: { 'eu-west-2': { rate: 1, burst: 1 } },
    lift: 'batch',
    source: 'https://example.com/quotas',
    readOn: '2026-12-07',
  },
};

describe('Quotas', () => {
  it('keeps one bucket per quota and resource, and records each throttle with the rate that first hit it', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const quotas = new Quotas(table, 'us-east-1', clock);
    expect([quotas.take('test.perQueue', 'a'), quotas.take('test.perQueue', 'a'), quotas.take('test.perQueue', 'a')]).toEqual([true, true, false]);
    expect(quotas.take('test.perQueue', 'b')).toBe(true);
    clock.advance(10);
    expect(quotas.take('test.perQueue', 'a')).toBe(false);
    expect(quotas.throttles()).toEqual([
      {
        quota: 'test.perQueue',
        description: 'sends',
        resource: 'a',
        limit: '2 transactions per second, per queue',
        lift: 'batch',
        throttled: 2,
        rateAtFirstHit: 3,
        firstAt: '2026-01-01T00:00:00.000Z',
        lastAt: '2026-01-01T00:00:00.010Z',
        source: 'https://example.com/quotas',
      },
    ]);
  });

  it("applies the region's own figures where the table has them, the default elsewhere", () => {
    const clock = new ManualClock();
    const london = new Quotas(table, 'eu-west-2', clock);
    expect([london.take('test.perQueue', 'a'), london.take('test.perQueue', 'a')]).toEqual([true, false]);
    expect(figuresIn(table['test.perQueue']!, 'ap-southeast-7')).toEqual({ rate: 2, burst: 2 });
  });

  it('refuses an id the table does not have', () => {
    expect(() => new Quotas(table, 'us-east-1', new ManualClock()).take('test.nothing', 'a')).toThrow('no quota test.nothing');
  });
});

describe('readQuotaTable', () => {
  it("reads booksim's own files, SQS's and SNS's included, each entry with its source and date", () => {
    const quotas = readQuotaTable();
    for (const id of ['sqs.fifo.perQueueAction', 'sqs.fifo.highThroughput.perQueue', 'sqs.fifo.highThroughput.perMessageGroup', 'sns.fifo.perTopic', 'sns.fifo.perMessageGroup']) {
      expect(quotas[id], id).toMatchObject({ source: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//), readOn: '2026-12-07' });
    }
    expect(figuresIn(quotas['sqs.fifo.highThroughput.perQueue']!, 'us-east-1')).toEqual({ rate: 70_000, burst: 70_000 });
    expect(figuresIn(quotas['sqs.fifo.highThroughput.perQueue']!, 'ap-southeast-7')).toEqual({ rate: 2400, burst: 2400 });
  });

  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'booksim-quotas-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const entry = { ...table['test.perQueue'] };

  it.each([
    ['not JSON', { 'a.json': '{' }, 'is not valid JSON'],
    ['a quota defined twice', { 'a.json': JSON.stringify({ quotas: { x: entry } }), 'b.json': JSON.stringify({ quotas: { x: entry } }) }, 'quota x is defined twice'],
    ['a rate of 0', { 'a.json': JSON.stringify({ quotas: { x: { ...entry, rate: 0 } } }) }, 'x needs a rate > 0 and a burst ≥ 1'],
    ['a source that is no URL', { 'a.json': JSON.stringify({ quotas: { x: { ...entry, source: 'the docs' } } }) }, 'x.source is not an http(s) URL'],
    ['a date that is no date', { 'a.json': JSON.stringify({ quotas: { x: { ...entry, readOn: 'today' } } }) }, 'x.readOn is not a date'],
  ])('refuses a file with %s, naming it', (_what, files, message) => {
    const read = () => readQuotaTable(dirWith(files));
    expect(read).toThrow(BooksimError);
    expect(read).toThrow(message);
  });
});
