import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { percentiles } from '../../src/load/histograms.js';
import { sagaSteps, sagaTaskStates, type ExecutionHistory } from '../../src/storm/saga-steps.js';
import { visitsOfHistory } from '../../src/storm/saga-visits.js';

/** An event as the tests write it: type, ms since the execution started, details, and (for AWS-style histories) the id of the event it follows. */
type Line = [type: string, atMs: number, details?: Record<string, unknown>, previous?: number];

const t0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const detailsKey = (type: string) => {
  const base = type.replace(/^(Task|Choice|Pass|Succeed|Fail|Parallel)State(Entered|Exited)$/, 'State$2');
  return `${base[0]!.toLowerCase()}${base.slice(1)}EventDetails`;
};

/** A history as GetExecutionHistory gives it: ids from 1; each event follows the one before (booksim local) unless a line names another (AWS within a branch). */
function history(lines: Line[]): HistoryEvent[] {
  return lines.map(([type, atMs, details, previous], index) => ({
    id: index + 1,
    previousEventId: previous ?? index,
    type,
    timestamp: new Date(t0 + atMs),
    ...(details ? { [detailsKey(type)]: details } : {}),
  })) as HistoryEvent[];
}

const arn = (task: string) => ({ resource: `arn:aws:states:us-east-1:000000000000:activity:stack-${task}` });
const worker = (task: string) => ({ workerName: `booksim-${task}-4242` });
/** A duration as an HDR histogram gives it back: to 3 significant digits. */
const about = (ms: number) => expect.closeTo(ms, 2 - Math.floor(Math.log10(ms)));
const entered = (name: string, at: number): Line => ['TaskStateEntered', at, { name }];
const exited = (name: string, at: number): Line => ['TaskStateExited', at, { name }];

/** A task that runs once: scheduled at `at`, started `wait` later, succeeded `work` after that. */
function task(name: string, at: number, wait: number, work: number, activity = name): Line[] {
  return [entered(name, at), ['ActivityScheduled', at, arn(activity)], ['ActivityStarted', at + wait, worker(activity)], ['ActivitySucceeded', at + wait + work], exited(name, at + wait + work)];
}

const confirmedStandard = (issueWork = 100): Line[] => [
  ['ExecutionStarted', 0],
  ['ChoiceStateEntered', 0, { name: 'Route' }],
  ['ChoiceStateExited', 0, { name: 'Route' }],
  ...task('ValidatePayment', 1, 4, 20),
  ...task('ReserveSeat', 30, 2, 10),
  ...task('IssueTicket', 50, 3, issueWork),
  ...task('Notify', 60 + issueWork, 1, 10),
  ['SucceedStateEntered', 80 + issueWork, { name: 'BookingConfirmed' }],
  ['ExecutionSucceeded', 80 + issueWork],
];

