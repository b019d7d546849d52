import { systemClock, type Clock, type Timer } from '../clock.js';
import type { WorkerMessage } from './worker-messages.js';

/** Counts the bookings a worker's function decides (FunctionContext.onDecided) and tells its parent. */
export interface DecisionReporter {
  /** One more booking decided. */
  decided(): void;
  /** Sends the total now if it has not been sent (the worker is stopping). */
  flush(): void;
}

/**
 * Sends the worker's total of decided bookings as a `decided` message within `withinMs`
 * (default 100) of a decision: often enough that the storm's live count is not a second
 * behind (which would overstate the bookings pending by a second's worth), rarely enough
 * to cost at most ten small messages a second, and none while nothing is decided.
 */
export function decisionReporter(send: (message: WorkerMessage) => void, clock: Pick<Clock, 'setTimer'> = systemClock, withinMs = 100): DecisionReporter {
  let total = 0;
  let pending: Timer | undefined;
  const report = () => {
    pending = undefined;
    send({ type: 'decided', total });
  };
  return {
    decided() {
      total += 1;
      pending ??= clock.setTimer(withinMs, report);
    },
    flush() {
      if (!pending) return;
      pending.cancel();
      report();
    },
  };
}
