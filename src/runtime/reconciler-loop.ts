import type { FunctionContext } from '../functions/model.js';
import { reconcile, type ReconcileReport } from '../functions/reconciler.js';
import { pause } from '../async.js';
import { describeError } from '../errors.js';
import type { RuntimeLogger } from './runtime-log.js';

export interface ReconcilerLoopOptions {
  ctx: FunctionContext;
  /** Time from the end of one pass to the start of the next (TimingProfile.reconciler.intervalSeconds). */
  intervalMs: number;
  stuckAfterMs: number;
  maxAttempts: number;
  /** Stops the loop: a pass in progress finishes, no new one starts. */
  signal: AbortSignal;
  /** Told of every pass that completed, with when it started (on ctx's clock): what it found is as of then. */
  onReport?(report: ReconcileReport, startedAt: number): void;
  log?: RuntimeLogger;
}

/**
 * Runs the reconciler on a schedule, as the runtime hosts it: a pass ({@link reconcile}),
 * then `intervalMs` of rest, until `signal` aborts; resolves once stopped, after the pass
 * in progress. Never throws: a pass that fails, and a booking a pass could not handle,
 * are logged as `handler-failed`, and the next pass tries again.
 */
export async function runReconciler(options: ReconcilerLoopOptions): Promise<void> {
  const { ctx, intervalMs, stuckAfterMs, maxAttempts, signal, onReport } = options;
  const log = options.log ?? (() => {});
  const onError = (bookingId: string, error: unknown) => log({ kind: 'handler-failed', message: `reconciler, booking ${bookingId}: ${describeError(error)}` });
  while (!signal.aborted) {
    try {
      const startedAt = ctx.clock.now();
      const report = await reconcile(ctx, { stuckAfterMs, maxAttempts, onError });
      onReport?.(report, startedAt);
    } catch (error) {
      log({ kind: 'handler-failed', message: `reconciler pass failed: ${describeError(error)}` });
    }
    await pause(intervalMs, signal);
  }
}
