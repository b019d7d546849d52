import type { Catcher, Retrier, State, StateMachineDefinition, TaskState } from '../model/asl.js';
import { deployedSabotages, type Sabotage } from '../model/sabotage.js';
import { worstCaseSeconds } from './saga-duration.js';
import { sagaTasks, timingProfile, timingProfiles, type ActivityTiming, type RetryTiming, type SagaTask, type TimingProfileName } from './saga-profiles.js';

export { fastPathTasks, sagaTasks, timingProfile, timingProfiles } from './saga-profiles.js';
export type { ActivityTiming, FastPathTask, RetryTiming, SagaTask, TimingProfile, TimingProfileName } from './saga-profiles.js';

/**
 * A booking of at least this amount (in cents) takes the VIP fast path whatever its tier.
 * Above every price booksim's load charges (src/load/plan.ts), so there only tier VIP does.
 */
export const vipAmountThresholdCents = 20_000;

/** What the saga's definition points at: the activities booksim created and the manual-review queue (its URL as the API returned it). */
export interface SagaResources {
  activityArns: Record<SagaTask, string>;
  manualReviewQueueUrl: string;
}

/**
 * The errors of a worker that went away (crashed, hung, never came), as opposed to work
 * that failed. On AWS a missed heartbeat is a States.Timeout that States.HeartbeatTimeout
 * catchers match too; endpoints differ in what they match, and States.TaskFailed does not
 * cover States.Timeout: so the two are always named together.
 */
const workerLost = ['States.HeartbeatTimeout', 'States.Timeout'];

const commentPrefix = 'booksim seat-booking saga; timing profile ';
/** Between the profile and the sabotages baked into the definition, in its Comment. */
const sabotageSeparator = '; sabotage ';

/**
 * The errors the saga's own Fail states end a failed execution with: a declined payment
 * (nothing was charged, the seat was released) or a compensated failure (refunded or
 * escalated, the seat released). An execution that failed with any other error did not
 * go through the compensation (verify's compensation-complete).
 */
export const compensatedFailErrors = ['PaymentDeclined', 'BookingFailed'] as const;

/** The Fail state of the sabotage `skip-compensation-on-timeout`: where a timed-out step goes instead of compensating. */
const timedOutState = 'BookingTimedOut';

const retrier = (errors: string[], timing: RetryTiming): Retrier => ({
  ErrorEquals: errors,
  IntervalSeconds: timing.intervalSeconds,
  BackoffRate: timing.backoffRate,
  MaxAttempts: timing.maxAttempts,
});

const catchAll = (resultPath: string, next: string): Catcher => ({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next });

/** How one activity step of the saga is wired. */
interface ActivityStep {
  /** Where the worker's output goes, so that the execution input stays intact for later steps; none in a Parallel branch, whose output is the result. */
  resultPath?: string;
  retryOn: string[];
  /** None for the last state of a Parallel branch. */
  next?: string;
  catch?: Catcher[];
  /** The activity's own timing from the profile unless given (the fast path's). */
  timing?: ActivityTiming;
}

/**
 * Where a failed payment goes: a decline charged nothing, so only the seat is released;
 * anything else may come after the charge (a lost response, a crash after the call), and
 * the refund, under the same idempotency key, settles either way.
 */
const paymentCatchers: Catcher[] = [
  { ErrorEquals: ['PaymentDeclined'], ResultPath: '$.declined', Next: 'ReleaseSeat' },
  catchAll('$.error', 'RefundPayment'),
];

