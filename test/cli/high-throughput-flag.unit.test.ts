import { describe, expect, it } from 'vitest';
import { highThroughputOf, stackOptionsOf } from '../../src/cli/flags.js';
import { readQuotaTable } from '../../src/model/quota-table.js';

describe('high throughput by rate', () => {
  const limit = readQuotaTable()['sqs.fifo.perQueueAction']!.rate;

  it('reads the FIFO queue quota AWS publishes: 300 calls a second per API action', () => {
    expect(limit).toBe(300);
  });

  it('is on above the quota and off at or below it, when the flag says nothing', () => {
    expect(highThroughputOf({ rps: '500' })).toEqual({ on: true, byRate: { rps: 500, limit } });
    expect(highThroughputOf({ rps: 301 })).toEqual({ on: true, byRate: { rps: 301, limit } });
    expect(highThroughputOf({ rps: '300' })).toEqual({ on: false });
    expect(highThroughputOf({ rps: '50' })).toEqual({ on: false });
    expect(highThroughputOf({})).toEqual({ on: false });
  });

  it('does as --high-throughput or --no-high-throughput say, whatever the rate', () => {
    expect(highThroughputOf({ 'high-throughput': false, rps: '5000' })).toEqual({ on: false });
    expect(highThroughputOf({ 'high-throughput': true, rps: '5' })).toEqual({ on: true });
  });

  it('is what the stack options of run and compare carry, from their --rps', () => {
    const flags = { stack: 'ht', profile: 'fast', 'max-receive-count': 5 };
    expect(stackOptionsOf({ ...flags, rps: '500' }).highThroughput).toBe(true);
    expect(stackOptionsOf({ ...flags, rps: '50' }).highThroughput).toBe(false);
    expect(stackOptionsOf({ ...flags, rps: '500', 'high-throughput': false }).highThroughput).toBe(false);
  });
});
