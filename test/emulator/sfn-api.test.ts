import {
  ActivityDoesNotExist,
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  MissingRequiredParameter,
  SendTaskSuccessCommand,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  ValidationException,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
  type StateMachineType,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { activityMachine, createActivity, createMachine, finished, history, start, types } from '../helpers/sfn.js';

// Expected behaviour is read from the official model (stepfunctions.service-2.json):
// each operation's input, output and error shapes. The SDK exception classes below are
// generated from it, so an error that reaches the test as one of them is one AWS models.

const region = 'us-east-1';
const account = '000000000000';
const role = `arn:aws:iam::${account}:role/test`;
const arnOf = (type: 'stateMachine' | 'activity' | 'execution', name: string) => `arn:aws:states:${region}:${account}:${type}:${name}`;

/** Two Pass states: an execution of it succeeds at once. */
const passMachine = {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Pass', Next: 'Confirm' },
    Confirm: { Type: 'Pass', Result: { confirmed: true }, ResultPath: '$.result', End: true },
  },
};

/** One activity task: an execution of it runs until a worker answers. */
const resultMachine = (activityArn: string) => activityMachine(activityArn, { ResultPath: '$.result' });

type SfnExceptionClass = (new (...args: never[]) => SFNServiceException) & { name: string };

/** Gives a wrongly finished request the chance to come back before a check that it has not. */
const realTimeYield = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('Step Functions API', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });

  /** A good call: the endpoint still answers after a refusal. */
  async function stillServing(): Promise<void> {
    const { $metadata } = await fx.clients.sfn.send(new ListActivitiesCommand({ maxResults: 1 }));
    expect($metadata.httpStatusCode).toBe(200);
  }

  /** Expects the call to be refused with HTTP 400 as this modelled exception, then checks the endpoint still serves. */
  async function refused(call: Promise<unknown>, exception: SfnExceptionClass): Promise<void> {
    const error = await call.then(
      (output) => ({ unexpectedSuccess: output }),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(exception);
    expect(error).toMatchObject({ name: exception.name, $metadata: { httpStatusCode: 400 } });
    await stillServing();
  }

  /** Posts a raw JSON 1.0 request, as no SDK would. */
  async function postRaw(target: string, body: string): Promise<{ status: number; body: { __type?: string; message?: string } }> {
    const response = await fetch(fx.endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body,
    });
    return { status: response.status, body: (await response.json()) as { __type?: string; message?: string } };
  }

  async function executionPages(stateMachineArn: string, maxResults: number, statusFilter?: ExecutionStatus): Promise<ExecutionListItem[][]> {
    const pages: ExecutionListItem[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await fx.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults, statusFilter, nextToken }));
      pages.push(page.executions ?? []);
      nextToken = page.nextToken;
    } while (nextToken);
    return pages;
  }

  async function historyPages(executionArn: string, maxResults: number, reverseOrder?: boolean): Promise<HistoryEvent[][]> {
    const pages: HistoryEvent[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await fx.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults, reverseOrder, nextToken }));
      pages.push(page.events ?? []);
      nextToken = page.nextToken;
    } while (nextToken);
    return pages;
  }

  describe('state machines', () => {
    it('when a state machine is created, it returns the ARN of its name and Describe shows what was created', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('create');
      const definition = JSON.stringify(passMachine);
      const created = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: role }));
      expect(created.stateMachineArn).toBe(`arn:aws:states:us-east-1:000000000000:stateMachine:${name}`);
      expect(created.creationDate).toEqual(new Date(clock.now()));
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      expect(described).toMatchObject({
        stateMachineArn: created.stateMachineArn,
        name,
        status: 'ACTIVE',
        definition,
        roleArn: role,
        type: 'STANDARD',
        creationDate: new Date(clock.now()),
      });
    });

    it('when a state machine is created again with the same definition, it returns the same ARN', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('again');
      const first = await createMachine(sfn, name, passMachine);
      const created = clock.now();
      clock.advance(1_000);
      const second = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(passMachine), roleArn: role }));
      expect(second.stateMachineArn).toBe(first);
      expect(second.creationDate).toEqual(new Date(created));
    });

    it('when a state machine is created again with another definition, it answers StateMachineAlreadyExists and keeps the first', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('clash');
      const arn = await createMachine(sfn, name, passMachine);
      const other = { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } };
      await refused(sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(other), roleArn: role })), StateMachineAlreadyExists);
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      expect(JSON.parse(described.definition!)).toEqual(passMachine);
    });

    // AWS: "If a following request has a different roleArn or tags, Step Functions will ignore
    // these differences and treat it as an idempotent request of the previous."
    it('when a state machine is created again with the same definition and another roleArn, it returns the same ARN and keeps the first role', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('role');
      const arn = await createMachine(sfn, name, passMachine);
      const otherRole = `arn:aws:iam::${account}:role/other`;
      const second = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(passMachine), roleArn: otherRole }));
      expect(second.stateMachineArn).toBe(arn);
      expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).roleArn).toBe(role);
    });

    // AWS: "CreateStateMachine's idempotency check is based on the state machine name, definition, type, …"
    it('when a state machine is created again with the same definition and another type, it answers StateMachineAlreadyExists', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('type');
      const definition = JSON.stringify(passMachine);
      const create = (type: StateMachineType) => sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: role, type }));
      const arn = (await create('EXPRESS')).stateMachineArn!;
      await refused(create('STANDARD'), StateMachineAlreadyExists);
      expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).type).toBe('EXPRESS');
    });

    it('when a state machine is updated, Describe shows the new definition, and an invalid one is refused without a change', async () => {
      const sfn = fx.clients.sfn;
      const arn = await createMachine(sfn, uniqueName('update'), passMachine);
      const updated = { StartAt: 'Only', States: { Only: { Type: 'Pass', Result: 'v2', End: true } } };
      clock.advance(1_000);
      const { updateDate } = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(updated) }));
      expect(updateDate).toEqual(new Date(clock.now()));
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      expect(JSON.parse(described.definition!)).toEqual(updated);
      expect(described.roleArn).toBe(role);
      const invalid = { StartAt: 'Only', States: { Only: { Type: 'Teleport', End: true } } };
      await refused(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(invalid) })), InvalidDefinition);
      expect(JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).definition!)).toEqual(updated);
      const done = await finished(sfn, await start(sfn, arn, {}));
      expect(JSON.parse(done.output!)).toBe('v2');
    });

    // AWS: "You must include at least one of definition or roleArn or you will receive a MissingRequiredParameter error."
    it('when a state machine is updated with neither definition nor roleArn, it answers MissingRequiredParameter', async () => {
      const sfn = fx.clients.sfn;
      const arn = await createMachine(sfn, uniqueName('noop'), passMachine);
      await refused(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn })), MissingRequiredParameter);
    });

    it('when state machines are listed a page at a time, every one appears once and nextToken leads to the next page', async () => {
      const sfn = fx.clients.sfn;
      const names = [uniqueName('list'), uniqueName('list'), uniqueName('list')];
      for (const name of names) await createMachine(sfn, name, passMachine);
      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
        pages += 1;
        expect(page.stateMachines!.length).toBeLessThanOrEqual(2);
        if (page.nextToken) expect(page.stateMachines).toHaveLength(2);
        for (const machine of page.stateMachines!) {
          expect(machine).toMatchObject({ stateMachineArn: arnOf('stateMachine', machine.name!), type: expect.any(String) });
          expect(machine.creationDate).toBeInstanceOf(Date);
          seen.push(machine.name!);
        }
        nextToken = page.nextToken;
      } while (nextToken);
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(names));
    });

    it('when a state machine is deleted, Describe answers StateMachineDoesNotExist and List leaves it out', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('delete');
      const arn = await createMachine(sfn, name, passMachine);
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
      await refused(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })), StateMachineDoesNotExist);
      const { stateMachines } = await sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }));
      expect(stateMachines!.map((m) => m.name)).not.toContain(name);
    });

    // The model gives DeleteStateMachine no StateMachineDoesNotExist error (only InvalidArn, ValidationException).
    it('when a state machine that does not exist is deleted, it succeeds', async () => {
      const sfn = fx.clients.sfn;
      const { $metadata } = await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arnOf('stateMachine', uniqueName('never')) }));
      expect($metadata.httpStatusCode).toBe(200);
    });
  });

  describe('activities', () => {
    it('when an activity is created twice, it returns the same ARN and creation date', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('activity');
      const first = await sfn.send(new CreateActivityCommand({ name }));
      expect(first.activityArn).toBe(`arn:aws:states:us-east-1:000000000000:activity:${name}`);
      expect(first.creationDate).toEqual(new Date(clock.now()));
      clock.advance(1_000);
      const second = await sfn.send(new CreateActivityCommand({ name }));
      expect(second.activityArn).toBe(first.activityArn);
      expect(second.creationDate).toEqual(first.creationDate);
    });

    it('when an activity is described and listed, it shows its ARN, name and creation date', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('described');
      const activityArn = await createActivity(sfn, name);
      const described = await sfn.send(new DescribeActivityCommand({ activityArn }));
      expect(described).toMatchObject({ activityArn, name, creationDate: new Date(clock.now()) });
      const { activities } = await sfn.send(new ListActivitiesCommand({ maxResults: 1000 }));
      expect(activities).toContainEqual({ activityArn, name, creationDate: new Date(clock.now()) });
    });

    it('when activities are listed a page at a time, every one appears once', async () => {
      const sfn = fx.clients.sfn;
      const names = [uniqueName('paged'), uniqueName('paged'), uniqueName('paged')];
      for (const name of names) await createActivity(sfn, name);
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new ListActivitiesCommand({ maxResults: 2, nextToken }));
        expect(page.activities!.length).toBeLessThanOrEqual(2);
        seen.push(...page.activities!.map((a) => a.name!));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(names));
    });

    it('when an activity is deleted, Describe answers ActivityDoesNotExist and List leaves it out', async () => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('gone');
      const activityArn = await createActivity(sfn, name);
      await sfn.send(new DeleteActivityCommand({ activityArn }));
      await refused(sfn.send(new DescribeActivityCommand({ activityArn })), ActivityDoesNotExist);
      const { activities } = await sfn.send(new ListActivitiesCommand({ maxResults: 1000 }));
      expect(activities!.map((a) => a.name)).not.toContain(name);
    });

    // The model gives DeleteActivity no ActivityDoesNotExist error (only InvalidArn).
    it('when an activity that does not exist is deleted, it succeeds', async () => {
      const sfn = fx.clients.sfn;
      const { $metadata } = await sfn.send(new DeleteActivityCommand({ activityArn: arnOf('activity', uniqueName('never')) }));
      expect($metadata.httpStatusCode).toBe(200);
    });
  });

  describe('executions', () => {
    it('when an execution runs and ends, Describe shows its name, status, input, output, start and stop dates', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('describe'));
      const machineName = uniqueName('m');
      const machine = await createMachine(sfn, machineName, resultMachine(activityArn));
      const name = uniqueName('run');
      const startedAt = clock.now();
      const executionArn = await start(sfn, machine, { seat: 7 }, name);
      expect(executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:${machineName}:${name}`);
      const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(running).toMatchObject({ executionArn, stateMachineArn: machine, name, status: 'RUNNING', startDate: new Date(startedAt) });
      expect(JSON.parse(running.input!)).toEqual({ seat: 7 });
      expect(running.stopDate).toBeUndefined();
      expect(running.output).toBeUndefined();
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
      clock.advance(5_000);
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ booked: true }) }));
      const done = await finished(sfn, executionArn);
      expect(done).toMatchObject({ executionArn, name, status: 'SUCCEEDED', startDate: new Date(startedAt), stopDate: new Date(startedAt + 5_000) });
      expect(JSON.parse(done.output!)).toEqual({ seat: 7, result: { booked: true } });
    });

    it('when executions are listed, the most recent comes first and statusFilter keeps RUNNING apart from SUCCEEDED', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('nobody'));
      const machine = await createMachine(sfn, uniqueName('mixed'), {
        StartAt: 'Route',
        States: {
          Route: { Type: 'Choice', Choices: [{ Variable: '$.wait', BooleanEquals: true, Next: 'Wait' }], Default: 'Pass' },
          Wait: { Type: 'Task', Resource: activityArn, End: true },
          Pass: { Type: 'Pass', End: true },
        },
      });
      const passed1 = await start(sfn, machine, { wait: false }, uniqueName('pass'));
      clock.advance(1_000);
      const waiting = await start(sfn, machine, { wait: true }, uniqueName('wait'));
      clock.advance(1_000);
      const passed2 = await start(sfn, machine, { wait: false }, uniqueName('pass'));
      await finished(sfn, passed1);
      await finished(sfn, passed2);
      await createMachine(sfn, uniqueName('other'), passMachine).then((other) => start(sfn, other));

      const all = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions!;
      expect(all.map((e) => e.executionArn)).toEqual([passed2, waiting, passed1]);
      expect(all.map((e) => e.status)).toEqual(['SUCCEEDED', 'RUNNING', 'SUCCEEDED']);
      const startDates = all.map((e) => e.startDate!.getTime());
      expect(startDates).toEqual([...startDates].sort((a, b) => b - a));
      expect(all[0]).toMatchObject({ stateMachineArn: machine, name: passed2.split(':').pop(), stopDate: expect.any(Date) });
      expect(all[1]!.stopDate).toBeUndefined();

      const running = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'RUNNING' }))).executions!;
      expect(running.map((e) => e.executionArn)).toEqual([waiting]);
      const succeeded = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'SUCCEEDED' }))).executions!;
      expect(succeeded.map((e) => e.executionArn)).toEqual([passed2, passed1]);
      const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'FAILED' }));
      expect(failed.executions).toEqual([]);
    });

    it('when executions are listed a page at a time, nextToken leads through them, most recent first', async () => {
      const sfn = fx.clients.sfn;
      const machine = await createMachine(sfn, uniqueName('paged'), passMachine);
      const started: string[] = [];
      for (let i = 0; i < 3; i++) {
        started.push(await start(sfn, machine, { i }));
        clock.advance(1_000);
      }
      for (const executionArn of started) await finished(sfn, executionArn);
      const newestFirst = [...started].reverse();
      const pages = await executionPages(machine, 2);
      expect(pages.map((page) => page.map((e) => e.executionArn))).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2)]);
      const filtered = await executionPages(machine, 1, 'SUCCEEDED');
      expect(filtered.map((page) => page.map((e) => e.executionArn))).toEqual(newestFirst.map((arn) => [arn]));
    });

    it('when the history is read a page at a time, ids run from 1 and each event points at the one before', async () => {
      const sfn = fx.clients.sfn;
      const machine = await createMachine(sfn, uniqueName('history'), {
        StartAt: 'One',
        States: { One: { Type: 'Pass', Next: 'Two' }, Two: { Type: 'Pass', Next: 'Three' }, Three: { Type: 'Pass', End: true } },
      });
      const startedAt = clock.now();
      const executionArn = await start(sfn, machine, { seat: 1 });
      await finished(sfn, executionArn);
      const whole = await history(sfn, executionArn);
      expect(types(whole)).toEqual([
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'PassStateEntered',
        'PassStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      expect(whole.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(whole.map((e) => e.previousEventId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      for (const event of whole) {
        expect(event.timestamp).toBeInstanceOf(Date);
        expect(event.timestamp!.getTime()).toBe(startedAt);
      }
      expect(JSON.parse(whole[0]!.executionStartedEventDetails!.input!)).toEqual({ seat: 1 });
      expect(JSON.parse(whole[7]!.executionSucceededEventDetails!.output!)).toEqual({ seat: 1 });

      const forward = await historyPages(executionArn, 3);
      expect(forward.map((page) => page.length)).toEqual([3, 3, 2]);
      expect(forward.flat()).toEqual(whole);

      const backward = await historyPages(executionArn, 3, true);
      expect(backward.map((page) => page.length)).toEqual([3, 3, 2]);
      expect(backward.flat().map((e) => e.id)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      expect(backward.flat()).toEqual([...whole].reverse());
    });

    // AWS records the role the execution runs with: the state machine's roleArn.
    it('when an execution starts, its ExecutionStarted event carries the state machine roleArn', async () => {
      const sfn = fx.clients.sfn;
      const executionArn = await start(sfn, await createMachine(sfn, uniqueName('role'), passMachine));
      await finished(sfn, executionArn);
      const [started] = await history(sfn, executionArn);
      expect(started?.executionStartedEventDetails?.roleArn).toBe(role);
    });

    it('when an execution is started again by name after it ended, it answers ExecutionAlreadyExists; while it runs with the same input, the same ARN', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('idempotent'));
      const waiting = await createMachine(sfn, uniqueName('waiting'), resultMachine(activityArn));
      const name = uniqueName('run');
      const first = await start(sfn, waiting, { n: 1 }, name);
      expect(await start(sfn, waiting, { n: 1 }, name)).toBe(first);
      await refused(start(sfn, waiting, { n: 2 }, name), ExecutionAlreadyExists);
      const quick = await createMachine(sfn, uniqueName('quick'), passMachine);
      const ended = await start(sfn, quick, {}, name);
      await finished(sfn, ended);
      await refused(start(sfn, quick, {}, name), ExecutionAlreadyExists);
      await sfn.send(new StopExecutionCommand({ executionArn: first }));
    });
  });

  describe('bad input', () => {
    it.each([
      ['has a state of unknown Type', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Teleport', End: true } } })],
      ['has no StartAt', JSON.stringify({ States: { A: { Type: 'Pass', End: true } } })],
      ['starts at a missing state', JSON.stringify({ StartAt: 'Z', States: { A: { Type: 'Pass', End: true } } })],
      ['has a Next to a missing state', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } })],
      ['is not JSON', '{"StartAt": "A", "States": {'],
    ])('when the definition %s, CreateStateMachine answers InvalidDefinition and creates nothing', async (_, definition) => {
      const sfn = fx.clients.sfn;
      const name = uniqueName('invalid');
      await refused(sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: role })), InvalidDefinition);
      await refused(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('stateMachine', name) })), StateMachineDoesNotExist);
      expect(await createMachine(sfn, name, passMachine)).toBe(arnOf('stateMachine', name));
    });

    it('when a well-formed state machine ARN names none, it answers StateMachineDoesNotExist', async () => {
      const sfn = fx.clients.sfn;
      const stateMachineArn = arnOf('stateMachine', uniqueName('ghost'));
      await refused(sfn.send(new DescribeStateMachineCommand({ stateMachineArn })), StateMachineDoesNotExist);
      await refused(sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' })), StateMachineDoesNotExist);
      await refused(sfn.send(new ListExecutionsCommand({ stateMachineArn })), StateMachineDoesNotExist);
      await refused(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: JSON.stringify(passMachine) })), StateMachineDoesNotExist);
    });

    it('when a well-formed execution ARN names none, it answers ExecutionDoesNotExist', async () => {
      const sfn = fx.clients.sfn;
      const executionArn = arnOf('execution', `${uniqueName('ghost')}:${uniqueName('run')}`);
      await refused(sfn.send(new DescribeExecutionCommand({ executionArn })), ExecutionDoesNotExist);
      await refused(sfn.send(new GetExecutionHistoryCommand({ executionArn })), ExecutionDoesNotExist);
      await refused(sfn.send(new StopExecutionCommand({ executionArn })), ExecutionDoesNotExist);
    });

    it('when a well-formed activity ARN names none, it answers ActivityDoesNotExist', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = arnOf('activity', uniqueName('ghost'));
      await refused(sfn.send(new DescribeActivityCommand({ activityArn })), ActivityDoesNotExist);
      await refused(sfn.send(new GetActivityTaskCommand({ activityArn })), ActivityDoesNotExist);
    });

    it('when an ARN is malformed or of another resource type, it answers InvalidArn', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('typed'));
      const machineArn = await createMachine(sfn, uniqueName('typed'), passMachine);
      await refused(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })), InvalidArn);
      await refused(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: activityArn })), InvalidArn);
      await refused(sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:sqs:us-east-1:000000000000:queue' })), InvalidArn);
      await refused(sfn.send(new DescribeExecutionCommand({ executionArn: machineArn })), InvalidArn);
      await refused(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'arn:aws:states:us-east-1:execution:x:y' })), InvalidArn);
      await refused(sfn.send(new DescribeActivityCommand({ activityArn: machineArn })), InvalidArn);
      await refused(sfn.send(new GetActivityTaskCommand({ activityArn: 'activity:nope' })), InvalidArn);
    });

    it('when a name has a space or 81 characters, it answers InvalidName; 80 characters are accepted', async () => {
      const sfn = fx.clients.sfn;
      const definition = JSON.stringify(passMachine);
      for (const name of ['has space', 'x'.repeat(81)]) {
        await refused(sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: role })), InvalidName);
        await refused(sfn.send(new CreateActivityCommand({ name })), InvalidName);
      }
      const longest = 'y'.repeat(80);
      const machine = await createMachine(sfn, longest, passMachine);
      expect(await createActivity(sfn, longest)).toBe(arnOf('activity', longest));
      await refused(start(sfn, machine, {}, 'has space'), InvalidName);
      await refused(start(sfn, machine, {}, 'z'.repeat(81)), InvalidName);
      await finished(sfn, await start(sfn, machine, {}, 'z'.repeat(80)));
    });

    it('when the execution input is not JSON, StartExecution answers InvalidExecutionInput and starts nothing', async () => {
      const sfn = fx.clients.sfn;
      const machine = await createMachine(sfn, uniqueName('input'), passMachine);
      await refused(sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"seat": ' })), InvalidExecutionInput);
      expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions).toEqual([]);
      expect((await finished(sfn, await start(sfn, machine, { seat: 1 }))).status).toBe('SUCCEEDED');
    });

    it('when SendTaskSuccess carries a token never given out, it answers InvalidToken', async () => {
      await refused(fx.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' })), InvalidToken);
    });

    it('when SendTaskSuccess carries output that is not JSON, it answers InvalidOutput and the task stays open', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('output'));
      const executionArn = await start(sfn, await createMachine(sfn, uniqueName('m'), resultMachine(activityArn)), { seat: 3 });
      const { taskToken } = await sfn.send(new GetActivityTaskCommand({ activityArn }));
      await refused(sfn.send(new SendTaskSuccessCommand({ taskToken, output: 'not json' })), InvalidOutput);
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '"ok"' }));
      const done = await finished(sfn, executionArn);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!)).toEqual({ seat: 3, result: 'ok' });
    });

    it('when ListExecutions has a statusFilter outside the enum, it answers ValidationException', async () => {
      const sfn = fx.clients.sfn;
      const machine = await createMachine(sfn, uniqueName('filter'), passMachine);
      await refused(sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'DONE' as ExecutionStatus })), ValidationException);
      expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'RUNNING' }))).executions).toEqual([]);
    });

    it('when a nextToken was never given out, the list answers InvalidToken', async () => {
      const sfn = fx.clients.sfn;
      await refused(sfn.send(new ListStateMachinesCommand({ nextToken: 'bm90IGEgdG9rZW4' })), InvalidToken);
      await refused(sfn.send(new ListActivitiesCommand({ nextToken: 'not a token at all' })), InvalidToken);
    });

    // The model's PageSize is an integer from 0 to 1000; AWS refuses others before the operation runs.
    it('when maxResults is above 1000, it answers ValidationException', async () => {
      const sfn = fx.clients.sfn;
      const machine = await createMachine(sfn, uniqueName('pagesize'), passMachine);
      await refused(sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 1001 })), ValidationException);
    });

    // A required member left out fails the model's constraints: AWS answers ValidationException.
    it('when a required member is missing, StartExecution answers ValidationException', async () => {
      await refused(fx.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: undefined })), ValidationException);
    });

    it('when an unknown operation is posted, it answers 400 UnknownOperationException', async () => {
      const response = await postRaw('AWSStepFunctions.Nope', '{}');
      expect(response.status).toBe(400);
      expect(response.body.__type).toMatch(/(^|#)UnknownOperationException$/);
      await stillServing();
    });

    it('when the body is not JSON, it answers 400 SerializationException', async () => {
      const response = await postRaw('AWSStepFunctions.ListStateMachines', '{"maxResults": ');
      expect(response.status).toBe(400);
      expect(response.body.__type).toMatch(/(^|#)SerializationException$/);
      await stillServing();
    });
  });

  describe('GetActivityTask long poll', () => {
    it('when no task comes, it returns no taskToken once 60 seconds have passed, and not before', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('idle'));
      let settled = false;
      const waiting = clock.whenPending(clock.pendingTimers + 1);
      const poll = sfn.send(new GetActivityTaskCommand({ activityArn })).finally(() => (settled = true));
      await waiting;
      clock.advance(59_000);
      await realTimeYield();
      expect(settled).toBe(false);
      clock.advance(1_000);
      const result = await poll;
      expect(result.taskToken ?? null).toBeNull();
      expect(result.$metadata.httpStatusCode).toBe(200);
    });

    it('when a poll is waiting and an execution schedules a task, it returns that task at once', async () => {
      const sfn = fx.clients.sfn;
      const activityArn = await createActivity(sfn, uniqueName('eager'));
      const machine = await createMachine(sfn, uniqueName('m'), resultMachine(activityArn));
      let settled = false;
      const waiting = clock.whenPending(clock.pendingTimers + 1);
      const poll = sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'eager-worker' })).finally(() => (settled = true));
      await waiting;
      expect(settled).toBe(false);
      const executionArn = await start(sfn, machine, { seat: 9 });
      const task = await poll;
      expect(task.taskToken).toBeTruthy();
      expect(JSON.parse(task.input!)).toEqual({ seat: 9 });
      const events = await history(sfn, executionArn);
      expect(events.find((e) => e.type === 'ActivityStarted')?.activityStartedEventDetails?.workerName).toBe('eager-worker');
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
      expect((await finished(sfn, executionArn)).status).toBe('SUCCEEDED');
    });
  });
});
