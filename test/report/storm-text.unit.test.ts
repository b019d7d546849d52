import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatSettleProgress, stormSummaryText } from '../../src/report/storm-text.js';
import { type StormSummary } from '../../src/model/run.js';
import { slowIssueTicketSaga } from '../fixtures/saga-summary.js';
import { paymentQueueHit } from '../fixtures/quota-hits.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/storm-summary.json', import.meta.url), 'utf8')) as StormSummary;
const plain = (text: string) => stripVTControlCharacters(text);

describe('the storm summary as text', () => {
  it('when a storm settled, it shows the run, the load, the outcome and the AWS calls per booking', () => {
    const text = plain(stormSummaryText(fixture));
    expect(text).toContain('storm 2026-11-23T07-40-12Z-1f3a: stack booksim, profile fast, seed 42');
    expect(text).toContain('http://127.0.0.1:4566');
    expect(text).toContain('reports/2026-11-23T07-40-12Z-1f3a');
    expect(text).toContain('100 seats, target 500 rps, achieved 493.3 rps (98.7 % of target) over 20.0 s');
    expect(text).toContain('10000 sent, 9995 completed, 5 errors, 0 non-2xx');
    expect(text).toContain('9995 accepted: 100 confirmed, 9880 rejected, 15 payment failed, 0 escalated, 0 undecided');
    expect(text).toContain('100 of 100 sold');
    expect(text).toContain('settled in 3.2 s');
    expect(text).toContain('47976 total, 4.8 per booking (dynamodb 2.0, sfn 0.2, sns 1.0, sqs 1.6)');
    expect(text).toContain('calls per booking: confirmed 21.4, rejected 3.3, + 1.3 shared');
    expect(text).not.toMatch(/undefined|NaN|\[object/);
  });

  it('when the storm has a cost, it is next to the AWS calls: per booking, per million by service, per confirmed and rejected booking, with the price table and its date', () => {
    const cost = {
      pricing: { name: 'aws-us-east-1', region: 'us-east-1', currency: 'USD', readOn: '2026-12-07' },
      total: 0.4997,
      byService: { sqs: 0.0497, sfn: 0.45 },
      perConfirmed: 0.000163,
      perRejected: 0.0000064,
      perBooking: 0.00005,
      perMillion: { sqs: 4.97, sfn: 45.03 },
    };
    const lines = plain(stormSummaryText({ ...fixture, cost })).split('\n');
    const calls = lines.findIndex((line) => line.startsWith('          calls per booking'));
    expect(lines.slice(calls + 1, calls + 3)).toEqual([
      'cost      $0.50 total, $0.0000500 per booking, $50.00 per 1,000,000 (sfn $45.03, sqs $4.97)',
      '          cost per booking: confirmed $0.000163, rejected $0.00000640, at aws-us-east-1 (us-east-1, prices of 2026-12-07)',
    ]);
  });

  it('when the storm has no cost (a run made before it), the cost line is a dash', () => {
    expect(plain(stormSummaryText(fixture)).split('\n')).toContain('cost      –');
  });

  it('when the storm sold the seats of an event, the first line names it; seats sold before the run are counted apart', () => {
    const lines = plain(stormSummaryText({ ...fixture, event: 'gala', seatsSold: 20, seatsSoldBefore: 80 })).split('\n');
    expect(lines[0]).toBe('storm 2026-11-23T07-40-12Z-1f3a: stack booksim, event gala, profile fast, seed 42');
    expect(lines).toContain('seats     20 of 100 sold (80 sold before this run)');
    expect(plain(stormSummaryText({ ...fixture, event: 'gala', seatsSoldBefore: 0 }))).toContain('100 of 100 sold\n');
  });

  it('when the saga\'s histories were read, a line names the slowest step with its wait and work, and a table gives every step', () => {
    const lines = plain(stormSummaryText({ ...fixture, saga: slowIssueTicketSaga })).split('\n');
    expect(lines).toContain('saga      slowest step IssueTicket: p99 4.2 s in state (wait 20 ms, work 3.2 s, backoff 1.0 s); 120 executions, 1,480 state transitions');
    const header = lines.findIndex((line) => line.startsWith('  saga step (ms)'));
    expect(lines[header]).toMatch(/count\s+wait p50\s+wait p99\s+work p50\s+work p99\s+retries\s+failures$/);
    expect(lines.slice(header + 1).map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['FastValidatePayment', '30', '1.0', '4.0', '12.0', '40.0', '0', '–'],
      ['FastReserveSeat', '30', '1.0', '3.0', '9.0', '30.0', '0', '–'],
      ['ValidatePayment', '90', '1.0', '5.0', '11.0', '45.0', '1', 'PaymentDeclined 8, GatewayError 1'],
      ['ReserveSeat', '82', '1.0', '4.0', '10.0', '35.0', '0', '–'],
      ['IssueTicket', '112', '2.0', '20.0', '3020.0', '3150.0', '1', 'States.Timeout 1'],
      ['Notify', '112', '1.0', '4.0', '15.0', '50.0', '0', '–'],
      ['ReleaseSeat', '8', '1.0', '2.0', '20.0', '30.0', '0', '–'],
    ]);
  });

  it('when a run has no saga figures (made before step timings, or no saga ran), there is no saga line or table', () => {
    const text = plain(stormSummaryText(fixture));
    expect(text).not.toContain('saga');
  });

  it('when workers were killed, the faults line gives kill → timeout, and says how many crashes only the task timeout noticed', () => {
    const detectionMs = { count: 3, p50: 2_100, p90: 9_800, p99: 9_800, p999: 9_800, max: 9_800 };
    const chaos = { faults: ['crash-mid-heartbeat:after=1'], injected: { 'crash-mid-heartbeat': 3 }, detectionMs };
    const byHeartbeat = plain(stormSummaryText({ ...fixture, chaos: { ...chaos, detectedBy: { heartbeatTimeout: 3, taskTimeout: 0 } } }));
    expect(byHeartbeat).toContain('crash-mid-heartbeat 3 (kill → timeout p50 2.1 s, max 9.8 s)');
    const late = plain(stormSummaryText({ ...fixture, chaos: { ...chaos, detectedBy: { heartbeatTimeout: 2, taskTimeout: 1 } } }));
    expect(late).toContain('crash-mid-heartbeat 3 (kill → timeout p50 2.1 s, max 9.8 s; 2 by heartbeat timeout, 1 only by task timeout)');
  });

  it('when rendered, the latency table has a header and a row per distribution and tier, in aligned columns', () => {
    const lines = plain(stormSummaryText(fixture)).split('\n');
    const header = lines.find((line) => line.includes('latency (ms)'))!;
    expect(header.trim().split(/\s{2,}/)).toEqual(['latency (ms)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max']);
    const rows = lines.slice(lines.indexOf(header) + 1);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual([
      ['API', '10000', '4.2', '9.9', '31.5', '88.1', '140.3'],
      ['time to decision', '9995', '812.4', '2210.8', '4015.1', '6120.5', '7003.9'],
      ['VIP', '1003', '790.2', '2105.6', '3950.0', '5003.1', '5003.1'],
      ['STANDARD', '8992', '815.1', '2230.4', '4020.7', '6150.9', '7003.9'],
    ]);
    // Right-aligned: every column ends where its header ends.
    const ends = (line: string) => [...line.matchAll(/\S+(?=\s{2,}|$)/g)].slice(-6).map((m) => m.index! + m[0].length);
    for (const row of rows) expect(ends(row)).toEqual(ends(header));
  });

  it('when the system did not settle and nothing was decided, it says so and prints dashes, not NaN', () => {
    const empty = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const summary: StormSummary = {
      ...fixture,
      rate: { target: 0, achieved: 0 },
      requests: { sent: 0, completed: 0, errors: 0, non2xx: 0 },
      bookings: { accepted: 0, confirmed: 0, rejected: 0, paymentFailed: 0, escalated: 0, undecided: 0 },
      settle: { settled: false, waitedMs: 30_000 },
      awsCalls: { total: 0, byService: {}, perConfirmed: null, perRejected: null, sharedPerBooking: null },
      latency: { api: empty, timeToDecision: empty, timeToDecisionByTier: { VIP: empty, STANDARD: empty } },
    };
    const text = plain(stormSummaryText(summary));
    expect(text).toContain('NOT settled after 30.0 s');
    expect(text).toContain('0 total, – per booking');
    expect(text).toContain('calls per booking: confirmed –, rejected –, + – shared');
    expect(text).toMatch(/API\s+0\s+–\s+–\s+–\s+–\s+–/);
    expect(text).not.toMatch(/undefined|NaN|Infinity/);
  });

  it('when settling, the progress line shows each queue, the running sagas, the undecided bookings and the DLQs when not empty', () => {
    const queues = [{ name: 'b-inventory.fifo', visible: 3, inFlight: 1 }, { name: 'b-payment.fifo', visible: 0, inFlight: 2 }];
    const line = formatSettleProgress({ queues, deadLetter: 0, runningExecutions: 100, moreRunning: true, undecided: 7 }, 2500);
    expect(plain(line)).toBe('settling (2.5 s): b-inventory.fifo 3 waiting, 1 in flight · b-payment.fifo 0 waiting, 2 in flight · 100+ sagas running · 7 undecided');
    expect(plain(formatSettleProgress({ queues, deadLetter: 2, runningExecutions: 0 }))).toMatch(/0 sagas running · 2 in DLQs$/);
    expect(line).not.toContain('\n');
  });
});

