/**
 * Something a poller noticed that its host should know about: a handler that threw, an
 * AWS call that failed, a task that timed out meanwhile. Pollers never print; the worker
 * forwards these to the supervisor, which emits them.
 */
export interface RuntimeLog {
  kind: 'handler-failed' | 'aws-error' | 'batch-entry-failed' | 'task-lost' | 'drain-timeout' | 'retry-gave-up';
  message: string;
}

/** Where a poller sends its {@link RuntimeLog} entries. */
export type RuntimeLogger = (entry: RuntimeLog) => void;
