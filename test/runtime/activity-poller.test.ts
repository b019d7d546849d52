import { afterEach, describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { TaskError } from '../../src/functions/model.js';
import { pollActivity, type ActivityPollerOptions, type TaskHandler, type TaskHeartbeat } from '../../src/runtime/activity-poller.js';
import { bookingScope, countCalls } from '../../src/runtime/call-counter.js';
import type { RuntimeLog } from '../../src/runtime/runtime-log.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, finished, history, start, types } from '../helpers/sfn.js';

const fixture = useEndpoint();
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** Creates an activity and a one-task machine around it (task fields as given), and polls the activity with `handler` (and any other options given); `calls` are the poller's AWS calls so far. */
async function pollNewActivity(handler: TaskHandler, task: object = {}, heartbeatSeconds = 1, options: Partial<ActivityPollerOptions> = {}) {
  const activityArn = await createActivity(fixture.clients.sfn, uniqueName('task'));
  const machineArn = await createMachine(fixture.clients.sfn, uniqueName('machine'), activityMachine(activityArn, task));
  const clients = createClients({ endpoint: fixture.endpoint.url });
  const counter = countCalls(clients);
  const controller = new AbortController();
  const logs: RuntimeLog[] = [];
  const heartbeats: TaskHeartbeat[] = [];
  const done = pollActivity({
    sfn: clients.sfn,
    activityArn,
    workerName: 'test-worker',
    handler,
    heartbeatSeconds,
    signal: controller.signal,
    onHeartbeat: (heartbeat) => heartbeats.push(heartbeat),
    log: (entry) => logs.push(entry),
    ...options,
  });
  stops.push(async () => {
    controller.abort();
    await done;
    clients.destroy();
  });
  return { machineArn, logs, heartbeats, calls: () => counter.snapshot().sfn ?? {} };
}

describe('pollActivity', () => {
  it('when the handler returns, it sends its result with SendTaskSuccess', async () => {
    const { machineArn } = await pollNewActivity(async (input) => ({ doubled: (input.n as number) * 2 }));
    const execution = await finished(fixture.clients.sfn, await start(fixture.clients.sfn, machineArn, { n: 21 }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ doubled: 42 });
  });

  it("when the task's input names a bookingId, the handler runs in that booking's scope", async () => {
    const { machineArn } = await pollNewActivity(async () => ({ scope: bookingScope.getStore() ?? null }));
    const execution = await finished(fixture.clients.sfn, await start(fixture.clients.sfn, machineArn, { bookingId: 'B7' }));
    expect(JSON.parse(execution.output!)).toEqual({ scope: 'B7' });
  });

  it("when the handler throws a TaskError, it sends it with SendTaskFailure and the state machine's Catch routes it", async () => {
    const { sfn } = fixture.clients;
    const activityArn = await createActivity(sfn, uniqueName('declining'));
    const definition = {
      StartAt: 'Charge',
      States: {
        Charge: { Type: 'Task', Resource: activityArn, Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Declined' }], End: true },
        Declined: { Type: 'Pass', End: true },
      },
    };
    const machineArn = await createMachine(sfn, uniqueName('declining'), definition);
    const clients = createClients({ endpoint: fixture.endpoint.url });
    const controller = new AbortController();
    const done = pollActivity({
      sfn: clients.sfn,
      activityArn,
      workerName: 'test-worker',
      heartbeatSeconds: 2,
      signal: controller.signal,
      handler: async () => {
        throw new TaskError('PaymentDeclined', 'card expired');
      },
    });
    stops.push(async () => {
      controller.abort();
      await done;
      clients.destroy();
    });
    const execution = await finished(sfn, await start(sfn, machineArn, { bookingId: 'b1' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ bookingId: 'b1', error: { Error: 'PaymentDeclined', Cause: 'card expired' } });
  });

  it('when the handler throws anything else, it fails the task as a WorkerError and logs it', async () => {
    const { machineArn, logs } = await pollNewActivity(async () => {
      throw new Error('bug');
    });
    const execution = await finished(fixture.clients.sfn, await start(fixture.clients.sfn, machineArn));
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('WorkerError');
    expect(logs).toContainEqual({ kind: 'handler-failed', message: 'Error: bug' });
  });

  it('when the handler runs past HeartbeatSeconds, automatic heartbeats keep the task alive', async () => {
    const { machineArn, heartbeats, calls } = await pollNewActivity(async () => new Promise((resolve) => setTimeout(() => resolve('late'), 2500)), { HeartbeatSeconds: 1 });
    const executionArn = await start(fixture.clients.sfn, machineArn, { bookingId: 'B9' });
    const execution = await finished(fixture.clients.sfn, executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(await history(fixture.clients.sfn, executionArn))).not.toContain('ActivityTimedOut');
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(calls().SendTaskHeartbeat).toBe(heartbeats.length);
    // Each heartbeat names its task's booking and what the poller holds: what a crash now would take down.
    expect(heartbeats[0]).toEqual({ bookingId: 'B9', holding: ['B9'] });
  });

  it('when heartbeats are not to be sent (the sabotage no-heartbeat), it calls no SendTaskHeartbeat, yet tells every heartbeat’s moment', async () => {
    // As the sabotaged saga deploys the task: no HeartbeatSeconds, so nothing waits for a heartbeat.
    const { machineArn, heartbeats, calls } = await pollNewActivity(async () => new Promise((resolve) => setTimeout(() => resolve('late'), 1500)), {}, 1, { sendHeartbeats: false });
    const execution = await finished(fixture.clients.sfn, await start(fixture.clients.sfn, machineArn, { bookingId: 'B4' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(heartbeats[0]).toEqual({ bookingId: 'B4', holding: ['B4'] });
    expect(calls().SendTaskHeartbeat).toBeUndefined();
    expect(calls().SendTaskSuccess).toBe(1);
  });

  it('when a delivery is duplicated, the handler runs twice, one run after the other, and the second result is sent', async () => {
    let runs = 0;
    let running = 0;
    const asked: Array<string | undefined> = [];
    const { machineArn } = await pollNewActivity(
      async () => {
        running += 1;
        expect(running).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        return { run: (runs += 1) };
      },
      {},
      1,
      { duplicate: (bookingId) => asked.push(bookingId) > 0 },
    );
    const execution = await finished(fixture.clients.sfn, await start(fixture.clients.sfn, machineArn, { bookingId: 'B3' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ run: 2 });
    expect(asked).toEqual(['B3']);
  });
});