describe('reading a saga history into its steps', () => {
  it('when a task runs once, its wait is scheduled → started, its work started → ended, and every state entered is a billed transition', () => {
    const read = visitsOfHistory(history(confirmedStandard()));
    expect(read.visits.map((v) => v.state)).toEqual(['ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify']);
    expect(read.visits[0]).toEqual({ state: 'ValidatePayment', enteredAt: t0 + 1, leftAt: t0 + 25, attempts: [{ scheduledAt: t0 + 1, startedAt: t0 + 5, endedAt: t0 + 25, outcome: 'succeeded' }] });
    expect(read.endedAt! - read.startedAt!).toBe(180);
    // Route, four tasks, BookingConfirmed.
    expect(read.stateTransitions).toBe(6);
  });

  it('when a task times out and is retried, the attempts keep their error, the backoff lies between them, and the retry is one more transition', () => {
    const lines: Line[] = [
      ['ExecutionStarted', 0],
      entered('IssueTicket', 0),
      ['ActivityScheduled', 0, arn('IssueTicket')],
      ['ActivityStarted', 2, worker('IssueTicket')],
      ['ActivityTimedOut', 2002, { error: 'States.Timeout' }],
      ['ActivityScheduled', 3002, arn('IssueTicket')],
      // Nobody took the second attempt before its timeout: all of it was waiting.
      ['ActivityTimedOut', 9002],
      ['ActivityScheduled', 11002, arn('IssueTicket')],
      ['ActivityStarted', 11003, worker('IssueTicket')],
      ['ActivitySucceeded', 11103],
      exited('IssueTicket', 11103),
      ['SucceedStateEntered', 11104, { name: 'BookingConfirmed' }],
      ['ExecutionSucceeded', 11104],
    ];
    const steps = sagaSteps([{ name: 'B1', bookingId: 'B1', status: 'SUCCEEDED', events: history(lines) }], () => 'STANDARD');
    const issue = steps.summary.steps[0]!;
    expect(issue).toMatchObject({ state: 'IssueTicket', entered: 1, retries: 2, failed: 0, failures: { 'States.Timeout': 2 } });
    expect(issue.wait).toMatchObject({ count: 3, max: about(6000) });
    expect(issue.work).toMatchObject({ count: 2, max: about(2000) });
    expect(issue.backoff).toMatchObject({ count: 2, p50: about(1000), max: about(2000) });
    expect(issue.total).toMatchObject({ count: 1, max: about(11103) });
    expect(steps.summary.stateTransitions).toBe(2 + 2);
    expect(steps.stateTransitionsByBooking).toEqual({ B1: 4 });
  });

  it('when a payment is declined, the caught failure counts against ValidatePayment and the execution entered a compensating step', () => {
    const lines: Line[] = [
      ['ExecutionStarted', 0],
      entered('ValidatePayment', 0),
      ['ActivityScheduled', 0, arn('ValidatePayment')],
      ['ActivityStarted', 1, worker('ValidatePayment')],
      ['ActivityFailed', 11, { error: 'PaymentDeclined', cause: 'card_declined' }],
      exited('ValidatePayment', 11),
      ...task('ReleaseSeat', 12, 1, 25),
      ['ChoiceStateEntered', 40, { name: 'FailureReason' }],
      ['FailStateEntered', 40, { name: 'PaymentDeclined' }],
      ['ExecutionFailed', 40, { error: 'PaymentDeclined' }],
    ];
    const { summary } = sagaSteps([{ name: 'B2', bookingId: 'B2', status: 'FAILED', events: history(lines) }], () => undefined);
    expect(summary).toMatchObject({ executions: 1, byStatus: { FAILED: 1 }, compensated: 1, stateTransitions: 4 });
    expect(summary.steps.map(({ state, entered, failed, retries, failures }) => ({ state, entered, failed, retries, failures }))).toEqual([
      { state: 'ValidatePayment', entered: 1, failed: 1, retries: 0, failures: { PaymentDeclined: 1 } },
      { state: 'ReleaseSeat', entered: 1, failed: 0, retries: 0, failures: {} },
    ]);
  });

  /** The VIP fast path as booksim local writes it: both branches' events in one sequence, each pointing at the one before. */
  const fastPath = (finish: Line[]): Line[] => [
    ['ExecutionStarted', 0],
    ['ChoiceStateEntered', 0, { name: 'Route' }],
    ['ChoiceStateExited', 0, { name: 'Route' }],
    ['ParallelStateEntered', 1, { name: 'FastPath' }],
    ['ParallelStateStarted', 1],
    entered('FastValidatePayment', 1),
    entered('FastReserveSeat', 1),
    ['ActivityScheduled', 2, arn('ValidatePayment')],
    ['ActivityScheduled', 2, arn('ReserveSeat')],
    // The seat's worker came first.
    ['ActivityStarted', 5, worker('ReserveSeat')],
    ['ActivityStarted', 12, worker('ValidatePayment')],
    ...finish,
  ];

  it('when the fast path runs its branches at once, each branch\'s task is paired with its own state, however their events interleave', () => {
    const read = visitsOfHistory(
      history(
        fastPath([
          ['ActivitySucceeded', 40],
          exited('FastReserveSeat', 40),
          ['ActivityFailed', 50, { error: 'GatewayError' }],
          ['ActivityScheduled', 1050, arn('ValidatePayment')],
          ['ActivityStarted', 1051, worker('ValidatePayment')],
          ['ActivitySucceeded', 1090],
          exited('FastValidatePayment', 1090),
          ['ParallelStateSucceeded', 1090],
          ['ParallelStateExited', 1090, { name: 'FastPath' }],
          ['ExecutionSucceeded', 1100],
        ]),
      ),
    );
    const [payment, seat] = read.visits;
    expect(payment).toMatchObject({ state: 'FastValidatePayment', leftAt: t0 + 1090 });
    expect(payment!.attempts).toEqual([
      { scheduledAt: t0 + 2, startedAt: t0 + 12, endedAt: t0 + 50, outcome: 'failed', error: 'GatewayError' },
      { scheduledAt: t0 + 1050, startedAt: t0 + 1051, endedAt: t0 + 1090, outcome: 'succeeded' },
    ]);
    expect(seat).toMatchObject({ state: 'FastReserveSeat', leftAt: t0 + 40, attempts: [{ scheduledAt: t0 + 2, startedAt: t0 + 5, endedAt: t0 + 40, outcome: 'succeeded' }] });
  });

  it('when a history chains each branch\'s events by previousEventId (as AWS writes it), that pairs them, whatever the order and names', () => {
    // Ids: 5 FastValidatePayment entered, 6 FastReserveSeat entered; each branch's events point back along its own chain.
    const lines: Line[] = [
      ['ExecutionStarted', 0],
      ['ParallelStateEntered', 1, { name: 'FastPath' }],
      ['ParallelStateStarted', 1],
      ['ChoiceStateExited', 1, { name: 'Route' }],
      entered('FastValidatePayment', 1),
      entered('FastReserveSeat', 1),
      ['ActivityScheduled', 2, { resource: 'a' }, 6],
      ['ActivityScheduled', 2, { resource: 'b' }, 5],
      ['ActivityStarted', 3, {}, 8],
      ['ActivityStarted', 9, {}, 7],
      ['ActivitySucceeded', 30, {}, 10],
      ['ActivitySucceeded', 60, {}, 9],
      ['TaskStateExited', 61, { name: 'FastValidatePayment' }, 12],
      ['TaskStateExited', 62, { name: 'FastReserveSeat' }, 11],
      ['ParallelStateExited', 62, { name: 'FastPath' }],
    ];
    const [payment, seat] = visitsOfHistory(history(lines)).visits;
    expect(payment!.attempts).toEqual([{ scheduledAt: t0 + 2, startedAt: t0 + 3, endedAt: t0 + 60, outcome: 'succeeded' }]);
    expect(seat!.attempts).toEqual([{ scheduledAt: t0 + 2, startedAt: t0 + 9, endedAt: t0 + 30, outcome: 'succeeded' }]);
  });

  it('when the payment branch fails the Parallel, the seat branch still running is left with it, its attempt aborted, not counted as work', () => {
    const read = visitsOfHistory(
      history(
        fastPath([
          ['ActivityFailed', 20, { error: 'PaymentDeclined' }],
          exited('FastValidatePayment', 20),
          ['ParallelStateFailed', 21],
          ...task('ReleaseSeat', 22, 1, 10),
          ['ExecutionFailed', 40, { error: 'PaymentDeclined' }],
        ]),
      ),
    );
    const seat = read.visits.find((v) => v.state === 'FastReserveSeat')!;
    expect(seat).toMatchObject({ leftAt: t0 + 21, attempts: [{ startedAt: t0 + 5, endedAt: t0 + 21, outcome: 'aborted' }] });
    const { summary } = sagaSteps([{ name: 'V1', bookingId: 'V1', status: 'FAILED', events: history(fastPath([['ActivityFailed', 20, { error: 'PaymentDeclined' }], exited('FastValidatePayment', 20), ['ParallelStateFailed', 21], ['ExecutionFailed', 40]])) }], () => 'VIP');
    expect(summary.steps.find((s) => s.state === 'FastReserveSeat')).toMatchObject({ entered: 1, failed: 0, work: { count: 0 }, wait: { count: 1, max: about(3) } });
  });

  it('when an execution still runs, its open state has no time in state yet and it is no path', () => {
    const lines: Line[] = [['ExecutionStarted', 0], entered('IssueTicket', 0), ['ActivityScheduled', 0, arn('IssueTicket')], ['ActivityStarted', 5, worker('IssueTicket')]];
    const { summary } = sagaSteps([{ name: 'B3', bookingId: 'B3', status: 'RUNNING', events: history(lines) }], () => 'STANDARD');
    expect(summary.steps[0]).toMatchObject({ state: 'IssueTicket', entered: 1, wait: { count: 1, max: about(5) }, work: { count: 0 }, total: { count: 0 } });
    expect(summary.paths).toBeUndefined();
  });
});

