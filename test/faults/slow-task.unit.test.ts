import { afterEach, describe, expect, it, vi } from 'vitest';
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

/** The workers' settings at the start of the load with this fault, checked against `profile` first as the storm does. */
function settingsWith(text: string, profile: 'fast' | 'realistic' = 'fast'): WorkerSettings {
  const clock = new ManualClock();
  const faults = planFaults([parseFaultSpec(text)]);
  for (const fault of faults) fault.check({ profile, hosted: ['inventory', 'payment', 'IssueTicket', 'ValidatePayment'] });
  let settings: WorkerSettings = {};
  const supervisor = { configure: (next: WorkerSettings) => (settings = next), on: () => supervisor, off: () => supervisor } as unknown as Supervisor;
  const host = new WorkerFaultHost({ supervisor, clients: {} as never, stateMachineArn: 'arn', profile, random: seededRandom(1), log: () => {}, clock });
  new FaultRunner(faults, clock, () => {}).loadStarted({ worker: host });
  return settings;
}


describe('the slow-task fault', () => {
  afterEach(() => void vi.useRealTimers());

  it('when given no parameters, it slows every IssueTicket task by 3 s; task, ms and rate are read as given', () => {
    expect(settingsWith('slow-task').faults?.slowTask).toMatchObject({ IssueTicket: { rate: 1, ms: 3000 }, Notify: { rate: 0, ms: 0 } });
    expect(settingsWith('slow-task:task=Notify,ms=2s,rate=0.5').faults?.slowTask).toMatchObject({ Notify: { rate: 0.5, ms: 2000 }, IssueTicket: { rate: 0, ms: 0 } });
    // A window that opens later is closed at the start.
    expect(settingsWith('slow-task:from=5s').faults?.slowTask?.IssueTicket).toEqual({ rate: 0, ms: 0 });
  });

  it('when a parameter is bad, it is a usage error naming the fault and the parameter', () => {
    expect(usageError(() => planFaults([parseFaultSpec('slow-task:task=Nap')]))).toMatch(/slow-task.*task=Nap/);
    expect(usageError(() => planFaults([parseFaultSpec('slow-task:rate=2')]))).toMatch(/slow-task.*rate=2/);
    expect(usageError(() => planFaults([parseFaultSpec('slow-task:ms=soon')]))).toMatch(/slow-task.*ms=soon/);
  });

  it('when ms could reach the task\'s TimeoutSeconds in the deployed profile (the fast path\'s shorter one included), it is refused: slow must not mean failed', () => {
    // fast: IssueTicket times out after 20 s, heartbeat 2 s: up to 18 s is slow; ValidatePayment's fast path times out after 6 s.
    expect(settingsWith('slow-task:ms=17999').faults?.slowTask?.IssueTicket?.ms).toBe(17_999);
    expect(usageError(() => settingsWith('slow-task:ms=18s'))).toBe(
      '--fault slow-task: IssueTicket slowed by 18000 ms could time out: its TimeoutSeconds is 20 s in the fast profile, and the slowdown must leave a heartbeat interval for the work itself',
    );
    expect(usageError(() => settingsWith('slow-task:task=ValidatePayment,ms=4s'))).toMatch(/ValidatePayment slowed by 4000 ms could time out: its TimeoutSeconds is 6 s/);
    // The realistic profile has room for it.
    expect(settingsWith('slow-task:ms=18s', 'realistic').faults?.slowTask?.IssueTicket?.ms).toBe(18_000);
  });

  it('when a slowed task is invoked, the worker waits ms before its handler and logs the injection with its booking; other functions and rate 0 are not slowed', async () => {
    vi.useFakeTimers();
    const log: FaultReport[] = [];
    const config = (fn: WorkerConfig['function'], rate: number) =>
      ({ function: fn, coldStartMs: 0, faults: { slowTask: { IssueTicket: { rate, ms: 3000 } } } }) as unknown as WorkerConfig;
    const slowed = workerFaults(config('IssueTicket', 1), (entry) => log.push(entry));
    let done = false;
    const invocation = withBooking('B1', () => slowed.beforeInvocation()).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(2999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await invocation;
    expect(log).toEqual([{ fault: 'slow-task', action: 'IssueTicket takes 3000 ms longer', bookingId: 'B1', detail: { task: 'IssueTicket', ms: 3000 } }]);
    for (const other of [workerFaults(config('Notify', 1), (entry) => log.push(entry)), workerFaults(config('IssueTicket', 0), (entry) => log.push(entry))]) {
      let resolved = false;
      void other.beforeInvocation().then(() => (resolved = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(resolved).toBe(true);
    }
    expect(log).toHaveLength(1);
  });
});
