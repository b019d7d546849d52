import { pause } from '../async.js';
import { isStreamFunction } from '../deploy/stack.js';
import type { FaultLogger } from '../model/fault.js';
import { seededRandom, type Random } from '../random.js';
import { bookingScope } from './call-counter.js';
import { withSettings, type WorkerConfig, type WorkerSettings } from './worker-messages.js';

/** The faults a worker injects into its own invocations, as its current settings say. */
export interface WorkerFaultInjector {
  /**
   * What an invocation waits before its handler runs: the cold start, paid by the first
   * invocation only, and for a task the slow-task fault slows (drawn, and logged when it
   * does), its extra ms; the activity poller's heartbeats go on meanwhile. A task the
   * stuck-task fault sticks in (logged) never resolves: a call that hangs with no timeout of
   * its own, gone only with the process. Resolves at once otherwise.
   */
  beforeInvocation(): Promise<void>;
  /** Whether this delivery goes to the handler twice (drawn, and logged when it does). */
  duplicate(bookingId: string | undefined): boolean;
  /** How many ms this queue message waits before its handler runs (drawn, and logged when it does); 0 for none. */
  late(bookingId: string | undefined): number;
  /** The pause a task's work takes now (taskWorkMs of the hosted task; 0 for queue functions). */
  workMs(): number;
  /** Takes new settings from the parent. */
  update(settings: WorkerSettings): void;
}

export function workerFaults(initial: WorkerConfig, log: FaultLogger): WorkerFaultInjector {
  const fn = initial.function;
  let config = initial;
  let warming: Promise<void> | undefined;
  const coldStart = async () => {
    const ms = config.coldStartMs;
    if (ms <= 0) return;
    // Called in the first invocation's booking scope: the booking that paid for it.
    const bookingId = bookingScope.getStore();
    log({ fault: 'cold-start', action: `first invocation of ${fn} waits ${ms} ms`, ...(bookingId ? { bookingId } : {}), detail: { function: fn, ms } });
    await pause(ms);
  };
  // Each fault and function draws its own sequence, anew when the seed changes; a restarted worker draws the same one again (reproducible runs).
  const seededDraws = (label: string) => {
    let seed: number | undefined;
    let random: Random = () => 1;
    return () => {
      if (seed !== (config.faults?.seed ?? 0)) {
        seed = config.faults?.seed ?? 0;
        random = seededRandom([...label].reduce((hash, char) => Math.imul(hash, 31) + char.charCodeAt(0), seed));
      }
      return random();
    };
  };
  const duplicateDraw = seededDraws(fn);
  const lateDraw = seededDraws(`${fn} late`);
  const slowDraw = seededDraws(`${fn} slow`);
  const slowDown = async () => {
    const { rate = 0, ms = 0 } = isStreamFunction(fn) ? {} : (config.faults?.slowTask?.[fn] ?? {});
    if (rate <= 0 || ms <= 0 || !(slowDraw() < rate)) return;
    const bookingId = bookingScope.getStore();
    log({ fault: 'slow-task', action: `${fn} takes ${ms} ms longer`, ...(bookingId ? { bookingId } : {}), detail: { task: fn, ms } });
    await pause(ms);
  };
  let stuck = 0;
  const getStuck = async () => {
    if (isStreamFunction(fn) || stuck >= (config.faults?.stuckTask?.[fn] ?? 0)) return;
    stuck += 1;
    const bookingId = bookingScope.getStore();
    log({ fault: 'stuck-task', action: `${fn} is stuck: its handler never returns, its heartbeats go on`, ...(bookingId ? { bookingId } : {}), detail: { task: fn } });
    await new Promise<never>(() => {});
  };
  return {
    beforeInvocation: async () => {
      await (warming ??= coldStart());
      await slowDown();
      await getStuck();
    },
    duplicate: (bookingId) => {
      const rate = config.faults?.duplicateDeliveryRate ?? 0;
      if (rate <= 0 || !(duplicateDraw() < rate)) return false;
      log({ fault: 'duplicate-delivery', action: `delivered twice to ${fn}`, ...(bookingId ? { bookingId } : {}), detail: { function: fn } });
      return true;
    },
    late: (bookingId) => {
      const { rate = 0, ms = 0 } = config.faults?.lateDelivery ?? {};
      if (rate <= 0 || ms <= 0 || !(lateDraw() < rate)) return 0;
      log({ fault: 'late-delivery', action: `${fn} gets a message ${ms} ms late`, ...(bookingId ? { bookingId } : {}), detail: { function: fn, ms } });
      return ms;
    },
    workMs: () => (isStreamFunction(fn) ? 0 : (config.faults?.taskWorkMs?.[fn] ?? 0)),
    update: (settings) => (config = withSettings(config, settings)),
  };
}
