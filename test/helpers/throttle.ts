import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer, Pluggable } from '@smithy/types';
import { expect } from 'vitest';
import type { ManualClock } from '../../src/clock.js';

/** An SDK error as the tests read it: its name, HTTP status and any members the model gives it. */
export type ServiceError = Error & { $metadata: { httpStatusCode?: number } } & Record<string, unknown>;

/** The error a call fails with; fails the test if the call succeeds. */
export async function rejection(call: Promise<unknown>): Promise<ServiceError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the call succeeded').toBeInstanceOf(Error);
  return error as ServiceError;
}

/**
 * Has every failed attempt of a client's calls move `clock` on by `ms`, as the SDK's own
 * back-off would let time pass on AWS: placed under the retry middleware, it sees each
 * attempt, and the SDK's retry strategy alone decides whether to try again.
 */
export function advanceOnFailedAttempt(clock: ManualClock, ms: number): Pluggable<object, MetadataBearer> {
  return {
    applyToStack: (stack) =>
      stack.addRelativeTo(
        (next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
          try {
            return await next(args);
          } catch (error) {
            clock.advance(ms);
            throw error;
          }
        },
        { relation: 'after', toMiddleware: 'retryMiddleware', name: 'advanceOnFailedAttempt' },
      ),
  };
}

/** Runs `count` calls, `parallel` at a time: many calls quickly, without opening thousands of sockets at once. */
export async function inBatches(count: number, call: (i: number) => Promise<unknown>, parallel = 50): Promise<void> {
  for (let start = 0; start < count; start += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, (_, i) => call(start + i)));
  }
}
