import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Supervisor, type SupervisorEvents } from '../../src/runtime/supervisor.js';
import { waitFor } from './wait-for.js';

const idleWorker = fileURLToPath(new URL('./fixtures/idle-worker.mjs', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function supervise(processes: number): Supervisor {
  const supervisor = new Supervisor({
    plan: [{ function: 'inventory', concurrency: 1, processes }],
    config: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', stack: 'test', gatewayUrl: 'http://127.0.0.1:1', profile: 'fast', coldStartMs: 0 },
    script: idleWorker,
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
});
