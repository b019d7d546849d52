import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteActivityCommand, DescribeExecutionCommand, GetActivityTaskCommand, SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, finished, history, historyUntil, start, types } from '../helpers/sfn.js';
import { createQueue } from '../helpers/sqs.js';

/** A machine of one Task state calling `resource` with `parameters`. */
function oneTask(resource: string, parameters: object, extra: object = {}) {
  return {
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: resource, Parameters: parameters, End: true, ...extra },
    },
  };
}

describe('Step Functions AWS SDK integrations as workers', () => {
  const fx = useEndpoint();

  it('when a state machine takes an activity task with aws-sdk:sfn:getActivityTask and answers with sendTaskSuccess, the waiting execution succeeds', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('sdk-worker'));
    const saga = await start(sfn, await createMachine(sfn, uniqueName('saga'), activityMachine(activityArn)), { seat: 'A1' });
    await historyUntil(sfn, saga, 'ActivityScheduled');
    const worker = await createMachine(sfn, uniqueName('worker'), {
      StartAt: 'Take',
      States: {
        Take: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:getActivityTask', Parameters: { ActivityArn: activityArn, WorkerName: 'sdk' }, Next: 'Answer' },
        Answer: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
          Parameters: { 'TaskToken.$': '$.TaskToken', Output: { reserved: true } },
          End: true,
        },
      },
    });
    const workerRun = await start(sfn, worker);
    expect(await finished(sfn, workerRun)).toMatchObject({ status: 'SUCCEEDED', output: '{}' });
    expect(await finished(sfn, saga)).toMatchObject({ status: 'SUCCEEDED', output: '{"reserved":true}' });
    const scheduled = (await history(sfn, workerRun)).find((event) => event.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({ resourceType: 'aws-sdk:sfn', resource: 'getActivityTask' });
  });

  it('when sendTaskSuccess names no task, the task fails with Sfn.InvalidTokenException and the SDK-style cause, which a Catch can match', async () => {
    const sfn = fx.clients.sfn;
    const machine = await createMachine(
      sfn,
      uniqueName('bad-token'),
      oneTask('arn:aws:states:::aws-sdk:sfn:sendTaskSuccess', { TaskToken: 'NoSuchTaskToken', Output: '{}' }),
    );
    const done = await finished(sfn, await start(sfn, machine));
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Sfn.InvalidTokenException');
    expect(done.cause).toMatch(/^Invalid Token: .* \(Service: Sfn, Status Code: 400, Request ID: [\w-]+\)$/);
    const caught = await createMachine(sfn, uniqueName('caught'), {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
          Parameters: { TaskToken: 'NoSuchTaskToken', Output: '{}' },
          Catch: [{ ErrorEquals: ['Sfn.InvalidTokenException'], Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    });
    expect(JSON.parse((await finished(sfn, await start(sfn, caught))).output!)).toMatchObject({ Error: 'Sfn.InvalidTokenException' });
  });

  it('when a state machine receives and deletes with aws-sdk:sqs, it sees the message and the queue is emptied', async () => {
    const { sfn, sqs } = fx.clients;
    const queueUrl = await createQueue(sqs, uniqueName('sdk-inbox'));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'booking B1' }));
    const machine = await createMachine(sfn, uniqueName('consumer'), {
      StartAt: 'Receive',
      States: {
        Receive: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sqs:receiveMessage',
          Parameters: { QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 },
          ResultSelector: { 'body.$': '$.Messages[0].Body', 'handle.$': '$.Messages[0].ReceiptHandle' },
          Next: 'Delete',
        },
        Delete: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sqs:deleteMessage',
          Parameters: { QueueUrl: queueUrl, 'ReceiptHandle.$': '$.handle' },
          ResultPath: null,
          End: true,
        },
      },
    });
    const done = await finished(sfn, await start(sfn, machine));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ body: 'booking B1' });
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    expect(left.Messages).toBeUndefined();
  });

  it('when an aws-sdk:sqs call fails, the error is Sqs.<Code>Exception', async () => {
    const sfn = fx.clients.sfn;
    const machine = await createMachine(
      sfn,
      uniqueName('missing-queue'),
      oneTask('arn:aws:states:::aws-sdk:sqs:sendMessage', { QueueUrl: `${fx.endpoint.url}/000000000000/no-such-queue`, MessageBody: 'x' }),
    );
    const done = await finished(sfn, await start(sfn, machine));
    expect(done).toMatchObject({ status: 'FAILED', error: 'Sqs.QueueDoesNotExistException' });
    expect(done.cause).toContain('(Service: Sqs, Status Code: 400');
  });
});

