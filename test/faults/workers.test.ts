import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, paginateListExecutions, type HistoryEvent } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { parseFaultSpec } from '../../src/faults/spec.js';
import type { FaultLogEntry } from '../../src/model/fault.js';
import { planFaults } from '../../src/faults/registry.js';
import { FaultRunner } from '../../src/faults/runner.js';
import { detectionLatencies, detectionLatency } from '../../src/faults/worker/crash-detection.js';
import { WorkerFaultHost } from '../../src/faults/worker/host.js';
import { ManualClock, systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { timingProfile } from '../../src/deploy/saga-profiles.js';
import { BooksimError } from '../../src/errors.js';
import { finalStatuses, type BookingStatus } from '../../src/model/booking.js';
import { getBooking } from '../../src/functions/bookings.js';
import { seededRandom } from '../../src/random.js';
import type { Supervisor, SupervisorEvents } from '../../src/runtime/supervisor.js';
import type { WorkerSettings } from '../../src/runtime/worker-messages.js';
import { startSystem, type RunningSystem } from '../../src/storm/system.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { finished, history, types } from '../helpers/sfn.js';
import { waitFor } from '../runtime/wait-for.js';

const workerScript = fileURLToPath(new URL('../../dist/runtime/worker-main.js', import.meta.url));
const specs = (...texts: string[]) => texts.map(parseFaultSpec);

/** A supervisor that hosts `functions` and records the settings it is given, with the time since `clock` was at `since`. */
function fakeSupervisor(clock: ManualClock, functions = ['inventory']) {
  const since = clock.now();
  const configured: Array<{ atMs: number; settings: WorkerSettings }> = [];
  const supervisor = {
    planned: () => functions.map((fn) => ({ function: fn })),
    configure: (settings: WorkerSettings) => configured.push({ atMs: clock.now() - since, settings }),
    on: () => supervisor,
    off: () => supervisor,
  } as unknown as Supervisor;
  return { supervisor, configured };
}

/** Worker faults run from now (the start of the load) on `supervisor`: the host, and the runner that starts and heals them. */
function runWorkerFaults(texts: string[], supervisor: Supervisor, clock: ManualClock) {
  const host = new WorkerFaultHost({ supervisor, clients: {} as never, stateMachineArn: 'arn', profile: 'fast', random: seededRandom(1), log: () => {}, clock });
  const runner = new FaultRunner(planFaults(specs(...texts)), clock, () => {});
  runner.loadStarted({ worker: host });
  return { stop: async () => (await runner.stop(), await host.stop()) };
}

/** What the workers are set to at the start of the load, with `texts`' faults: every fault checked against the fast profile first. */
function workerFaultConfig(texts: string[]): WorkerSettings {
  const clock = new ManualClock();
  for (const fault of planFaults(specs(...texts))) fault.check({ profile: 'fast', hosted: ['inventory', 'payment', 'IssueTicket'] });
  const { supervisor, configured } = fakeSupervisor(clock);
  runWorkerFaults(texts, supervisor, clock);
  return configured.at(-1)!.settings;
}

describe('worker fault parameters', () => {
  it('when a parameter is out of range, unknown or contradictory, it is a usage error naming the fault', () => {
    const bad = [
      'duplicate-delivery:rate=2',
      'late-delivery:ms=soon',
      'crash-mid-heartbeat:after=0',
      'crash-mid-heartbeat:task=Nap',
      'worker-hang:task=IssueTicket,function=payment',
      'stop-execution:rate=-1',
      'cold-start:scale=sideways',
      'cold-start:ms=1s,color=blue',
    ];
    for (const text of bad) {
      expect(() => planFaults(specs(text)), text).toThrow(BooksimError);
      expect(() => planFaults(specs(text)), text).toThrow(new RegExp(text.split(':')[0]!));
    }
  });

  it('when a crash needs more heartbeats than its task can live for in the profile, it is a usage error', () => {
    expect(() => workerFaultConfig(['crash-mid-heartbeat:after=20'])).toThrow(/cannot work/);
  });

  it('when faults are given, the workers start with what is open at the start of the load', () => {
    const interval = (timingProfile('fast').activities.IssueTicket.heartbeatSeconds * 1000) / 3;
    const settings = workerFaultConfig(['duplicate-delivery:rate=0.3', 'cold-start:ms=800', 'crash-mid-heartbeat:after=2']);
    expect(settings.coldStartMs).toBe(800);
    expect(settings.faults).toMatchObject({ duplicateDeliveryRate: 0.3, taskWorkMs: { IssueTicket: Math.ceil((3 * interval) / 2), Notify: 0 } });
    expect(workerFaultConfig(['late-delivery:rate=0.5,ms=1500']).faults).toMatchObject({ lateDelivery: { rate: 0.5, ms: 1500 } });
    expect(workerFaultConfig(['late-delivery']).faults).toMatchObject({ lateDelivery: { rate: 0.2, ms: 1000 } });
    // A window that opens later is closed at the start.
    expect(workerFaultConfig(['duplicate-delivery:rate=0.3,from=5s']).faults).toMatchObject({ duplicateDeliveryRate: 0 });
  });

  it('when a window is given, a worker fault opens at from= and heals at from+for (late-delivery, duplicate-delivery, cold-start)', () => {
    const clock = new ManualClock();
    const { supervisor, configured } = fakeSupervisor(clock);
    const texts = ['late-delivery:rate=0.5,ms=1500,from=1s,for=2s', 'duplicate-delivery:rate=0.3,from=2s,for=2s', 'cold-start:ms=800,from=500,for=1s'];
    const chaos = runWorkerFaults(texts, supervisor, clock);
    const at = (ms: number) => configured.filter((entry) => entry.atMs <= ms).at(-1)!.settings;
    clock.advance(5000);
    expect(at(0).faults).toMatchObject({ lateDelivery: { rate: 0, ms: 0 }, duplicateDeliveryRate: 0 });
    expect(at(0).coldStartMs).toBe(0);
    expect(at(500).coldStartMs).toBe(800);
    expect(at(1000).faults).toMatchObject({ lateDelivery: { rate: 0.5, ms: 1500 } });
    expect(at(1500).coldStartMs).toBe(0);
    expect(at(2000).faults).toMatchObject({ lateDelivery: { rate: 0.5, ms: 1500 }, duplicateDeliveryRate: 0.3 });
    expect(at(3000).faults).toMatchObject({ lateDelivery: { rate: 0, ms: 0 }, duplicateDeliveryRate: 0.3 });
    expect(at(4000).faults).toMatchObject({ lateDelivery: { rate: 0, ms: 0 }, duplicateDeliveryRate: 0 });
    void chaos.stop();
  });

  it('when the attempt running at the kill timed out, its detection latency is kill → ActivityTimedOut; otherwise there is none', () => {
    const at = (type: string, ms: number) => ({ type, timestamp: new Date(ms) }) as HistoryEvent;
    const timedOut = [at('ActivityStarted', 1000), at('ActivityTimedOut', 3200), at('ActivityStarted', 4000), at('ActivitySucceeded', 4500)];
    expect(detectionLatency(timedOut, 1700)?.ms).toBe(1500);
    expect(detectionLatency(timedOut, 4100)).toBeUndefined();
    expect(detectionLatency(timedOut, 500)).toBeUndefined();
  });

  it('when both timeouts say States.Timeout, the kind is told by timing: TimeoutSeconds after scheduling is the task timeout, earlier the heartbeat', () => {
    const scheduled = (ms: number) =>
      ({ type: 'ActivityScheduled', timestamp: new Date(ms), activityScheduledEventDetails: { timeoutInSeconds: 10, heartbeatInSeconds: 2 } }) as HistoryEvent;
    const at = (type: string, ms: number) => ({ type, timestamp: new Date(ms) }) as HistoryEvent;
    const byHeartbeat = [scheduled(0), at('ActivityStarted', 100), at('ActivityTimedOut', 2_600)];
    const byTask = [scheduled(0), at('ActivityStarted', 100), at('ActivityTimedOut', 10_000)];
    expect(detectionLatency(byHeartbeat, 600)).toEqual({ ms: 2_000, timeout: 'heartbeatTimeout' });
    expect(detectionLatency(byTask, 600)).toEqual({ ms: 9_400, timeout: 'taskTimeout' });
    // Stamped a ms short of TimeoutSeconds, as the timer may start before the event is stamped.
    expect(detectionLatency([scheduled(0), at('ActivityStarted', 100), at('ActivityTimedOut', 9_999)], 600)?.timeout).toBe('taskTimeout');
  });

  it('when the task had no HeartbeatSeconds (the sabotage no-heartbeat), a timeout can only be its task timeout', () => {
    const scheduled = { type: 'ActivityScheduled', timestamp: new Date(0), activityScheduledEventDetails: { timeoutInSeconds: 20 } } as HistoryEvent;
    const at = (type: string, ms: number) => ({ type, timestamp: new Date(ms) }) as HistoryEvent;
    expect(detectionLatency([scheduled, at('ActivityStarted', 900), at('ActivityTimedOut', 19_990)], 1_000)).toEqual({ ms: 18_990, timeout: 'taskTimeout' });
  });
});

// Worker processes and sagas take seconds; a loaded CI machine may stretch them.
describe('worker faults on a running system (workers as real processes)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh stack (fast profile) and the system on it; `faults` start with the load, which is now. */
  async function withFaults(faults: string[], before?: (system: RunningSystem) => Promise<void>) {
    const stack = uniqueName('chaos');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const system = await startSystem({ endpoint: resolveEndpoint({ endpoint: fx.endpoint.url }, {}), stack, clock: systemClock, concurrency: 2, workerScript });
    cleanups.push(() => system.stop());
    await before?.(system);
    const log: Array<Omit<FaultLogEntry, 'at'>> = [];
    const { context, supervisor, profile } = system;
    const push = (entry: Omit<FaultLogEntry, 'at'>) => void log.push(entry);
    const host = new WorkerFaultHost({ supervisor, clients: context.clients, stateMachineArn: context.resources.stateMachineArn, profile, random: seededRandom(7), log: push, clock: systemClock });
    const runner = new FaultRunner(planFaults(specs(...faults)), systemClock, push);
    runner.loadStarted({ worker: host });
    const chaos = { stop: async () => (await runner.stop(), await host.stop()) };
    cleanups.push(() => chaos.stop());
    let requests = 0;
    /** Books `seatId` through the API; returns the bookingId. */
    const book = async (seatId: string): Promise<string> => {
      requests += 1;
      const body = { seatId, customerId: `c${requests}`, requestId: `${stack}-r${requests}`, tier: 'STANDARD', amount: 1500 };
      const response = await fetch(`${system.api.url}/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(202);
      return ((await response.json()) as { bookingId: string }).bookingId;
    };
    const status = async (bookingId: string): Promise<BookingStatus> => (await getBooking(context, bookingId))?.status ?? 'PENDING';
    /** Every booking's final status, once all have one (bounded). */
    const outcomes = async (ids: string[], timeoutMs = 60_000): Promise<BookingStatus[]> => {
      await waitFor('every booking decided', async () => (await Promise.all(ids.map(status))).every((s) => finalStatuses.has(s)), timeoutMs);
      return Promise.all(ids.map(status));
    };
    const executionOf = async (bookingId: string): Promise<string> => {
      for await (const page of paginateListExecutions({ client: context.clients.sfn }, { stateMachineArn: context.resources.stateMachineArn })) {
        const found = page.executions?.find((execution) => execution.name === bookingId);
        if (found) return found.executionArn!;
      }
      throw new Error(`no execution for ${bookingId}`);
    };
    const ticketsOf = async (bookingId: string): Promise<number> => {
      const { Items = [] } = await context.clients.dynamodb.send(new ScanCommand({ TableName: context.resources.names.tables.tickets, ConsistentRead: true }));
      return Items.filter((item) => item.bookingId?.S === bookingId).length;
    };
    return { system, log, chaos, book, status, outcomes, executionOf, ticketsOf };
  }

  /** The fault's injections (and their ends), without the lines that say it started and healed. */
  const entries = (log: Array<Omit<FaultLogEntry, 'at'>>, fault: FaultLogEntry['fault']) => log.filter((entry) => entry.fault === fault && entry.phase !== 'started' && entry.phase !== 'healed');

  it('when every delivery is duplicated, each handler gets each message twice and every effect still happens once', async () => {
    const { system, log, book, outcomes, ticketsOf } = await withFaults(['duplicate-delivery:rate=1']);
    const first = await book('D1');
    const second = await book('D1');
    expect(await outcomes([first, second])).toEqual(['CONFIRMED', 'REJECTED']);
    const duplicated = (bookingId: string) => new Set(entries(log, 'duplicate-delivery').filter((e) => e.bookingId === bookingId).map((e) => e.detail!.function));
    expect(duplicated(first)).toEqual(new Set(['inventory', 'payment', 'ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify']));
    expect(duplicated(second)).toEqual(new Set(['inventory', 'payment']));
    // The second ValidatePayment run charged again under the same key: a replay, not a second capture.
    expect(system.gateway.stats().byEndpoint['POST /charges']?.replays).toBeGreaterThanOrEqual(1);
    expect(system.gateway.ledger().filter((entry) => entry.outcome === 'captured').map((entry) => entry.bookingId)).toEqual([first]);
    expect(await ticketsOf(first)).toBe(1);
  });

  it('when the IssueTicket worker is SIGKILLed mid-heartbeat, it is restarted, the task times out by heartbeat and the saga completes by its Retry', async () => {
    const { system, log, book, outcomes, executionOf, ticketsOf } = await withFaults(['crash-mid-heartbeat:after=2']);
    const restarted = new Promise<SupervisorEvents['restart'][0]>((resolve) => system.supervisor.once('restart', resolve));
    const bookingId = await book('K1');
    expect(await outcomes([bookingId])).toEqual(['CONFIRMED']);
    const [kill, ...more] = entries(log, 'crash-mid-heartbeat');
    expect(more).toEqual([]);
    expect(kill).toMatchObject({ bookingId, detail: { task: 'IssueTicket', heartbeats: 2, bookingIds: [bookingId] } });
    const restart = await restarted;
    expect(restart).toMatchObject({ previousPid: kill!.detail!.pid, function: 'IssueTicket' });
    expect(system.supervisor.running().filter((worker) => worker.function === 'IssueTicket').map((worker) => worker.pid)).toEqual([restart.pid]);

    // CONFIRMED comes from IssueTicket; Notify follows.
    const executionArn = await executionOf(bookingId);
    expect((await finished(system.context.clients.sfn, executionArn, 20_000)).status).toBe('SUCCEEDED');
    const events = await history(system.context.clients.sfn, executionArn);
    const timeouts = events.filter((event) => event.type === 'ActivityTimedOut');
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]!.activityTimedOutEventDetails?.error).toBe('States.Timeout');
    // Retried after the timeout, and ticketed by the new worker.
    expect(types(events).filter((type) => type === 'ActivityStarted').length).toBeGreaterThan(4);
    expect(await ticketsOf(bookingId)).toBe(1);

    const latencies = await detectionLatencies(system.context.clients, log);
    expect(latencies).toHaveLength(1);
    const heartbeatMs = timingProfile(system.profile).activities.IssueTicket.heartbeatSeconds * 1000;
    // The last heartbeat came just before the kill: Step Functions notices within HeartbeatSeconds of it (plus its timer's slack).
    expect(latencies[0]!.timeout).toBe('heartbeatTimeout');
    expect(latencies[0]!.ms).toBeGreaterThan(0);
    expect(latencies[0]!.ms).toBeLessThanOrEqual(heartbeatMs + 500);
  });

  it('when a worker hangs, it is stopped (alive, silent) for the time given, then resumed, and its work goes on', async () => {
    const { system, log, book, outcomes } = await withFaults(['worker-hang:function=inventory,for=1500ms']);
    await waitFor('the hang', () => entries(log, 'worker-hang').length === 1);
    const { pid } = entries(log, 'worker-hang')[0]!.detail as { pid: number };
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
    // SIGSTOP is delivered asynchronously: the kernel stops the process a moment after kill() returns.
    await waitFor('the worker stopped', () => state() === 'T', 2000);
    expect(state()).toBe('T');
    const bookingId = await book('H1');
    await sleep(500);
    expect((await getBooking(system.context, bookingId))?.status).toBe('PENDING');
    await waitFor('the heal', () => entries(log, 'worker-hang').length === 2, 5000);
    expect(entries(log, 'worker-hang')[1]).toMatchObject({ action: `healed: resumed worker ${pid} (inventory)`, detail: { pid } });
    expect(state()).not.toBe('T');
    expect(await outcomes([bookingId])).toEqual(['CONFIRMED']);
    expect(system.supervisor.running().map((worker) => worker.pid)).toContain(pid);
  });

  it('when a queue function\'s worker is crashed, it is SIGKILLed and restarted, and bookings go on through the new one', async () => {
    const exits: Array<SupervisorEvents['exit'][0]> = [];
    const { system, log, book, outcomes } = await withFaults(['worker-crash:function=inventory'], async ({ supervisor }) => void supervisor.on('exit', (exit) => exits.push(exit)));
    await waitFor('the kill', () => entries(log, 'worker-crash').length === 1);
    const [kill] = entries(log, 'worker-crash');
    const { pid } = kill!.detail as { pid: number };
    expect(kill).toMatchObject({ action: `killed worker ${pid} (inventory)`, detail: { function: 'inventory' } });
    const inventory = () => system.supervisor.running().filter((worker) => worker.function === 'inventory');
    await waitFor('the restart', () => inventory().length === 1 && inventory()[0]!.pid !== pid);
    expect(exits).toEqual([expect.objectContaining({ pid, function: 'inventory', signal: 'SIGKILL' })]);
    const bookingId = await book('W1');
    expect(await outcomes([bookingId])).toEqual(['CONFIRMED']);
  });

  it('when running executions are stopped, their bookings are left stuck (ABORTED, not decided)', async () => {
    // With no IssueTicket worker, every saga waits there, RUNNING.
    const { system, log, book, status, executionOf } = await withFaults(['stop-execution:count=2,after=500ms'], async ({ supervisor }) => void (await supervisor.scale('IssueTicket', 0)));
    const bookings = [await book('X1'), await book('X2')];
    await waitFor('two stops', () => entries(log, 'stop-execution').length >= 2, 15_000);
    const stops = entries(log, 'stop-execution');
    expect(stops.map((entry) => entry.bookingId).sort()).toEqual([...bookings].sort());
    for (const bookingId of bookings) {
      const { status: execution } = await system.context.clients.sfn.send(new DescribeExecutionCommand({ executionArn: await executionOf(bookingId) }));
      expect(execution).toBe('ABORTED');
      expect(await status(bookingId)).toBe('HELD');
    }
  });

  it('when cold starts come with scaling, workers are added (paying the cold start) and retired during the run', async () => {
    const { system, log, book, outcomes } = await withFaults(['cold-start:ms=300,scale=both,every=3s,max=2,function=payment']);
    const payment = () => system.supervisor.running().filter((worker) => worker.function === 'payment');
    await waitFor('scaled up', () => entries(log, 'cold-start').some((entry) => entry.action === 'scaled payment from 1 to 2 worker(s)'), 10_000);
    expect(payment()).toHaveLength(2);
    await waitFor('scaled down', () => entries(log, 'cold-start').some((entry) => entry.action === 'scaled payment from 2 to 1 worker(s)'), 10_000);
    const down = entries(log, 'cold-start').find((entry) => entry.action === 'scaled payment from 2 to 1 worker(s)')!;
    expect(payment().map((worker) => worker.pid)).not.toContain((down.detail!.retired as number[])[0]);
    expect(payment()).toHaveLength(1);

    const bookingId = await book('C1');
    expect(await outcomes([bookingId])).toEqual(['CONFIRMED']);
    // Workers not invoked before took the cold start from the fault: the booking paid it, once per function.
    const paid = entries(log, 'cold-start').filter((entry) => entry.bookingId === bookingId && entry.action.startsWith('first invocation'));
    expect(paid.map((entry) => entry.detail!.function)).toEqual(expect.arrayContaining(['inventory', 'payment', 'IssueTicket']));
    expect(paid.every((entry) => entry.detail!.ms === 300)).toBe(true);
  });
});
