import type { Catcher, Retrier, State, StateMachineDefinition, TaskState } from '../model/asl.js';
import { worstCaseSeconds } from './saga-duration.js';
import { timingProfile, timingProfiles, type RetryTiming, type SagaTask, type TimingProfileName } from './saga-profiles.js';

export { sagaTasks, timingProfile, timingProfiles } from './saga-profiles.js';
export type { ActivityTiming, RetryTiming, SagaTask, TimingProfile, TimingProfileName } from './saga-profiles.js';

/** What the saga's definition points at: the activities booksim created and the manual-review queue (its URL as the API returned it). */
export interface SagaResources {
  activityArns: Record<SagaTask, string>;
  manualReviewQueueUrl: string;
}

/**
 * The errors of a worker that went away (crashed, hung, never came), as opposed to work
 * that failed. LocalStack reports a missed heartbeat as States.Timeout where AWS and
 * booksim's endpoint say States.HeartbeatTimeout, and States.TaskFailed does not cover
 * States.Timeout: so the two are always named together.
 */
const workerLost = ['States.HeartbeatTimeout', 'States.Timeout'];

const commentPrefix = 'booksim seat-booking saga; timing profile ';

const retrier = (errors: string[], timing: RetryTiming): Retrier => ({
  ErrorEquals: errors,
  IntervalSeconds: timing.intervalSeconds,
  BackoffRate: timing.backoffRate,
  MaxAttempts: timing.maxAttempts,
});

const catchAll = (resultPath: string, next: string): Catcher => ({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next });

/** How one activity step of the saga is wired; timings come from the profile. */
interface ActivityStep {
  /** Where the worker's output goes, so that the execution input stays intact for later steps. */
  resultPath: string;
  retryOn: string[];
  next: string;
  catch: Catcher[];
}

/**
 * The saga's ASL definition for a timing profile, as a plain object (JSON.stringify it for
 * CreateStateMachine). Pure: the same profile and resources give the same definition.
 *
 * Execution input: {bookingId, seatId, customerId, requestId, amount, tier}. Each step adds
 * its result beside it ($.payment, $.reservation, $.ticket, $.notification, $.refund,
 * $.release) and a caught error goes to $.error (the failure that started compensation),
 * $.declined, $.notifyError, $.refundError, $.releaseError or $.escalationError; workers
 * get the whole document. Every path on which the charge may have happened and the
 * booking is not confirmed passes RefundPayment; a refund or release that gives up is
 * sent to the manual-review queue. The execution's TimeoutSeconds is the worst case of
 * the longest path (every attempt timing out, every back-off waited) plus the profile's
 * slack, so only a saga that is truly stuck times out.
 */
export function sagaDefinition(profileName: TimingProfileName, resources: SagaResources): StateMachineDefinition {
  const profile = timingProfile(profileName);
  const activity = (task: SagaTask, step: ActivityStep): TaskState => {
    const timing = profile.activities[task];
    return {
      Type: 'Task',
      Resource: resources.activityArns[task],
      ResultPath: step.resultPath,
      TimeoutSeconds: timing.timeoutSeconds,
      HeartbeatSeconds: timing.heartbeatSeconds,
      Retry: [retrier(step.retryOn, timing.retry)],
      Catch: step.catch,
      Next: step.next,
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

  const States: Record<string, State> = {
    ValidatePayment: activity('ValidatePayment', {
      resultPath: '$.payment',
      retryOn: ['GatewayError', ...workerLost],
      next: 'ReserveSeat',
      catch: [
        { ErrorEquals: ['PaymentDeclined'], ResultPath: '$.declined', Next: 'ReleaseSeat' },
        // Anything else may come after the charge (a lost response, a crash after the call):
        // the refund, under the same idempotency key, settles either way.
        catchAll('$.error', 'RefundPayment'),
      ],
    }),
    // OutOfStock, like any other failure here, means money was taken for a seat not held.
    ReserveSeat: activity('ReserveSeat', { resultPath: '$.reservation', retryOn: workerLost, next: 'IssueTicket', catch: [catchAll('$.error', 'RefundPayment')] }),
    // Long-running; a missed heartbeat hands the task to a new worker (ticketing is idempotent).
    IssueTicket: activity('IssueTicket', { resultPath: '$.ticket', retryOn: workerLost, next: 'Notify', catch: [catchAll('$.error', 'RefundPayment')] }),
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
  };
  const StartAt = 'ValidatePayment';
  return {
    Comment: commentPrefix + profileName,
    StartAt,
    TimeoutSeconds: worstCaseSeconds({ StartAt, States }) + profile.executionSlackSeconds,
    States,
  };
}

/** The timing profile a deployed definition was generated for, read back from its Comment; undefined if it is not booksim's saga. */
export function profileOfDefinition(definitionText: string): TimingProfileName | undefined {
  let comment: unknown;
  try {
    comment = (JSON.parse(definitionText) as { Comment?: unknown } | null)?.Comment;
  } catch {
    return undefined;
  }
  if (typeof comment !== 'string' || !comment.startsWith(commentPrefix)) return undefined;
  return timingProfiles.find((name) => name === comment.slice(commentPrefix.length));
}
