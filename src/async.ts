/** Waiting helpers every layer uses: a pause that a signal cuts short, a bounded wait for promises. */

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

/** Closes what was started, last first: what a start that can fail half-way keeps, so that stop undoes exactly what was done. */
export interface Teardown {
  /** Adds a step, to run before every step added earlier. */
  push(step: () => Promise<void>): void;
  /** Runs the steps, last added first, each once; a second call does nothing. */
  run(): Promise<void>;
}

/** A {@link Teardown} that starts with `first` (run last). */
export function teardown(...first: Array<() => Promise<void>>): Teardown {
  const steps = [...first];
  return {
    push: (step) => void steps.push(step),
    run: async () => {
      for (const step of steps.splice(0).reverse()) await step();
    },
  };
}
