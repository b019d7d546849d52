import type { InvariantResult, ThresholdResult, VerifyReport } from '../../src/model/verdict.js';

/** Literal verify reports for the renderers' tests: one that found violations, one where everything holds. */

const t0 = Date.parse('2026-11-23T07:40:12.000Z');

const valid = (id: number, key: string, title: string, checked: number, checkedWhat: string): InvariantResult => ({
  id,
  key,
  title,
  verdict: 'valid',
  checked,
  checkedWhat,
  violations: 0,
  counterexamples: [],
});

export const validInvariants: InvariantResult[] = [
  valid(1, 'no-double-booking', 'at most one CONFIRMED booking per seat', 100, 'seats'),
  valid(2, 'first-come-first-served', 'the confirmed booking is the earliest in line whose payment did not fail; no one was skipped', 100, 'seats'),
  valid(3, 'payment-only-for-holder', 'net money is the price for CONFIRMED bookings, zero for the others', 9995, 'bookings'),
  valid(4, 'reassignment', 'no seat unsold while an eligible booking waited behind a failed one', 100, 'seats'),
  valid(5, 'exactly-once-effects', 'at most one capture, one refund and one ticket per booking', 9995, 'bookings'),
  valid(6, 'nothing-lost', 'every acknowledged booking exists and ends in a terminal state', 9995, 'bookings'),
  valid(7, 'no-limbo', 'every execution has ended, every queue is drained', 115, 'executions'),
  valid(8, 'compensation-complete', 'a failed saga that charged refunded; one that held released', 15, 'executions'),
];

const doubleBooking: InvariantResult = {
  ...validInvariants[0]!,
  verdict: 'invalid',
  violations: 4,
  counterexamples: [
    {
      seatId: 'S-007',
      bookingIds: ['b-2', 'b-1'],
      message: 'seat S-007 has 2 CONFIRMED bookings: b-2 and b-1 & <both> paid',
      events: [
        { at: t0, bookingId: 'b-1', what: 'request sent (202)' },
        { at: t0 + 14, bookingId: 'b-2', what: 'request sent (202)' },
        { at: t0 + 1250, bookingId: 'b-1', what: 'saga: IssueTicket succeeded' },
        { at: t0 + 12_345, bookingId: 'b-2', what: 'saga: IssueTicket succeeded' },
        { bookingId: 'b-1', what: 'CONFIRMED now' },
        { bookingId: 'b-2', what: 'CONFIRMED now' },
      ],
    },
    {
      seatId: 'S-042',
      bookingIds: ['b-9', 'b-8'],
      message: 'seat S-042 has 2 CONFIRMED bookings: b-9 and b-8',
      events: [
        { at: t0 + 100, bookingId: 'b-8', what: 'request sent (202)' },
        { at: t0 + 130, bookingId: 'b-9', what: 'request sent (202)' },
      ],
    },
  ],
};

const moneyTaken: InvariantResult = {
  ...validInvariants[2]!,
  verdict: 'invalid',
  violations: 1,
  counterexamples: [
    {
      seatId: 'S-011',
      bookingIds: ['b-31'],
      message: 'booking b-31 is REJECTED but paid 4200 net (one capture, no refund)',
      events: [
        { at: t0 + 2000, bookingId: 'b-31', what: 'charge captured 4200 (response lost)' },
        { bookingId: 'b-31', what: 'REJECTED now' },
      ],
    },
  ],
};

const lostUnknown: InvariantResult = {
  ...validInvariants[5]!,
  verdict: 'unknown',
  checked: 0,
  violations: 0,
  note: 'the run directory has no request log (requests.jsonl): which bookings were acknowledged is not known',
};

const limboWithEscalations: InvariantResult = {
  ...validInvariants[6]!,
  note: '2 bookings ESCALATED with 8400 at stake: b-77 (4200), b-78 (4200)',
};

export const thresholdResults: ThresholdResult[] = [
  { expression: 'api.p99<500', metric: 'api', statistic: 'p99', operator: '<', limit: 500, verdict: 'passed', measured: 31.5 },
  { expression: 'decision.p99 < 2000ms', metric: 'decision', statistic: 'p99', operator: '<', limit: 2000, verdict: 'breached', measured: 4015.1 },
  {
    expression: 'vip.decision.p99.9<1500',
    metric: 'vip.decision',
    statistic: 'p99.9',
    operator: '<',
    limit: 1500,
    verdict: 'unknown',
    note: "the run's histograms have no timeToDecisionByTier.VIP",
  },
];

/** Two invariants violated, one unknown, one valid with a note; a threshold of each verdict. */
export const invalidReport: VerifyReport = {
  runId: '2026-11-23T07-40-12Z-1f3a',
  runDir: 'reports/2026-11-23T07-40-12Z-1f3a',
  stack: 'booksim',
  endpoint: 'http://127.0.0.1:4566',
  verifiedAt: '2026-11-23T07:41:02.517Z',
  verdict: 'invalid',
  exitCode: 1,
  invariants: [doubleBooking, validInvariants[1]!, moneyTaken, validInvariants[3]!, validInvariants[4]!, lostUnknown, limboWithEscalations, validInvariants[7]!],
  thresholds: thresholdResults,
};

/** Everything holds, no threshold. */
export const validReport: VerifyReport = { ...invalidReport, verdict: 'valid', exitCode: 0, invariants: validInvariants, thresholds: [] };

/** One invariant and one threshold could not be decided; the rest hold. */
export const unknownReport: VerifyReport = {
  ...invalidReport,
  verdict: 'unknown',
  exitCode: 3,
  invariants: validInvariants.map((r) => (r.id === 6 ? lostUnknown : r)),
  thresholds: [thresholdResults[0]!, thresholdResults[2]!],
};
