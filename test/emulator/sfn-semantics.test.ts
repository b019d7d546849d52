import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, finished, history, historyUntil, start, types } from '../helpers/sfn.js';
import { createQueue } from '../helpers/sqs.js';

describe('Step Functions timeouts (injected clock)', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  it('when a task runs past TimeoutSeconds, it fails with States.Timeout whatever the heartbeats', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('slow'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn, { HeartbeatSeconds: 2, TimeoutSeconds: 5 }));
    const executionArn = await start(sfn, machine);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    for (let second = 0; second < 4; second++) {
      clock.advance(1_000);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    }
    clock.advance(1_000);
    const done = await finished(sfn, executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const events = await history(sfn, executionArn);
    expect(events.find((e) => e.type === 'ActivityTimedOut')?.activityTimedOutEventDetails?.error).toBe('States.Timeout');
  });

  it('when a task waits for a worker past TimeoutSeconds, it times out without one', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('unattended'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn, { TimeoutSeconds: 3 }));
    const executionArn = await start(sfn, machine);
    await historyUntil(sfn, executionArn, 'ActivityScheduled');
    clock.advance(3_000);
    expect(await finished(sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('when the execution runs past its TimeoutSeconds, it ends TIMED_OUT and its task token is dead', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('forever'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn, {}, { TimeoutSeconds: 10 }));
    const executionArn = await start(sfn, machine);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    clock.advance(10_000);
    const done = await finished(sfn, executionArn);
    expect(done.status).toBe('TIMED_OUT');
    expect(types(await history(sfn, executionArn)).at(-1)).toBe('ExecutionTimedOut');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('when a worker fails a task with a custom error, Catch routes it by name to the compensation', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('pay'));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'ValidatePayment',
      States: {
        ValidatePayment: {
          Type: 'Task',
          Resource: activityArn,
          Catch: [
            { ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Declined' },
            { ErrorEquals: ['States.ALL'], Next: 'Broken' },
          ],
          Next: 'Done',
        },
        Declined: { Type: 'Fail', Error: 'BookingDeclined', Cause: 'payment declined' },
        Broken: { Type: 'Fail', Error: 'Broken' },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await start(sfn, machine);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'PaymentDeclined', cause: 'card expired' }));
    expect(await finished(sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'BookingDeclined', cause: 'payment declined' });
    const events = await history(sfn, executionArn);
    expect(events.find((e) => e.type === 'ActivityFailed')?.activityFailedEventDetails).toEqual({ error: 'PaymentDeclined', cause: 'card expired' });
    expect(types(events).slice(-2)).toEqual(['FailStateEntered', 'ExecutionFailed']);
  });

  it('when an execution is stopped, it ends ABORTED and a late SendTaskSuccess answers TaskTimedOut', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('stopped'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn));
    const executionArn = await start(sfn, machine);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'stuck booking' }));
    expect(await finished(sfn, executionArn)).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stuck booking' });
    expect(types(await history(sfn, executionArn)).at(-1)).toBe('ExecutionAborted');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('when StartExecution repeats a name, it returns the same execution while it runs with the same input, and refuses otherwise', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('idem'));
    const machine = await createMachine(sfn, uniqueName('m'), activityMachine(activityArn));
    const first = await start(sfn, machine, { booking: 'B1' }, 'booking-B1');
    expect(await start(sfn, machine, { booking: 'B1' }, 'booking-B1')).toBe(first);
    await expect(start(sfn, machine, { booking: 'B2' }, 'booking-B1')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
    await finished(sfn, first);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'booking-B1', input: '{"booking":"B1"}' }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });
});