describe("the storm summary's quota lines", () => {
  const quotaLines = (summary: StormSummary) => plain(stormSummaryText(summary)).split('\n').filter((line) => /^quotas|^ {10}\S.*throttled/.test(line));

  it('when a quota was hit, one line says which, its limit, the booking rate that hit it, how often it throttled and how to lift it', () => {
    expect(quotaLines({ ...fixture, quotas: { region: 'us-east-1', hits: [paymentQueueHit] } })).toEqual([
      'quotas    booksim-payment.fifo SendMessage: 300 transactions/s per queue and API action — hit at 310 bookings/s, 412 throttled; lift: deploy --high-throughput',
    ]);
  });

  it('when several were hit, one line each; one first hit by an earlier storm on the endpoint says so', () => {
    const { bookingsPerSecondAtFirstHit: _rate, ...earlier } = paymentQueueHit;
    const account = { ...earlier, quota: 'sfn.startExecution', resource: 'account', limit: '300 calls per second, per account and region', throttled: 7 };
    const { lift: _lift, ...withoutLift } = account;
    expect(quotaLines({ ...fixture, quotas: { region: 'us-east-1', hits: [paymentQueueHit, withoutLift] } })).toEqual([
      'quotas    booksim-payment.fifo SendMessage: 300 transactions/s per queue and API action — hit at 310 bookings/s, 412 throttled; lift: deploy --high-throughput',
      '          account: 300 calls/s per account and region — first hit before this run, 7 throttled',
    ]);
  });

  it('when a quota was first hit after the load, while the system settled, it says so instead of a booking rate', () => {
    const { bookingsPerSecondAtFirstHit: _rate, ...settling } = paymentQueueHit;
    expect(quotaLines({ ...fixture, quotas: { region: 'us-east-1', hits: [{ ...settling, afterLoad: true }] } })).toEqual([
      'quotas    booksim-payment.fifo SendMessage: 300 transactions/s per queue and API action — hit after the load, while the system settled, 412 throttled; lift: deploy --high-throughput',
    ]);
  });

  it('when quotas were on and nothing was throttled, it says so with the region whose figures applied', () => {
    expect(plain(stormSummaryText({ ...fixture, quotas: { region: 'eu-west-1', hits: [] } })).split('\n')).toContain('quotas    no quota hit (eu-west-1 figures)');
  });

  it('when quotas were off, there is no quota line', () => {
    expect(plain(stormSummaryText(fixture))).not.toContain('quota');
  });
});
