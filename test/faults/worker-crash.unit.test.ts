import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { planFaults } from '../../src/faults/registry.js';
import { FaultRunner } from '../../src/faults/runner.js';
import { parseFaultSpec } from '../../src/faults/spec.js';
import { WorkerFaultHost } from '../../src/faults/worker/host.js';
import type { FaultReport } from '../../src/model/fault.js';
import { seededRandom } from '../../src/random.js';
import type { Supervisor, WorkerInfo } from '../../src/runtime/supervisor.js';
import { usageError } from '../helpers/usage-error.js';

/**
 * The fault run from now (the start of the load) on a supervisor whose workers are
 * `workers`: the signals it sends, and the fault's log lines without those that say it started
 * and healed. A killed worker leaves `workers`; the test puts its restart back.
 */
function crashing(text: string, workers: WorkerInfo[]) {
  const clock = new ManualClock();
  const signals: string[] = [];
  const log: FaultReport[] = [];
  const supervisor = {
    configure: () => {},
    on: () => supervisor,
    off: () => supervisor,
    running: () => [...workers],
    kill: (pid: number, signal: string) => {
      signals.push(`${signal} ${pid}`);
      workers.splice(
        workers.findIndex((worker) => worker.pid === pid),
        1,
      );
      return true;
    },
  } as unknown as Supervisor;
  const faults = planFaults([parseFaultSpec(text)]);
  for (const fault of faults) fault.check({ profile: 'fast', hosted: ['inventory', 'payment', 'IssueTicket'] });
  const host = new WorkerFaultHost({ supervisor, clients: {} as never, stateMachineArn: 'arn', profile: 'fast', random: seededRandom(1), log: (entry) => log.push(entry), clock });
  const runner = new FaultRunner(faults, clock, (entry) => log.push(entry));
  runner.loadStarted({ worker: host });
  const injections = () => log.filter((entry) => entry.fault === 'worker-crash' && entry.phase !== 'started' && entry.phase !== 'healed');
  return { clock, signals, injections, stop: () => runner.stop() };
}

const worker = (pid: number, fn: WorkerInfo['function']): WorkerInfo => ({ pid, function: fn });

describe('the worker-crash fault', () => {
  it('when given no parameters, it SIGKILLs a worker of the inventory function once, when its window opens, and logs the kill', () => {
    const { signals, injections } = crashing('worker-crash', [worker(7, 'IssueTicket'), worker(8, 'payment'), worker(9, 'inventory')]);
    expect(signals).toEqual(['SIGKILL 9']);
    expect(injections()).toEqual([{ fault: 'worker-crash', action: 'killed worker 9 (inventory)', detail: { pid: 9, function: 'inventory' } }]);
  });

  it('when told times and every, it kills that many workers of the function, every apart from from, and none after its heal', async () => {
    const workers = [worker(1, 'payment'), worker(2, 'inventory')];
    const { clock, signals, stop } = crashing('worker-crash:function=payment,from=1s,times=3,every=2s', workers);
    expect(signals).toEqual([]);
    clock.advance(1000);
    expect(signals).toEqual(['SIGKILL 1']);
    // The supervisor's restart.
    workers.push(worker(3, 'payment'));
    clock.advance(1999);
    expect(signals).toEqual(['SIGKILL 1']);
    clock.advance(1);
    expect(signals).toEqual(['SIGKILL 1', 'SIGKILL 3']);
    await stop();
    workers.push(worker(4, 'payment'));
    clock.advance(10_000);
    expect(signals).toEqual(['SIGKILL 1', 'SIGKILL 3']);
  });

  it('when a kill falls due while no worker of the function runs, it logs that it failed and kills the next one on time', () => {
    const workers = [worker(1, 'inventory')];
    const { clock, signals, injections } = crashing('worker-crash:times=3,every=100ms', workers);
    clock.advance(100);
    workers.push(worker(2, 'inventory'));
    clock.advance(100);
    expect(signals).toEqual(['SIGKILL 1', 'SIGKILL 2']);
    expect(injections().map((entry) => [entry.phase, entry.action])).toEqual([
      [undefined, 'killed worker 1 (inventory)'],
      ['failed', 'no worker of inventory running to kill'],
      [undefined, 'killed worker 2 (inventory)'],
    ]);
  });

  it('when a parameter is bad, or the function is no queue function or is not hosted, it is a usage error naming the fault', () => {
    expect(usageError(() => planFaults([parseFaultSpec('worker-crash:function=IssueTicket')]))).toMatch(/worker-crash.*function=IssueTicket is not one of inventory, payment/);
    expect(usageError(() => planFaults([parseFaultSpec('worker-crash:times=0')]))).toMatch(/worker-crash.*times=0/);
    expect(usageError(() => planFaults([parseFaultSpec('worker-crash:every=soon')]))).toMatch(/worker-crash.*every=soon/);
    expect(usageError(() => planFaults([parseFaultSpec('worker-crash:after=2')]))).toMatch(/worker-crash.*unknown parameter after/);
    const [fault] = planFaults([parseFaultSpec('worker-crash:function=payment')]);
    expect(usageError(() => fault!.check({ profile: 'fast', hosted: ['IssueTicket'] }))).toMatch(/no worker hosts payment/);
  });
});
