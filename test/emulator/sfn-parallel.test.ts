import { GetActivityTaskCommand, SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { createActivity, createMachine, finished, history, historyUntil, start, types } from '../helpers/sfn.js';

/** A Parallel state whose two branches are one activity task each, its result under $.both; a failure is caught and goes to the undo activity. */
function parallelMachine(payArn: string, seatArn: string, undoArn: string, task: object = {}) {
  const branch = (name: string, resource: string) => ({ StartAt: name, States: { [name]: { Type: 'Task', Resource: resource, End: true, ...task } } });
  return {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [branch('Pay', payArn), branch('Seat', seatArn)],
        ResultSelector: { 'pay.$': '$[0]', 'seat.$': '$[1]' },
        ResultPath: '$.both',
        Catch: [
          { ErrorEquals: ['PaymentDeclined'], ResultPath: '$.declined', Next: 'Undo' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Undo' },
        ],
        End: true,
      },
      Undo: { Type: 'Task', Resource: undoArn, End: true },
    },
  };
}

const take = async (sfn: SFNClient, activityArn: string) => sfn.send(new GetActivityTaskCommand({ activityArn }));

describe('Step Functions Parallel states with activity tasks', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  const setUp = async (task: object = {}) => {
    const sfn = fx.clients.sfn;
    const payArn = await createActivity(sfn, uniqueName('pay'));
    const seatArn = await createActivity(sfn, uniqueName('seat'));
    const undoArn = await createActivity(sfn, uniqueName('undo'));
    const machine = await createMachine(sfn, uniqueName('m'), parallelMachine(payArn, seatArn, undoArn, task));
    /** Takes the compensation's task while the execution still runs, and answers it with its input. */
    const undo = async () => {
      const task = await take(sfn, undoArn);
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: task.input! }));
    };
    return { sfn, payArn, seatArn, machine, undo };
  };

  it('when both branches succeed, the state’s result is the array of branch outputs, reshaped and placed beside the input', async () => {
    const { sfn, payArn, seatArn, machine } = await setUp();
    const executionArn = await start(sfn, machine, { booking: 'B1' });
    const seat = await take(sfn, seatArn);
    const pay = await take(sfn, payArn);
    expect(JSON.parse(pay.input!)).toEqual({ booking: 'B1' });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: seat.taskToken, output: '{"sold":true}' }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: pay.taskToken, output: '{"charged":100}' }));
    const done = await finished(sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ booking: 'B1', both: { pay: { charged: 100 }, seat: { sold: true } } });
    const events = types(await history(sfn, executionArn));
    expect(events.filter((type) => type.startsWith('Parallel'))).toEqual(['ParallelStateEntered', 'ParallelStateStarted', 'ParallelStateSucceeded', 'ParallelStateExited']);
    expect(events.filter((type) => type === 'ActivitySucceeded')).toHaveLength(2);
  });

  it('when a branch fails, the Parallel fails with that error, its Catch routes it by name, and the other branch’s task is stopped', async () => {
    const { sfn, payArn, seatArn, machine, undo } = await setUp();
    const executionArn = await start(sfn, machine, { booking: 'B2' });
    const seat = await take(sfn, seatArn);
    const pay = await take(sfn, payArn);
    await sfn.send(new SendTaskFailureCommand({ taskToken: pay.taskToken, error: 'PaymentDeclined', cause: 'card refused' }));
    await historyUntil(sfn, executionArn, 'ParallelStateFailed');
    // The worker still holding the stopped branch's task hears that it ended, as on AWS, while the compensation runs.
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: seat.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await undo();
    const done = await finished(sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ booking: 'B2', declined: { Error: 'PaymentDeclined', Cause: 'card refused' } });
    const events = types(await history(sfn, executionArn));
    expect(events.filter((type) => type.startsWith('Parallel'))).toEqual(['ParallelStateEntered', 'ParallelStateStarted', 'ParallelStateFailed', 'ParallelStateExited']);
  });

  it('when a branch fails before the other branch’s task reached a worker, that task is never handed out', async () => {
    const { sfn, payArn, seatArn, machine, undo } = await setUp();
    const executionArn = await start(sfn, machine, { booking: 'B3' });
    const pay = await take(sfn, payArn);
    await sfn.send(new SendTaskFailureCommand({ taskToken: pay.taskToken, error: 'GatewayRejected' }));
    await historyUntil(sfn, executionArn, 'ParallelStateFailed');
    const waiting = clock.whenPending(clock.pendingTimers + 1);
    const poll = take(sfn, seatArn);
    await waiting;
    clock.advance(60_000);
    expect((await poll).taskToken).toBeUndefined();
    await undo();
    expect(JSON.parse((await finished(sfn, executionArn)).output!).error).toMatchObject({ Error: 'GatewayRejected' });
  });

  it('when a branch’s worker stops heartbeating, the branch’s Retry hands the task to another worker and the Parallel succeeds', async () => {
    const { sfn, payArn, seatArn, machine } = await setUp({
      HeartbeatSeconds: 2,
      TimeoutSeconds: 60,
      Retry: [{ ErrorEquals: ['States.HeartbeatTimeout'], IntervalSeconds: 0, MaxAttempts: 1 }],
    });
    const executionArn = await start(sfn, machine, { booking: 'B4' });
    await take(sfn, seatArn);
    const pay = await take(sfn, payArn);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: pay.taskToken, output: '"paid"' }));
    clock.advance(2_000);
    const seatAgain = await take(sfn, seatArn);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: seatAgain.taskToken, output: '"sold"' }));
    const done = await finished(sfn, executionArn);
    expect(JSON.parse(done.output!)).toEqual({ booking: 'B4', both: { pay: 'paid', seat: 'sold' } });
    expect(types(await history(sfn, executionArn)).filter((type) => type === 'ActivityTimedOut')).toHaveLength(1);
  });
});