describe('Step Functions retries and integrations (real clock)', () => {
  const fx = useEndpoint();

  it('when a task fails with a retryable error, it is retried and every attempt shows in history', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('flaky'));
    const machine = await createMachine(
      sfn,
      uniqueName('m'),
      activityMachine(activityArn, { Retry: [{ ErrorEquals: ['GatewayError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }] }),
    );
    const executionArn = await start(sfn, machine);
    for (const outcome of ['fail', 'fail', 'succeed']) {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
      if (outcome === 'fail') await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'GatewayError', cause: '503' }));
      else await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"charged":true}' }));
    }
    expect(await finished(sfn, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"charged":true}' });
    const events = types(await history(sfn, executionArn));
    expect(events.filter((type) => type === 'ActivityScheduled')).toHaveLength(3);
    expect(events.filter((type) => type === 'ActivityFailed')).toHaveLength(2);
  });

  it('when sqs:sendMessage.waitForTaskToken runs, the message carries the token and SendTaskSuccess completes the task', async () => {
    const { sfn, sqs } = fx.clients;
    const queueUrl = await createQueue(sqs, uniqueName('callbacks'));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'AskPayment',
      States: {
        AskPayment: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: queueUrl, MessageBody: { 'booking.$': '$.booking', 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 30,
          End: true,
        },
      },
    });
    const executionArn = await start(sfn, machine, { booking: 'B7' });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    const body = JSON.parse(Messages![0]!.Body!) as { booking: string; token: string };
    expect(body.booking).toBe('B7');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: body.token, output: '{"paid":true}' }));
    expect(await finished(sfn, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"paid":true}' });
    expect(types(await history(sfn, executionArn))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('when the saga publishes to SNS and writes DynamoDB, the effects land in the endpoint’s own services', async () => {
    const { sfn, sns, sqs, dynamodb } = fx.clients;
    const table = uniqueName('tickets');
    await dynamodb.send(
      new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('notify') }));
    const queueUrl = await createQueue(sqs, uniqueName('inbox'));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split('/').pop()}`, Attributes: { RawMessageDelivery: 'true' } }));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'IssueTicket',
      States: {
        IssueTicket: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: table, Item: { id: { 'S.$': '$.booking' } }, ConditionExpression: 'attribute_not_exists(id)' },
          ResultPath: null,
          Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.duplicate', Next: 'Notify' }],
          Next: 'Notify',
        },
        Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn, 'Message.$': '$' }, End: true },
      },
    });
    expect((await finished(sfn, await start(sfn, machine, { booking: 'B9' }))).status).toBe('SUCCEEDED');
    const second = await finished(sfn, await start(sfn, machine, { booking: 'B9' }));
    expect(second.status).toBe('SUCCEEDED');
    const item = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'B9' } } }));
    expect(item.Item?.id?.S).toBe('B9');
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages?.map((m) => JSON.parse(m.Body!))).toEqual([{ booking: 'B9' }, { booking: 'B9', duplicate: expect.objectContaining({ Error: 'DynamoDB.ConditionalCheckFailedException' }) }]);
  });

  it('when Choice, Parallel and Map states hold activity tasks, every task reaches a worker', async () => {
    const sfn = fx.clients.sfn;
    const activityArn = await createActivity(sfn, uniqueName('nested'));
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'Route',
      States: {
        Route: { Type: 'Choice', Choices: [{ Variable: '$.tier', StringEquals: 'VIP', Next: 'Fast' }], Default: 'Each' },
        Fast: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Validate', States: { Validate: { Type: 'Task', Resource: activityArn, End: true } } },
            { StartAt: 'Reserve', States: { Reserve: { Type: 'Task', Resource: activityArn, End: true } } },
          ],
          End: true,
        },
        Each: { Type: 'Map', ItemsPath: '$.seats', Iterator: { StartAt: 'Hold', States: { Hold: { Type: 'Task', Resource: activityArn, End: true } } }, End: true },
      },
    });
    const vip = await start(sfn, machine, { tier: 'VIP' });
    const standard = await start(sfn, machine, { tier: 'STANDARD', seats: [1, 2, 3] });
    for (let i = 0; i < 5; i++) {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: task.input! }));
    }
    expect(JSON.parse((await finished(sfn, vip)).output!)).toEqual([{ tier: 'VIP' }, { tier: 'VIP' }]);
    expect(JSON.parse((await finished(sfn, standard)).output!)).toEqual([1, 2, 3]);
    expect(types(await history(sfn, vip))).toContain('ChoiceStateEntered');
  });
});

describe('Step Functions runtime errors', () => {
  const fx = useEndpoint();

  it('when a task names an activity that does not exist, the execution fails with States.Runtime, which States.ALL cannot catch', async () => {
    const sfn = fx.clients.sfn;
    const missing = 'arn:aws:states:us-east-1:000000000000:activity:never-created';
    const machine = await createMachine(sfn, uniqueName('m'), {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: missing, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Compensate' }], End: true },
        Compensate: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(sfn, machine);
    expect(await finished(sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(types(await history(sfn, executionArn))).not.toContain('PassStateEntered');
  });
});
