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

/** An error's name and message in one line, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Waits `ms`, or less if the signal aborts first; never rejects. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits for the promises to settle, but no longer than `ms`: how a stopping poller lets
 * in-flight work finish without letting a hung handler hold the process. Resolves true
 * when everything settled in time.
 */
export async function settleWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const all = Promise.allSettled([...promises]).then(() => true);
  try {
    return await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
