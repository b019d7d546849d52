/** The saga's activities, one per step; booksim's workers poll each by its ARN. */
export const sagaTasks = ['ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify', 'RefundPayment', 'ReleaseSeat'] as const;
export type SagaTask = (typeof sagaTasks)[number];

/** The activities a VIP booking's fast path runs side by side, in a Parallel state. */
export const fastPathTasks = ['ValidatePayment', 'ReserveSeat'] as const satisfies readonly SagaTask[];
export type FastPathTask = (typeof fastPathTasks)[number];

/** Named timing profiles: `fast` for CI (seconds), `realistic` for the figures of the original design. */
export const timingProfiles = ['fast', 'realistic'] as const;
export type TimingProfileName = (typeof timingProfiles)[number];

/** A Retry's figures: the n-th retry (from 0) waits IntervalSeconds × BackoffRate^n. */
export interface RetryTiming {
  intervalSeconds: number;
  backoffRate: number;
  maxAttempts: number;
}

/** How long one activity may take, and how it is retried. */
export interface ActivityTiming {
  /** A worker that sends no heartbeat for this long is presumed dead (crash detection); at most a third of the timeout. */
  heartbeatSeconds: number;
  /** Longest one attempt may take, waiting for a worker included; a worker's own timeouts must be shorter. */
  timeoutSeconds: number;
  retry: RetryTiming;
}

/**
 * When the reconciler (src/functions/reconciler.ts) acts. A booking counts as stuck once
 * it has not changed for `stuckAfterSeconds`; each restart or refund retry changes it, so
 * the same figure also spaces the reconciler's attempts on one booking.
 */
export interface ReconcilerTiming {
  /** Time between two passes. */
  intervalSeconds: number;
  /**
   * How long a HELD booking may go unchanged before the reconciler looks at its saga, and
   * an escalated refund waits between two retries. Longer than the payment function needs
   * between HELD and StartExecution, so that the reconciler does not race it.
   */
  stuckAfterSeconds: number;
  /** Restarts of one booking's saga (and, apart, retries of its escalated refund) before the reconciler gives up and leaves it ESCALATED. */
  maxAttempts: number;
}

/** Every timing figure of the saga's definition, and of the reconciler that watches it. */
export interface TimingProfile {
  name: TimingProfileName;
  activities: Record<SagaTask, ActivityTiming>;
  /**
   * The same activities on a VIP booking's fast path: shorter timeouts, so that a lost
   * worker costs a VIP less. A worker cannot tell which path a task came from and beats
   * every third of the activity's own heartbeatSeconds, so a fast-path heartbeatSeconds
   * stays at least twice that interval.
   */
  fastPath: Record<FastPathTask, ActivityTiming>;
  /** The manual-review sendMessage tasks: quick SQS calls, retried on anything. */
  escalation: { timeoutSeconds: number; retry: RetryTiming };
  /**
   * Added to the worst-case duration of the longest path (every attempt timing out, every
   * back-off waited) to make the execution's TimeoutSeconds: room for state transitions
   * and scheduling, so that only a saga that is truly stuck times out.
   */
  executionSlackSeconds: number;
  /** The queue workers' long-poll wait (ReceiveMessage WaitTimeSeconds), which bounds how long a stopping worker waits for its poll to return. */
  queueWaitSeconds: number;
  /**
   * How long a queue worker holds a message whose handler keeps answering retry before it
   * gives the message back to the queue (the poller's maxRetryHoldSeconds): where both
   * functions share one queue, the decision the payment function waits for may come only
   * once another worker receives the message. Each give-back is a receive: with the
   * default 5 receives before the DLQ, the holds must outlast the inventory queue's
   * visibility timeout (30 s), which is how long a crashed inventory worker's message
   * stays away; shorter, and the payment messages waiting for it are dead-lettered first.
   */
  retryHoldSeconds: number;
  reconciler: ReconcilerTiming;
}

const retry = (intervalSeconds: number, maxAttempts: number): RetryTiming => ({ intervalSeconds, backoffRate: 2, maxAttempts });

const profiles: Record<TimingProfileName, TimingProfile> = {
  // Seconds, so that CI sees crashes, timeouts and compensation without waiting minutes.
  fast: {
    name: 'fast',
    activities: {
      ValidatePayment: { heartbeatSeconds: 2, timeoutSeconds: 10, retry: retry(1, 3) },
      ReserveSeat: { heartbeatSeconds: 2, timeoutSeconds: 10, retry: retry(1, 2) },
      IssueTicket: { heartbeatSeconds: 2, timeoutSeconds: 20, retry: retry(1, 2) },
      Notify: { heartbeatSeconds: 2, timeoutSeconds: 10, retry: retry(1, 2) },
      RefundPayment: { heartbeatSeconds: 2, timeoutSeconds: 10, retry: retry(1, 3) },
      ReleaseSeat: { heartbeatSeconds: 2, timeoutSeconds: 10, retry: retry(1, 3) },
    },
    fastPath: {
      ValidatePayment: { heartbeatSeconds: 2, timeoutSeconds: 6, retry: retry(1, 3) },
      ReserveSeat: { heartbeatSeconds: 2, timeoutSeconds: 6, retry: retry(1, 2) },
    },
    escalation: { timeoutSeconds: 5, retry: retry(1, 2) },
    executionSlackSeconds: 30,
    queueWaitSeconds: 2,
    retryHoldSeconds: 8,
    // A stopped saga is restarted within seconds; three restarts, 5 s apart, then manual review.
    reconciler: { intervalSeconds: 1, stuckAfterSeconds: 5, maxAttempts: 3 },
  },
  // The original design: retries after 2 s, 4 s, 8 s; heartbeat 30 s; tasks 120–300 s.
  realistic: {
    name: 'realistic',
    activities: {
      ValidatePayment: { heartbeatSeconds: 30, timeoutSeconds: 120, retry: retry(2, 3) },
      ReserveSeat: { heartbeatSeconds: 30, timeoutSeconds: 120, retry: retry(2, 3) },
      IssueTicket: { heartbeatSeconds: 30, timeoutSeconds: 300, retry: retry(2, 2) },
      Notify: { heartbeatSeconds: 30, timeoutSeconds: 120, retry: retry(2, 3) },
      RefundPayment: { heartbeatSeconds: 30, timeoutSeconds: 120, retry: retry(2, 3) },
      // An unreleased seat blocks everyone waiting for it, so the release tries longest.
      ReleaseSeat: { heartbeatSeconds: 30, timeoutSeconds: 120, retry: retry(2, 5) },
    },
    fastPath: {
      ValidatePayment: { heartbeatSeconds: 20, timeoutSeconds: 60, retry: retry(1, 3) },
      ReserveSeat: { heartbeatSeconds: 20, timeoutSeconds: 60, retry: retry(1, 3) },
    },
    escalation: { timeoutSeconds: 60, retry: retry(2, 3) },
    executionSlackSeconds: 300,
    queueWaitSeconds: 20,
    retryHoldSeconds: 60,
    // A pass every 30 s; a booking is stuck after 5 minutes unchanged (beyond any healthy step but the long IssueTicket, whose saga is RUNNING and left alone).
    reconciler: { intervalSeconds: 30, stuckAfterSeconds: 300, maxAttempts: 5 },
  },
};

/** The figures of a named profile; a copy, so that no caller can change what the next one gets. */
export function timingProfile(name: TimingProfileName): TimingProfile {
  return structuredClone(profiles[name]);
}
