import { streamFunctions, type StreamFunction } from '../../deploy/stack.js';
import type { FaultPackage, Injection } from '../package.js';
import { Schedule } from '../schedule.js';
import { refuseUnhosted, type WorkerFaultHost } from './host.js';

interface Crash {
  target: StreamFunction;
  times: number;
  everyMs: number;
}

export const workerCrash: FaultPackage<'worker-crash'> = {
  name: 'worker-crash',
  summary: 'SIGKILL of a worker of the queue function `function` (inventory; or payment), drawn at random, with the messages it holds: `times` (1) kills `every` (5s) apart from when the window opens, none after it closes. The supervisor restarts it',
  parse: (reader) => {
    const crash: Crash = { target: reader.choice('function', streamFunctions, 'inventory'), times: reader.integer('times', 1, 1), everyMs: reader.durationMs('every', 5000) };
    return { window: reader.window(), check: (system) => refuseUnhosted([crash.target], system), start: (host) => crashWorkers(crash, host) };
  },
};

/**
 * `times` times, `everyMs` apart, SIGKILLs a worker of `crash.target` drawn at random: a
 * queue worker dies with the messages it received and has not finished, which SQS hands
 * out again once their visibility timeout runs out. The supervisor restarts it, as Lambda
 * replaces a crashed instance. Each kill is logged; a kill due while no worker of the
 * function runs (the last one killed is not back yet) is logged as failed.
 */
function crashWorkers(crash: Crash, host: WorkerFaultHost): Injection {
  const { supervisor, log, clock } = host;
  const schedule = new Schedule(clock);
  const kill = (n: number) => {
    if (n + 1 < crash.times) schedule.after(crash.everyMs, () => kill(n + 1));
    const candidates = supervisor.running().filter((worker) => worker.function === crash.target);
    const chosen = candidates[Math.floor(host.random() * candidates.length)];
    if (chosen && supervisor.kill(chosen.pid, 'SIGKILL')) {
      log({ fault: 'worker-crash', action: `killed worker ${chosen.pid} (${crash.target})`, detail: { pid: chosen.pid, function: crash.target } });
    } else {
      log({ fault: 'worker-crash', phase: 'failed', action: `no worker of ${crash.target} running to kill`, detail: { function: crash.target } });
    }
  };
  kill(0);
  return { heal: () => schedule.cancel() };
}