describe('summing up a run\'s saga steps', () => {
  // Ten confirmed bookings, IssueTicket's work growing 100 ms at a time; B9 restarted once by the reconciler.
  const executions: ExecutionHistory[] = Array.from({ length: 10 }, (_, i) => ({ name: `B${i}`, bookingId: `B${i}`, status: 'SUCCEEDED', events: history(confirmedStandard(100 * (i + 1))) }));
  executions.push({ name: 'B9-r1', bookingId: 'B9', status: 'SUCCEEDED', events: history(confirmedStandard(50)) });
  const tierOf = (bookingId: string) => (bookingId === 'B0' || bookingId === 'B1' ? 'VIP' : 'STANDARD');
  const steps = sagaSteps(executions, tierOf);

  it('when summed up, the steps come in the definition\'s order, the slowest is the one with the highest p99 in state, and the paths are the median and p99 executions', () => {
    const { summary } = steps;
    expect(sagaTaskStates.slice(0, 6)).toEqual(['FastValidatePayment', 'FastReserveSeat', 'ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify']);
    expect(summary.steps.map((s) => s.state)).toEqual(['ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify']);
    expect(summary).toMatchObject({ executions: 11, byStatus: { SUCCEEDED: 11 }, compensated: 0, stateTransitions: 66, slowest: 'IssueTicket' });
    expect(summary.steps[2]!.work).toMatchObject({ count: 11, max: about(1000) });
    expect(summary.steps[2]!.wait.max).toBeCloseTo(3, 1);
    // Sorted durations: 130 (restart), 180, 280, … 1080: the median is the sixth, p99 the last.
    expect(summary.paths!.p50).toMatchObject({ bookingId: 'B4', durationMs: 580 });
    expect(summary.paths!.p99).toMatchObject({ bookingId: 'B9', durationMs: 1080 });
    expect(summary.paths!.p99.segments.filter((s) => s.state === 'IssueTicket')).toEqual([
      { state: 'IssueTicket', phase: 'wait', startMs: 50, endMs: 53 },
      { state: 'IssueTicket', phase: 'work', startMs: 53, endMs: 1053 },
    ]);
    expect(steps.stateTransitionsByBooking.B9).toBe(12);
  });

  it('when written, each state has wait, work, backoff and time-in-state histograms that decode, overall and per tier', () => {
    const issue = steps.histograms.IssueTicket!;
    expect(percentiles(issue.work)).toEqual(steps.summary.steps[2]!.work);
    expect(percentiles(issue.byTier!.VIP!.work)).toMatchObject({ count: 2, max: about(200) });
    expect(percentiles(issue.byTier!.STANDARD!.total).count).toBe(9);
    expect(percentiles(issue.backoff).count).toBe(0);
  });

  it('when no execution was read, there is no step, no slowest and no path', () => {
    expect(sagaSteps([], () => undefined)).toEqual({ summary: { executions: 0, byStatus: {}, stateTransitions: 0, compensated: 0, steps: [] }, histograms: {}, stateTransitionsByBooking: {} });
  });
});
