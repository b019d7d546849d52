import { sagaTasks, type SagaTask } from '../../deploy/saga-profiles.js';
import type { FaultPackage, Injection } from '../package.js';
import type { WorkerFaultHost } from './host.js';

interface Stuck {
  task: SagaTask;
  times: number;
}

export const stuckTask: FaultPackage<'stuck-task'> = {
  name: 'stuck-task',
  summary:
    'the worker of `task` (IssueTicket) gets stuck in `times` (1) of its tasks: a call that never returns, its heartbeats going on, so that only the task\'s TimeoutSeconds gives it up. Healing sticks no more tasks; a stuck one stays stuck until its worker stops',
  parse: (reader) => {
    const stuck: Stuck = { task: reader.choice('task', sagaTasks, 'IssueTicket'), times: reader.integer('times', 1, 1) };
    return { window: reader.window(), start: (host) => stickTasks(stuck, host) };
  },
};

/**
 * Has the workers of `stuck.task` stick in their next `times` tasks (src/runtime/worker-faults.ts:
 * each logs the task it stuck in), and withdraws the setting once that many are stuck,
 * so that a worker started later (a restart, a scale-up) sticks in none. A stuck task is
 * a call that hangs without a timeout of its own: it is not let go on heal, or the
 * execution the fault is there to leave running would end.
 */
function stickTasks(stuck: Stuck, host: WorkerFaultHost): Injection {
  const setting = host.set({ stuckTask: { [stuck.task]: stuck.times } });
  let count = 0;
  const off = host.listen('fault', (entry) => {
    if (entry.fault === 'stuck-task' && (count += 1) >= stuck.times) setting.heal();
  });
  return {
    heal() {
      off();
      setting.heal();
    },
  };
}
