import { describeError } from '../../errors.js';
import { workerFunctions, type WorkerFunction } from '../../runtime/worker-messages.js';
import type { FaultPackage, Injection } from '../package.js';
import { Schedule } from '../schedule.js';
import { refuseUnhosted, type WorkerFaultHost } from './host.js';

const scaleDirections = ['up', 'down', 'both'] as const;

interface Scaling {
  direction: (typeof scaleDirections)[number];
  everyMs: number;
  max: number;
  /** The functions scaled; undefined: every function of the plan. */
  functions?: WorkerFunction[];
  coldStartMs: number;
}

export const coldStart: FaultPackage<'cold-start'> = {
  name: 'cold-start',
  summary: "`ms` (1000) paid by each worker's first invocation; `scale` up|down|both adds and retires worker processes (new ones start cold): one step every `every` (5s), between 1 and `max` (3) processes, of `function` (all)",
  parse: (reader) => {
    const functions = reader.has('function') ? [reader.choice('function', workerFunctions, 'payment')] : undefined;
    const direction = reader.has('scale') ? reader.choice('scale', scaleDirections, 'both') : undefined;
    const coldStartMs = reader.durationMs('ms', 1000);
    const everyMs = reader.durationMs('every', 5000);
    const max = reader.integer('max', 3, 1);
    return {
      window: reader.window(),
      check: (system) => refuseUnhosted(functions ?? [], system),
      start: (host) => {
        const cold = host.set({ coldStartMs });
        const scaling = direction && scaleWorkers({ direction, everyMs, max, coldStartMs, ...(functions ? { functions } : {}) }, host);
        return {
          heal() {
            cold.heal();
            return scaling?.heal();
          },
        };
      },
    };
  },
};

/**
 * Scaling: one step every `everyMs` from the start, each scaled function one process up
 * or down between 1 and `max` (down first jumps to `max`; both goes up to `max`, then down
 * to 1, and again). Each step is logged with the workers it started (cold) and retired; a
 * step due while the last is still in progress is skipped. Healing waits for the step in
 * progress.
 */
function scaleWorkers(rule: Scaling, host: WorkerFaultHost): Injection {
  const { supervisor, log } = host;
  const functions = rule.functions ?? supervisor.planned().map((entry) => entry.function);
  const direction = new Map<WorkerFunction, 1 | -1>(functions.map((fn) => [fn, rule.direction === 'down' ? -1 : 1]));
  const next = (fn: WorkerFunction, processes: number): number => {
    if (rule.direction === 'both') {
      if (processes >= rule.max) direction.set(fn, -1);
      else if (processes <= 1) direction.set(fn, 1);
    }
    return Math.min(rule.max, Math.max(1, processes + direction.get(fn)!));
  };
  const scaleTo = async (fn: WorkerFunction, from: number, to: number) => {
    if (from === to) return;
    try {
      const { started, retired } = await supervisor.scale(fn, to);
      log({
        fault: 'cold-start',
        action: `scaled ${fn} from ${from} to ${to} worker(s)`,
        detail: { function: fn, processes: to, started: started.map((worker) => worker.pid), retired: retired.map((worker) => worker.pid), coldStartMs: rule.coldStartMs },
      });
    } catch (error) {
      log({ fault: 'cold-start', phase: 'failed', action: `scaling ${fn} to ${to} worker(s) failed: ${describeError(error)}`, detail: { function: fn, processes: to } });
    }
  };
  let inProgress: Promise<void> | undefined;
  const step = (first: boolean) => {
    if (inProgress) return;
    const now = new Map(supervisor.planned().map((entry) => [entry.function, entry.processes]));
    const steps = functions.map((fn) => {
      const processes = now.get(fn) ?? 0;
      return scaleTo(fn, processes, first && rule.direction === 'down' ? rule.max : next(fn, processes));
    });
    inProgress = host.track(Promise.all(steps)).finally(() => (inProgress = undefined));
  };
  const schedule = new Schedule(host.clock);
  const tick = (n: number) => {
    step(n === 0);
    schedule.at((n + 1) * rule.everyMs, () => tick(n + 1));
  };
  tick(0);
  return {
    async heal() {
      schedule.cancel();
      await inProgress;
    },
  };
}
