import { GetActivityTaskCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, finished, history, historyUntil, start, types } from '../helpers/sfn.js';

describe('Step Functions activities', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  it('when a worker takes an activity task and succeeds, the execution succeeds with its output', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('work'));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, ResultPath: '$.result', End: true } },
    });
    const executionArn = await start(sfn, machine, { seat: 42 });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w1' }));
    expect(JSON.parse(task.input!)).toEqual({ seat: 42 });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ ok: true }) }));
    const done = await finished(sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ seat: 42, result: { ok: true } });
    expect(types(await history(sfn, executionArn))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('when the history is read, its events are numbered from 1, each pointing at the one before (the first at 0), and every input or output says it was not truncated', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('shape'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn));
    const executionArn = await start(sfn, machine, { n: 1 });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
    await historyUntil(sfn, executionArn, 'ExecutionSucceeded');
    const events = await history(sfn, executionArn);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(events.map((_, i) => [i + 1, i]));
    for (const event of events) {
      const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as Record<string, unknown> | undefined;
      if (details && 'input' in details) expect(details.inputDetails, event.type).toEqual({ truncated: false });
      if (details && 'output' in details) expect(details.outputDetails, event.type).toEqual({ truncated: false });
    }
    expect(events.filter((e) => Object.values(e).some((v) => typeof v === 'object' && v !== null && ('inputDetails' in v || 'outputDetails' in v))).map((e) => e.type)).toEqual(
      expect.arrayContaining(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded']),
    );
  });

  it('when a worker stops heartbeating, the task times out (States.Timeout in history, as on AWS) and a catcher of States.HeartbeatTimeout catches it', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('ticket'));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'IssueTicket',
      States: {
        IssueTicket: {
          Type: 'Task',
          Resource: activityArn,
          HeartbeatSeconds: 2,
          TimeoutSeconds: 60,
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout', 'States.Timeout'], ResultPath: '$.error', Next: 'Compensate' }],
          End: true,
        },
        Compensate: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(sfn, machine);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    clock.advance(1_500);
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    clock.advance(1_999);
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    clock.advance(2_000);
    const done = await finished(sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    // A known divergence (docs/endpoint.md): AWS hands the catcher States.Timeout; the interpreter hands it the name it matched.
    expect(JSON.parse(done.output!).error).toMatchObject({ Error: 'States.HeartbeatTimeout' });
    const events = await history(sfn, executionArn);
    expect(types(events)).toContain('ActivityTimedOut');
    expect(events.find((e) => e.type === 'ActivityTimedOut')?.activityTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
    expect(types(events)).toContain('PassStateEntered');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await historyUntil(sfn, executionArn, 'ExecutionSucceeded');
  });

  /** A machine of one activity task with these timeouts and catchers, and its run: the task taken by a worker that then goes silent. */
  async function silentWorker(timeouts: { HeartbeatSeconds?: number; TimeoutSeconds?: number }, catchErrors?: string[]) {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('silent'));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: activityArn, ...timeouts, ...(catchErrors ? { Catch: [{ ErrorEquals: catchErrors, ResultPath: '$.error', Next: 'Caught' }] } : {}), End: true },
        ...(catchErrors ? { Caught: { Type: 'Pass', End: true } } : {}),
      },
    });
    const executionArn = await start(sfn, machine);
    await sfn.send(new GetActivityTaskCommand({ activityArn }));
    return { sfn, executionArn };
  }

  it('when a missed heartbeat is not caught, the execution fails with States.Timeout and no cause, as on AWS', async () => {
    const { sfn, executionArn } = await silentWorker({ HeartbeatSeconds: 2, TimeoutSeconds: 60 });
    clock.advance(2_000);
    const done = await finished(sfn, executionArn);
    expect(done.status).toBe('FAILED');
    expect(done).toMatchObject({ error: 'States.Timeout' });
    expect(done.cause).toBeUndefined();
    const failed = (await history(sfn, executionArn)).find((e) => e.type === 'ExecutionFailed');
    expect(failed?.executionFailedEventDetails).toEqual({ error: 'States.Timeout' });
  });

  it('when a catcher names States.Timeout alone, it catches a missed heartbeat too', async () => {
    const { sfn, executionArn } = await silentWorker({ HeartbeatSeconds: 2, TimeoutSeconds: 60 }, ['States.Timeout']);
    clock.advance(2_000);
    expect((await finished(sfn, executionArn)).status).toBe('SUCCEEDED');
  });

  it('when a catcher names States.HeartbeatTimeout alone, a task timeout passes it by and fails the execution with States.Timeout', async () => {
    const { sfn, executionArn } = await silentWorker({ TimeoutSeconds: 3 }, ['States.HeartbeatTimeout']);
    clock.advance(3_000);
    const done = await finished(sfn, executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect((await history(sfn, executionArn)).find((e) => e.type === 'ActivityTimedOut')?.activityTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
  });

  it('when the client of a GetActivityTask long poll goes away, the next task waits for the next worker', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('gone'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn));
    const before = clock.pendingTimers;
    const waiting = clock.whenPending(before + 1);
    const client = new AbortController();
    const poll = sfn.send(new GetActivityTaskCommand({ activityArn }), { abortSignal: client.signal }).catch((error: Error) => error.name);
    await waiting;
    client.abort();
    expect(await poll).toBe('AbortError');
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(before));
    const executionArn = await start(sfn, machine, { n: 1 });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    expect(JSON.parse(task.input!)).toEqual({ n: 1 });
    expect(types(await history(sfn, executionArn))).toContain('ActivityStarted');
  });
});