describe('Step Functions nested executions (states:startExecution)', () => {
  const fx = useEndpoint();
  const passMachine = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', Result: { confirmed: true }, End: true } } };
  const failMachine = { StartAt: 'Refuse', States: { Refuse: { Type: 'Fail', Error: 'SeatTaken', Cause: 'A1 is sold' } } };
  const parent = (pattern: string, childArn: string) =>
    oneTask(`arn:aws:states:::states:startExecution${pattern}`, { StateMachineArn: childArn, Input: { 'seat.$': '$.seat' } });

  it('when .sync:2 waits for a child, the task answers its description with input and output as JSON values, after a TaskSubmitted', async () => {
    const sfn = fx.clients.sfn;
    const child = await createMachine(sfn, uniqueName('child'), passMachine);
    const run = await start(sfn, await createMachine(sfn, uniqueName('parent'), parent('.sync:2', child)), { seat: 'A1' });
    const done = await finished(sfn, run);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ Status: 'SUCCEEDED', Input: { seat: 'A1' }, Output: { confirmed: true }, StateMachineArn: child });
    const events = await history(sfn, run);
    expect(types(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2' });
    expect(JSON.parse(events[4]!.taskSubmittedEventDetails!.output!)).toEqual({ ExecutionArn: expect.stringContaining(':execution:'), StartDate: expect.any(Number) });
  });

  it('when .sync waits for a child, input and output are JSON text; without .sync the task answers at once with the ARN and start date', async () => {
    const sfn = fx.clients.sfn;
    const child = await createMachine(sfn, uniqueName('child'), passMachine);
    const synced = await finished(sfn, await start(sfn, await createMachine(sfn, uniqueName('parent'), parent('.sync', child)), { seat: 'B2' }));
    expect(JSON.parse(synced.output!)).toMatchObject({ Input: '{"seat":"B2"}', Output: '{"confirmed":true}' });
    const fired = await finished(sfn, await start(sfn, await createMachine(sfn, uniqueName('parent'), parent('', child)), { seat: 'B3' }));
    expect(Object.keys(JSON.parse(fired.output!)).sort()).toEqual(['ExecutionArn', 'StartDate']);
  });

  it('when the child fails, the task fails with States.TaskFailed and the child’s description as cause', async () => {
    const sfn = fx.clients.sfn;
    const child = await createMachine(sfn, uniqueName('child'), failMachine);
    const done = await finished(sfn, await start(sfn, await createMachine(sfn, uniqueName('parent'), parent('.sync:2', child)), { seat: 'C3' }));
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(JSON.parse(done.cause!)).toMatchObject({ Status: 'FAILED', Error: 'SeatTaken', Cause: 'A1 is sold' });
  });

  it('when the state machine to start does not exist, the error is StepFunctions.StateMachineDoesNotExistException', async () => {
    const sfn = fx.clients.sfn;
    const missing = 'arn:aws:states:us-east-1:000000000000:stateMachine:never-created';
    const done = await finished(sfn, await start(sfn, await createMachine(sfn, uniqueName('parent'), parent('.sync', missing)), { seat: 'D4' }));
    expect(done).toMatchObject({ status: 'FAILED', error: 'StepFunctions.StateMachineDoesNotExistException' });
  });

  it('when .sync names a job other than a nested execution, the execution fails with States.Runtime: booksim runs no other jobs', async () => {
    const sfn = fx.clients.sfn;
    const machine = await createMachine(sfn, uniqueName('m'), oneTask('arn:aws:states:::sqs:sendMessage.sync', { QueueUrl: 'unused', MessageBody: 'x' }));
    const done = await finished(sfn, await start(sfn, machine));
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(done.cause).toContain('booksim local does not support the integration sqs:sendMessage.sync');
  });

  it('when the parent is stopped while it waits, the child is stopped with it', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('never-answered'));
    const child = await createMachine(sfn, uniqueName('child'), activityMachine(activityArn));
    const run = await start(sfn, await createMachine(sfn, uniqueName('parent'), parent('.sync:2', child)), { seat: 'E5' });
    const submitted = (await historyUntil(sfn, run, 'TaskSubmitted')).find((event) => event.type === 'TaskSubmitted')!;
    const childArn = (JSON.parse(submitted.taskSubmittedEventDetails!.output!) as { ExecutionArn: string }).ExecutionArn;
    await sfn.send(new StopExecutionCommand({ executionArn: run }));
    const stopped = await finished(sfn, childArn);
    expect(stopped.status).toBe('ABORTED');
    expect(stopped.cause).toContain(`execution [${run}] which was managing this resource was aborted`);
  });
});

describe('Step Functions dynamic task timeouts and missing activities (injected clock)', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  it('when TimeoutSecondsPath and HeartbeatSecondsPath select numbers from the input, the task times out by them, outside what Parameters pass on', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('dynamic'));
    const machine = await createMachine(
      sfn,
      uniqueName('m'),
      activityMachine(activityArn, { Parameters: { 'seat.$': '$.seat' }, TimeoutSecondsPath: '$.limits.total', HeartbeatSecondsPath: '$.limits.beat' }),
    );
    const run = await start(sfn, machine, { seat: 'F6', limits: { total: 30, beat: 4 } });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    expect(JSON.parse(task.input!)).toEqual({ seat: 'F6' });
    const scheduled = (await history(sfn, run)).find((event) => event.type === 'ActivityScheduled');
    expect(scheduled?.activityScheduledEventDetails).toMatchObject({ timeoutInSeconds: 30, heartbeatInSeconds: 4 });
    clock.advance(3_999);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: run }))).status).toBe('RUNNING');
    clock.advance(1);
    expect(await finished(sfn, run)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('when TimeoutSecondsPath selects something other than a positive integer, the execution fails with States.Runtime', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('dynamic'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn, { TimeoutSecondsPath: '$.limit' }));
    const done = await finished(sfn, await start(sfn, machine, { limit: 'soon' }));
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(done.cause).toContain("TimeoutSecondsPath '$.limit' must be a positive integer");
  });

  it('when a task names an activity that was deleted, the execution fails at once with States.Runtime, as AWS records it', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('deleted'));
    await sfn.send(new DeleteActivityCommand({ activityArn }));
    const run = await start(sfn, await createMachine(sfn, uniqueName('m'), activityMachine(activityArn)));
    const done = await finished(sfn, run);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(done.cause).toBe(`An error occurred while executing the state 'Work' (entered at the event id #2). The activity ${activityArn} does not exist.`);
    expect(types(await history(sfn, run))).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
  });
});