/**
 * The saga's ASL definition for a timing profile, as a plain object (JSON.stringify it for
 * CreateStateMachine). Pure: the same profile and resources give the same definition.
 *
 * Execution input: {bookingId, seatId, customerId, requestId, amount, tier}. The Route
 * choice sends VIP bookings (tier VIP, or an amount of at least
 * {@link vipAmountThresholdCents}) to FastPath, a Parallel state that validates the
 * payment and reserves the seat at once under the profile's shorter fast-path timings
 * (results in $.fastPath.payment and $.fastPath.reservation); other bookings take
 * ValidatePayment then ReserveSeat. Both paths go on to IssueTicket → Notify. Each step adds
 * its result beside the input ($.payment, $.reservation, $.ticket, $.notification, $.refund,
 * $.release) and a caught error goes to $.error (the failure that started compensation),
 * $.declined, $.notifyError, $.refundError, $.releaseError or $.escalationError; workers
 * get the whole document. Every path on which the charge may have happened and the
 * booking is not confirmed passes RefundPayment; a refund or release that gives up is
 * sent to the manual-review queue. The execution's TimeoutSeconds is the worst case of
 * the longest path (every attempt timing out, every back-off waited) plus the profile's
 * slack, so only a saga that is truly stuck times out.
 *
 * `sabotage` (the definition's sabotages, src/model/sabotage.ts; `deploy --sabotage`)
 * switches a safeguard of the definition off, each the smallest change to it: no
 * HeartbeatSeconds (`no-heartbeat`); no TimeoutSeconds on the activity tasks, and so no
 * execution timeout (`no-task-timeout`); a timed-out step that would start the
 * compensation fails the execution in BookingTimedOut (`skip-compensation-on-timeout`).
 * The Comment names them after the profile, and every Task state stays as it is named.
 */
