import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { planFaults } from '../../src/faults/registry.js';
import { FaultRunner } from '../../src/faults/runner.js';
import { parseFaultSpec } from '../../src/faults/spec.js';
import { WorkerFaultHost } from '../../src/faults/worker/host.js';
import type { FaultReport } from '../../src/model/fault.js';
import { seededRandom } from '../../src/random.js';
import { withBooking } from '../../src/runtime/call-counter.js';
import type { Supervisor } from '../../src/runtime/supervisor.js';
import { workerFaults } from '../../src/runtime/worker-faults.js';
import type { WorkerConfig, WorkerSettings } from '../../src/runtime/worker-messages.js';
import { usageError } from '../helpers/usage-error.js';

/** The fault started on a host whose supervisor records the workers' settings and relays what the workers log. */
function started(text: string) {
  const clock = new ManualClock();
  const events = new EventEmitter();
  let settings: WorkerSettings = {};
  const supervisor = {
    configure: (next: WorkerSettings) => (settings = next),
    on: (event: string, listener: () => void) => events.on(event, listener),
    off: (event: string, listener: () => void) => events.off(event, listener),
  } as unknown as Supervisor;
  const host = new WorkerFaultHost({ supervisor, clients: {} as never, stateMachineArn: 'arn', profile: 'fast', random: seededRandom(1), log: () => {}, clock });
  const runner = new FaultRunner(planFaults([parseFaultSpec(text)]), clock, () => {});
  runner.loadStarted({ worker: host });
  return { settings: () => settings, workerLogged: (entry: FaultReport) => events.emit('fault', entry), stop: () => runner.stop() };
}

/** Whether a promise is still pending once everything ready to run has run. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([promise.then(() => false), new Promise<boolean>((resolve) => setImmediate(() => resolve(true)))]);
}

const workerOf = (fn: WorkerConfig['function'], stuckTask: number, log: FaultReport[]) =>
  workerFaults({ function: fn, coldStartMs: 0, faults: { stuckTask: { IssueTicket: stuckTask } } } as unknown as WorkerConfig, (entry) => log.push(entry));

describe('the stuck-task fault', () => {
  it('when given no parameters, it sticks one IssueTicket task; task and times are read as given, a bad one is a usage error naming it', () => {
    expect(started('stuck-task').settings().faults?.stuckTask).toMatchObject({ IssueTicket: 1, ReserveSeat: 0 });
    expect(started('stuck-task:task=ReserveSeat,times=2').settings().faults?.stuckTask).toMatchObject({ ReserveSeat: 2, IssueTicket: 0 });
    expect(usageError(() => planFaults([parseFaultSpec('stuck-task:task=Nap')]))).toMatch(/stuck-task.*task=Nap/);
    expect(usageError(() => planFaults([parseFaultSpec('stuck-task:times=0')]))).toMatch(/stuck-task.*times=0/);
  });

  it('when a worker has stuck in as many tasks as asked, the setting is withdrawn, so that a worker started later sticks in none', () => {
    const fault = started('stuck-task:times=2');
    fault.workerLogged({ fault: 'stuck-task', action: 'IssueTicket is stuck' });
    expect(fault.settings().faults?.stuckTask?.IssueTicket).toBe(2);
    fault.workerLogged({ fault: 'slow-task', action: 'IssueTicket takes 3000 ms longer' });
    fault.workerLogged({ fault: 'stuck-task', action: 'IssueTicket is stuck' });
    expect(fault.settings().faults?.stuckTask?.IssueTicket).toBe(0);
  });

  it('when a task of the stuck task is invoked, it never gets to its handler and logs it with its booking; the next one runs; other functions are never stuck', async () => {
    const log: FaultReport[] = [];
    const worker = workerOf('IssueTicket', 1, log);
    const stuck = withBooking('B1', () => worker.beforeInvocation());
    expect(await pending(stuck)).toBe(true);
    expect(log).toEqual([{ fault: 'stuck-task', action: 'IssueTicket is stuck: its handler never returns, its heartbeats go on', bookingId: 'B1', detail: { task: 'IssueTicket' } }]);
    expect(await pending(worker.beforeInvocation())).toBe(false);

    const other: FaultReport[] = [];
    expect(await pending(workerOf('payment', 1, other).beforeInvocation())).toBe(false);
    expect(other).toEqual([]);
  });

  it('when the fault heals, the worker sticks in no more tasks, and the one it is stuck in stays stuck: a call without a timeout does not come back', async () => {
    const log: FaultReport[] = [];
    const worker = workerOf('IssueTicket', 2, log);
    const stuck = worker.beforeInvocation();
    expect(await pending(stuck)).toBe(true);
    worker.update({ faults: { stuckTask: { IssueTicket: 0 } } });
    expect(await pending(worker.beforeInvocation())).toBe(false);
    expect(await pending(stuck)).toBe(true);
    expect(log).toHaveLength(1);
  });
});
