import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { LedgerEntry } from '../../src/gateway/ledger.js';
import { declineBookings } from '../../src/gateway/policies.js';
import { startGateway } from '../../src/gateway/server.js';
import { charge, gatewayFor, post } from './gateway-client.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempPath(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'booksim-gateway-'));
  dirs.push(dir);
  return join(dir, name);
}

const linesOf = (path: string): LedgerEntry[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LedgerEntry);

describe('gateway ledger file', () => {
  it('when entries happen, it appends each as one JSON line at once, stamped by the clock, before the gateway closes', async () => {
    const path = tempPath('run/gateway-ledger.jsonl');
    const clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6));
    const gateway = await gatewayFor({ clock, ledgerFile: path, policy: declineBookings(new Set(['b-2'])) });
    await post(gateway, '/charges', charge('b-1'), 'charge-b-1');
    expect(linesOf(path)).toEqual(gateway.ledger());
    clock.advance(1_000);
    await post(gateway, '/charges', charge('b-2'), 'charge-b-2');
    await post(gateway, '/charges', charge('b-2'), 'charge-b-2');
    await post(gateway, '/refunds', { bookingId: 'b-1' }, 'refund-b-1');
    const lines = linesOf(path);
    expect(lines).toEqual(gateway.ledger());
    expect(lines.map((e) => [e.seq, e.at, e.outcome])).toEqual([
      [1, '2026-03-03T04:05:06.000Z', 'captured'],
      [2, '2026-03-03T04:05:07.000Z', 'declined'],
      [3, '2026-03-03T04:05:07.000Z', 'refunded'],
    ]);
  });

  it('when the ledger file exists already, it refuses to start rather than mix two runs', async () => {
    const path = tempPath('gateway-ledger.jsonl');
    writeFileSync(path, '{"seq":1}\n');
    await expect(startGateway({ ledgerFile: path })).rejects.toThrow(/exists already/);
    expect(readFileSync(path, 'utf8')).toBe('{"seq":1}\n');
  });
});
