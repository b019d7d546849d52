import { sagaTasks } from '../../deploy/saga-profiles.js';
import { workerFunctions, type WorkerFunction } from '../../runtime/worker-messages.js';
import type { FaultPackage, Injection } from '../package.js';
import { Schedule } from '../schedule.js';
import { refuseUnhosted, type WorkerFaultHost } from './host.js';

interface Hang {
  target: WorkerFunction;
  forMs: number;
  times: number;
  everyMs: number;
}

export const workerHang: FaultPackage<'worker-hang'> = {
  name: 'worker-hang',
  summary: 'SIGSTOP of a worker hosting `task` or `function` (IssueTicket; an activity worker is stopped holding a task) for `for` (5s), then SIGCONT; from `from` (0), `times` (1) times, starts at least `every` (twice `for`) apart',
  parse: (reader) => {
    reader.either('task', 'function');
    const target = reader.has('function') ? reader.choice('function', workerFunctions, 'payment') : reader.choice('task', sagaTasks, 'IssueTicket');
    const forMs = reader.durationMs('for', 5000);
    const hang: Hang = { target, forMs, times: reader.integer('times', 1, 1), everyMs: reader.durationMs('every', 2 * forMs) };
    // `for` is how long each hang lasts, so the window has no end of its own: the fault heals when the run ends.
    return { window: { fromMs: reader.durationMs('from', 0) }, check: (system) => refuseUnhosted([target], system), start: (host) => hangWorkers(hang, host) };
  },
};

/**
 * `times` times with starts `everyMs` apart, SIGSTOPs a worker of `hang.target` (one that
 * just sent a heartbeat, for an activity, so that it hangs holding a task; one drawn at
 * random for a queue function), and SIGCONTs it `forMs` later: alive and silent
 * meanwhile. Both logged. Healing resumes the worker hung then, and hangs no more.
 */
function hangWorkers(hang: Hang, host: WorkerFaultHost): Injection {
  const { supervisor, log, clock } = host;
  const schedule = new Schedule(clock);
  const activity = (sagaTasks as readonly string[]).includes(hang.target);
  /** Hangs started so far, and those due by now (the schedule arms them one by one). */
  let hangs = 0;
  let due = 0;
  let hung: { pid: number; since: number } | undefined;
  const stop = (pid: number, bookingId?: string, holding: string[] = []) => {
    if (!supervisor.kill(pid, 'SIGSTOP')) return;
    hangs += 1;
    hung = { pid, since: clock.now() };
    log({ fault: 'worker-hang', action: `stopped worker ${pid} (${hang.target}) for ${hang.forMs} ms`, ...(bookingId === undefined ? {} : { bookingId }), detail: { pid, function: hang.target, forMs: hang.forMs, bookingIds: holding } });
    schedule.after(hang.forMs, resume);
  };
  /** A queue function's worker is drawn at once; an activity's waits for a heartbeat (see below). */
  const tryHang = () => {
    if (activity || hung || hangs >= due) return;
    const candidates = supervisor.running().filter((worker) => worker.function === hang.target);
    const chosen = candidates[Math.floor(host.random() * candidates.length)];
    if (chosen) stop(chosen.pid);
  };
  const resume = () => {
    if (!hung) return;
    const { pid, since } = hung;
    hung = undefined;
    const resumed = supervisor.kill(pid, 'SIGCONT');
    log({
      fault: 'worker-hang',
      phase: 'undone',
      action: resumed ? `healed: resumed worker ${pid} (${hang.target})` : `healed: worker ${pid} (${hang.target}) had gone`,
      detail: { pid, function: hang.target, hungMs: clock.now() - since },
    });
    // A hang that fell due meanwhile starts now.
    tryHang();
  };
  const arm = (n: number) => {
    due = n + 1;
    if (n + 1 < hang.times) schedule.at((n + 1) * hang.everyMs, () => arm(n + 1));
    tryHang();
  };
  const off = activity
    ? host.listen('heartbeat', (heartbeat) => {
        if (!hung && hangs < due && heartbeat.function === hang.target) stop(heartbeat.pid, heartbeat.bookingId, heartbeat.holding);
      })
    : undefined;
  arm(0);
  return {
    heal() {
      schedule.cancel();
      off?.();
      due = 0;
      resume();
    },
  };
}
