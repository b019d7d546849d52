import { pause } from '../async.js';

/**
 * Measurement that must not fail because AWS throttles it: reading every execution's
 * history after a run takes GetExecutionHistory from a bucket that refills at 20 a second
 * in AWS's large regions, so a run of thousands of sagas outlasts the SDK's few retries.
 */

/** The throttling errors of the services booksim calls, as the SDK names them (its retry logic treats them as throttles too). */
const throttlingErrors = new Set(['ThrottlingException', 'Throttling', 'RequestThrottled', 'ProvisionedThroughputExceededException', 'TooManyRequestsException']);

/** Whether an SDK error is a throttle. */
export const isThrottled = (error: unknown): boolean => throttlingErrors.has((error as { name?: string } | undefined)?.name ?? '');

/**
 * Runs `call`, and again after a pause while it is throttled: 250 ms doubling up to 5 s,
 * for at most `patienceMs` in all (then the throttle passes through, as other errors do at once).
 */
export async function whileThrottled<T>(call: () => Promise<T>, patienceMs = 10 * 60 * 1000, wait: (ms: number) => Promise<void> = pause): Promise<T> {
  let waited = 0;
  for (let delay = 250; ; delay = Math.min(2 * delay, 5000)) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottled(error) || waited >= patienceMs) throw error;
      await wait(delay);
      waited += delay;
    }
  }
}
