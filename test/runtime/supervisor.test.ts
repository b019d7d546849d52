import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Supervisor, WorkerStartError, type SupervisorEvents } from '../../src/runtime/supervisor.js';
import { waitFor } from './wait-for.js';

const idleWorker = fileURLToPath(new URL('./fixtures/idle-worker.mjs', import.meta.url));
const failingWorker = fileURLToPath(new URL('./fixtures/failing-worker.mjs', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function supervise(processes: number, script = idleWorker): Supervisor {
  const supervisor = new Supervisor({
    plan: [{ function: 'inventory', concurrency: 1, processes }],
    config: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', stack: 'test', gatewayUrl: 'http://127.0.0.1:1', profile: 'fast', coldStartMs: 0 },
    script,
    restartDelayMs: 50,
    stopTimeoutMs: 2000,
  });
  onTestFinished(() => supervisor.stop());
  return supervisor;
}

describe('Supervisor', () => {
  it('when a worker is SIGKILLed, it reports the exit and starts a replacement', async () => {
    const supervisor = supervise(2);
    await supervisor.start();
    const [victim, survivor] = supervisor.running().map((worker) => worker.pid);
    const exited = once(supervisor, 'exit') as Promise<SupervisorEvents['exit']>;
    const restarted = once(supervisor, 'restart') as Promise<SupervisorEvents['restart']>;
    expect(supervisor.kill(victim!)).toBe(true);
    const [exit] = await exited;
    expect(exit).toMatchObject({ pid: victim, function: 'inventory', signal: 'SIGKILL' });
    const [restart] = await restarted;
    expect(restart).toMatchObject({ previousPid: victim, function: 'inventory' });
    expect(alive(restart.pid)).toBe(true);
    expect(supervisor.running().map((worker) => worker.pid).sort()).toEqual([survivor, restart.pid].sort());
    // The dead worker's last report still counts.
    await waitFor('three workers reported', () => supervisor.calls().sqs?.ReceiveMessage === 3);
    expect(supervisor.callsByBooking()).toEqual({ B1: 3 });
    expect(supervisor.decided()).toBe(6);
  });

  it('when stopped, it ends every worker and restarts none', async () => {
    const supervisor = supervise(3);
    await supervisor.start();
    const pids = supervisor.running().map((worker) => worker.pid);
    let exits = 0;
    supervisor.on('exit', () => (exits += 1));
    await supervisor.stop();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(supervisor.running()).toEqual([]);
    expect(exits).toBe(0);
  });

  it('when scaled up and down, it starts ready workers and retires the newest with SIGTERM, replacing none of them', async () => {
    const supervisor = supervise(1);
    await supervisor.start();
    const [first] = supervisor.running().map((worker) => worker.pid);
    let exits = 0;
    supervisor.on('exit', () => (exits += 1));
    const up = await supervisor.scale('inventory', 3);
    expect(up.retired).toEqual([]);
    expect(up.started).toHaveLength(2);
    for (const { pid } of up.started) expect(alive(pid)).toBe(true);
    expect(supervisor.planned()).toEqual([{ function: 'inventory', concurrency: 1, processes: 3 }]);
    const down = await supervisor.scale('inventory', 1);
    expect(down.retired.map((worker) => worker.pid).sort()).toEqual(up.started.map((worker) => worker.pid).sort());
    for (const { pid } of down.retired) expect(alive(pid)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(supervisor.running().map((worker) => worker.pid)).toEqual([first]);
    expect(exits).toBe(0);
  });

  it('when scaled down while a dead worker awaits its restart, it drops the restart before retiring a live worker', async () => {
    const supervisor = supervise(2);
    await supervisor.start();
    const [victim, survivor] = supervisor.running().map((worker) => worker.pid);
    const exited = once(supervisor, 'exit');
    supervisor.kill(victim!);
    await exited;
    const { started, retired } = await supervisor.scale('inventory', 1);
    expect([started, retired]).toEqual([[], []]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(supervisor.running().map((worker) => worker.pid)).toEqual([survivor]);
  });

  it('when a worker fails to start and says why, start() rejects with that reason in one line', async () => {
    const supervisor = supervise(1, failingWorker);
    const error = await supervisor.start().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    const { worker, failure, message } = error as WorkerStartError;
    expect(failure).toEqual({ kind: 'aws', service: 'dynamodb', operation: 'DescribeTable', answer: 'answered InternalServerError: the table store is down' });
    expect(message).toBe(`worker ${worker.pid} (inventory) could not start: dynamodb DescribeTable answered InternalServerError: the table store is down`);
  });
});
