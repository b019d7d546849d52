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

  it('when a worker stops heartbeating, the task fails with States.HeartbeatTimeout and is caught', async () => {
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
    expect(JSON.parse(done.output!).error).toMatchObject({ Error: 'States.HeartbeatTimeout' });
    const events = await history(sfn, executionArn);
    expect(types(events)).toContain('ActivityTimedOut');
    expect(events.find((e) => e.type === 'ActivityTimedOut')?.activityTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    expect(types(events)).toContain('PassStateEntered');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await historyUntil(sfn, executionArn, 'ExecutionSucceeded');
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