export function sagaDefinition(profileName: TimingProfileName, resources: SagaResources, sabotage: readonly Sabotage[] = []): StateMachineDefinition {
  const profile = timingProfile(profileName);
  const sabotaged = bakedSabotage(sabotage);
  // The sabotages (src/model/sabotage.ts), each read once: the correct definition is built when none is given.
  const noTaskTimeout = sabotaged.includes('no-task-timeout');
  const noHeartbeat = sabotaged.includes('no-heartbeat');
  const skipCompensationOnTimeout = sabotaged.includes('skip-compensation-on-timeout');
  const activity = (task: SagaTask, step: ActivityStep): TaskState => {
    const timing = step.timing ?? profile.activities[task];
    return {
      Type: 'Task',
      Resource: resources.activityArns[task],
      ...(step.resultPath === undefined ? {} : { ResultPath: step.resultPath }),
      ...(noTaskTimeout ? {} : { TimeoutSeconds: timing.timeoutSeconds }),
      ...(noHeartbeat ? {} : { HeartbeatSeconds: timing.heartbeatSeconds }),
      Retry: [retrier(step.retryOn, timing.retry)],
      ...(step.catch === undefined ? {} : { Catch: step.catch }),
      ...(step.next === undefined ? { End: true } : { Next: step.next }),
    };
  };
  const escalation = (stage: SagaTask, reasonPath: string, next: string): TaskState => ({
    Type: 'Task',
    Comment: `${stage} gave up: the booking goes to manual review with the money or seat at stake.`,
    Resource: 'arn:aws:states:::sqs:sendMessage',
    Parameters: {
      QueueUrl: resources.manualReviewQueueUrl,
      MessageBody: {
        'bookingId.$': '$.bookingId',
        'seatId.$': '$.seatId',
        'amount.$': '$.amount',
        stage,
        'reason.$': reasonPath,
        'executionArn.$': '$$.Execution.Id',
      },
    },
    ResultPath: null,
    TimeoutSeconds: profile.escalation.timeoutSeconds,
    Retry: [retrier(['States.ALL'], profile.escalation.retry)],
    // The saga must still end (and release the seat) when even the queue is unreachable;
    // the error travels on in the input, where the release worker can record it.
    Catch: [catchAll('$.escalationError', next)],
    Next: next,
  });

  const paymentRetryOn = ['GatewayError', ...workerLost];
  /**
   * The Catch of a step whose failure starts the compensation. Under the sabotage
   * `skip-compensation-on-timeout` a lost worker's timeout, once its retries are spent,
   * fails the execution at once ("a timeout is the infrastructure's problem: fail, and let
   * it be run again") instead: nothing is refunded or released.
   */
  const compensating = (catchers: Catcher[]): Catcher[] =>
    skipCompensationOnTimeout ? [{ ErrorEquals: workerLost, ResultPath: '$.error', Next: timedOutState }, ...catchers] : catchers;

  const States: Record<string, State> = {
    Route: {
      Type: 'Choice',
      Comment: `VIP bookings (tier VIP, or at least ${vipAmountThresholdCents} cents) take the fast path.`,
      Choices: [
        {
          Or: [
            { Variable: '$.tier', StringEquals: 'VIP' },
            { Variable: '$.amount', NumericGreaterThanEquals: vipAmountThresholdCents },
          ],
          Next: 'FastPath',
        },
      ],
      Default: 'ValidatePayment',
    },
    FastPath: {
      Type: 'Parallel',
      Comment: 'Payment and seat at once. A failed payment fails the state (the seat branch is stopped: ReleaseSeat undoes whatever it did).',
      Branches: [
        {
          StartAt: 'FastValidatePayment',
          States: { FastValidatePayment: activity('ValidatePayment', { retryOn: paymentRetryOn, timing: profile.fastPath.ValidatePayment }) },
        },
        {
          StartAt: 'FastReserveSeat',
          States: {
            // Caught inside the branch, not failing the Parallel: that would stop the payment
            // branch, and a charge still in flight could land after the refund had found nothing.
            FastReserveSeat: activity('ReserveSeat', {
              retryOn: workerLost,
              timing: profile.fastPath.ReserveSeat,
              catch: [{ ErrorEquals: ['States.ALL'], Next: 'SeatNotReserved' }],
            }),
            SeatNotReserved: { Type: 'Pass', End: true },
          },
        },
      ],
      ResultSelector: { 'payment.$': '$[0]', 'reservation.$': '$[1]' },
      ResultPath: '$.fastPath',
      Catch: compensating(paymentCatchers),
      Next: 'FastPathReserved',
    },
    FastPathReserved: {
      Type: 'Choice',
      Comment: 'The payment has settled; a seat branch that failed left its error as the reservation.',
      Choices: [{ Variable: '$.fastPath.reservation.Error', IsPresent: true, Next: 'FastPathReservationFailed' }],
      Default: 'IssueTicket',
    },
    FastPathReservationFailed: { Type: 'Pass', InputPath: '$.fastPath.reservation', ResultPath: '$.error', Next: 'RefundPayment' },
    ValidatePayment: activity('ValidatePayment', { resultPath: '$.payment', retryOn: paymentRetryOn, next: 'ReserveSeat', catch: compensating(paymentCatchers) }),
    // OutOfStock, like any other failure here, means money was taken for a seat not held.
    ReserveSeat: activity('ReserveSeat', { resultPath: '$.reservation', retryOn: workerLost, next: 'IssueTicket', catch: compensating([catchAll('$.error', 'RefundPayment')]) }),
    // Long-running; a missed heartbeat hands the task to a new worker (ticketing is idempotent).
    IssueTicket: activity('IssueTicket', { resultPath: '$.ticket', retryOn: workerLost, next: 'Notify', catch: compensating([catchAll('$.error', 'RefundPayment')]) }),
    // The booking is paid and ticketed: a notification that never goes out must not undo it.
    Notify: activity('Notify', { resultPath: '$.notification', retryOn: ['States.ALL'], next: 'BookingConfirmed', catch: [catchAll('$.notifyError', 'BookingConfirmed')] }),
    BookingConfirmed: { Type: 'Succeed' },
    RefundPayment: activity('RefundPayment', {
      resultPath: '$.refund',
      retryOn: ['RefundTimeout', 'GatewayError', ...workerLost],
      next: 'ReleaseSeat',
      catch: [catchAll('$.refundError', 'EscalateRefund')],
    }),
    EscalateRefund: escalation('RefundPayment', '$.refundError', 'ReleaseSeat'),
    // Promotes the next in line; until it succeeds the seat is stuck, so it retries anything.
    ReleaseSeat: activity('ReleaseSeat', { resultPath: '$.release', retryOn: ['States.ALL'], next: 'FailureReason', catch: [catchAll('$.releaseError', 'EscalateRelease')] }),
    EscalateRelease: escalation('ReleaseSeat', '$.releaseError', 'FailureReason'),
    FailureReason: {
      Type: 'Choice',
      Comment: 'A declined payment charged nothing; any other failure was compensated.',
      Choices: [{ Variable: '$.declined', IsPresent: true, Next: 'PaymentDeclined' }],
      Default: 'BookingFailed',
    },
    PaymentDeclined: { Type: 'Fail', Error: 'PaymentDeclined', Cause: 'The gateway declined the payment; nothing was charged and the seat was released.' },
    BookingFailed: { Type: 'Fail', Error: 'BookingFailed', Cause: 'The booking failed after payment; the payment was refunded (or escalated) and the seat released.' },
    ...(skipCompensationOnTimeout ? { [timedOutState]: { Type: 'Fail', Error: timedOutState, Cause: 'A step timed out; the execution failed without refunding or releasing the seat.' } } : {}),
  };
  const StartAt = 'Route';
  const Comment = commentPrefix + profileName + (sabotaged.length > 0 ? sabotageSeparator + sabotaged.join(', ') : '');
  // The execution's timeout is the worst case of its tasks' timeouts: with none (sabotage no-task-timeout) there is no bound, and no execution timeout either, as Step Functions' default.
  if (noTaskTimeout) return { Comment, StartAt, States };
  return { Comment, StartAt, TimeoutSeconds: worstCaseSeconds({ StartAt, States }) + profile.executionSlackSeconds, States };
}

/** The sabotages of the definition, each once, in catalog order; throws for one that is not the definition's (a bug: the commands refuse it first). */
function bakedSabotage(sabotage: readonly Sabotage[]): Sabotage[] {
  const other = sabotage.filter((name) => !deployedSabotages.includes(name));
  if (other.length > 0) throw new Error(`${other.join(', ')} is not a sabotage of the saga's definition`);
  return deployedSabotages.filter((name) => sabotage.includes(name));
}

/**
 * The saga's definition for a profile, read for its shape and timings rather than
 * deployed: each activity's ARN is the activity's name, so a Task state's Resource says
 * which activity it runs. What step timings and SLO presets read the saga from.
 */
export function sagaShape(profileName: TimingProfileName): StateMachineDefinition {
  return sagaDefinition(profileName, { activityArns: Object.fromEntries(sagaTasks.map((task) => [task, task])) as Record<SagaTask, string>, manualReviewQueueUrl: 'manual-review' });
}

/** A deployed definition's Comment after booksim's prefix (`fast`, `fast; sabotage no-heartbeat`); undefined if it is not booksim's saga. */
function commentOf(definitionText: string): string | undefined {
  let comment: unknown;
  try {
    comment = (JSON.parse(definitionText) as { Comment?: unknown } | null)?.Comment;
  } catch {
    return undefined;
  }
  return typeof comment === 'string' && comment.startsWith(commentPrefix) ? comment.slice(commentPrefix.length) : undefined;
}

/** The timing profile a deployed definition was generated for, read back from its Comment; undefined if it is not booksim's saga. */
export function profileOfDefinition(definitionText: string): TimingProfileName | undefined {
  const profile = commentOf(definitionText)?.split(sabotageSeparator)[0];
  return timingProfiles.find((name) => name === profile);
}

/** The sabotages baked into a deployed definition (`deploy --sabotage`), read back from its Comment; none for a correct one, or one that is not booksim's saga. */
export function sabotageOfDefinition(definitionText: string): Sabotage[] {
  const listed = commentOf(definitionText)?.split(sabotageSeparator)[1]?.split(', ') ?? [];
  return deployedSabotages.filter((name) => listed.includes(name));
}
