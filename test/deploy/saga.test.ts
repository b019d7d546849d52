import { GetActivityTaskCommand, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  compensatedFailErrors,
  fastPathTasks,
  profileOfDefinition,
  sabotageOfDefinition,
  sagaDefinition,
  sagaTasks,
  timingProfile,
  timingProfiles,
  vipAmountThresholdCents,
  type SagaResources,
  type SagaTask,
} from '../../src/deploy/saga.js';
import type { Branch, Catcher, ParallelState, PassState, StateMachineDefinition, TaskState } from '../../src/model/asl.js';
import { deployedSabotages, type Sabotage } from '../../src/model/sabotage.js';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createActivity, createMachine, finished, history, start } from '../helpers/sfn.js';
import { createQueue } from '../helpers/sqs.js';

const activityArns = Object.fromEntries(sagaTasks.map((task) => [task, `arn:aws:states:us-east-1:000000000000:activity:booksim-${task}`])) as Record<SagaTask, string>;
const resources: SagaResources = { activityArns, manualReviewQueueUrl: 'http://127.0.0.1:4566/000000000000/booksim-manual-review' };
const bookingInput = { bookingId: 'B1', seatId: 'S1', customerId: 'C1', requestId: 'R1', amount: 4200, tier: 'standard' };

/** Every Task state of a definition, those inside Parallel branches included. */
const tasksOf = (definition: Branch): Array<[string, TaskState]> =>
  Object.entries(definition.States).flatMap(([name, state]): Array<[string, TaskState]> =>
    state.Type === 'Task' ? [[name, state]] : state.Type === 'Parallel' ? state.Branches.flatMap(tasksOf) : [],
  );

const errorListsOf = (state: TaskState): string[][] => [...(state.Retry ?? []), ...(state.Catch ?? [])].map((entry) => entry.ErrorEquals);

// The path walker: every way an execution can go from StartAt to its end.

/** Where the booking's money stands on a path. */
type Money = 'none' | 'maybe charged' | 'charged' | 'refunded' | 'refund failed' | 'escalated';

/** How the execution left a state on a path. */
type Outcome =
  | { kind: 'succeeded' }
  | { kind: 'caught'; catcher: Catcher; errors: string[] }
  | { kind: 'uncaught'; errors: string[] }
  | { kind: 'chose' }
  | { kind: 'no choice matched' }
  | { kind: 'ended' };

interface Step {
  state: string;
  outcome: Outcome;
  /** A Parallel state's branches: every path of each, for its worst case. */
  branches?: Array<{ branch: Branch; paths: SagaPath[] }>;
}

interface SagaPath {
  steps: Step[];
  /** `succeeded` also for a Parallel branch that reached its End. */
  result: 'succeeded' | 'failed';
  money: Money;
  ticketed: boolean;
}

/** Stands for every error no Retry or Catch names (a bug in a worker, an unexpected gateway reply). */
const unnamedError = 'booksim.UnnamedError';
const wildcards = new Set(['States.ALL', 'States.TaskFailed']);

/** Whether an ErrorEquals list matches an error, as AWS matches it. */
function matches(errorEquals: string[], error: string): boolean {
  return errorEquals.some((name) => name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && error !== 'States.Timeout'));
}

/** Every way of picking one item of each list. */
const combinations = <T>(lists: T[][]): T[][] => lists.reduce<T[][]>((combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])), [[]]);

/**
 * Every path from StartAt to the end of an execution, exhaustively (the saga is small).
 * A Task either succeeds or fails with one of the errors its definition names anywhere,
 * or with an unnamed one; retries change nothing about where a failure ends up, so a
 * failure goes to the first matching catcher, or fails the execution if none matches.
 * Failures that end in the same place with the same effect on the money are one path.
 * The money follows the activities by Resource: a charge attempt that was not declined
 * may have charged, entering the refund settles it unless the refund fails, and a failed
 * refund counts as handled once sent to the manual-review queue.
 * A Parallel state walks each branch: it succeeds when every branch does (with the money
 * of the branch that moved it), and fails with any error a branch does not catch; the
 * other branches are stopped wherever they were, so one that can charge may have.
 * A path does not revisit a state with the same money, so even a looping definition has
 * finitely many paths, and no ending is missed (the loop changed nothing).
 * States.Runtime is left out: no Catch can handle it, and the Parameters test rules out
 * the one way this definition could raise it.
 */
function sagaPaths(definition: Branch, { activityArns: arns, manualReviewQueueUrl }: SagaResources, startMoney: Money = 'none'): SagaPath[] {
  const errors = [...new Set(tasksOf(definition).flatMap(([, state]) => errorListsOf(state).flat()))].filter((name) => !wildcards.has(name));
  errors.push(unnamedError);
  const manualReview = (state: TaskState) => state.Resource.startsWith('arn:aws:states:::sqs:sendMessage') && state.Parameters?.QueueUrl === manualReviewQueueUrl;
  const moneyAfter = (state: TaskState, money: Money, error?: string): Money => {
    if (state.Resource === arns.ValidatePayment) {
      if (error === undefined) return 'charged';
      return error === 'PaymentDeclined' || money === 'charged' ? money : 'maybe charged';
    }
    if (state.Resource === arns.RefundPayment) return error === undefined ? 'refunded' : 'refund failed';
    if (manualReview(state) && money === 'refund failed') return 'escalated';
    return money;
  };

  const paths: SagaPath[] = [];
  const walk = (name: string, money: Money, ticketed: boolean, steps: Step[], seen: Set<string>): void => {
    const key = `${name}|${money}|${ticketed}`;
    if (seen.has(key)) return;
    const state = definition.States[name];
    if (!state) throw new Error(`transition to a missing state ${name}`);
    const next = (outcome: Outcome, to: string | undefined, nextMoney: Money, nextTicketed = ticketed, branches?: Step['branches']) => {
      const step = { state: name, outcome, ...(branches ? { branches } : {}) };
      if (to === undefined) paths.push({ steps: [...steps, step], result: 'succeeded', money: nextMoney, ticketed: nextTicketed });
      else walk(to, nextMoney, nextTicketed, [...steps, step], new Set([...seen, key]));
    };
    const end = (outcome: Outcome, result: SagaPath['result'], endMoney = money) => {
      paths.push({ steps: [...steps, { state: name, outcome }], result, money: endMoney, ticketed });
    };
    /** Sends each failure to the first catcher that matches it, or ends the path; failures with the same catcher and money are one path. */
    const fail = (failures: Array<{ error: string; money: Money }>, catchers: Catcher[] | undefined, branches?: Step['branches']) => {
      const groups = new Map<string, { catcher: Catcher | undefined; money: Money; errors: string[] }>();
      for (const { error, money: failedMoney } of failures) {
        const catcher = catchers?.find((candidate) => matches(candidate.ErrorEquals, error));
        const group = `${catcher ? catchers!.indexOf(catcher) : 'uncaught'}|${failedMoney}`;
        const entry = groups.get(group) ?? { catcher, money: failedMoney, errors: [] };
        if (!entry.errors.includes(error)) entry.errors.push(error);
        groups.set(group, entry);
      }
      for (const { catcher, money: failedMoney, errors: names } of groups.values()) {
        if (catcher) next({ kind: 'caught', catcher, errors: names }, catcher.Next, failedMoney, ticketed, branches);
        else end({ kind: 'uncaught', errors: names }, 'failed', failedMoney);
      }
    };
    switch (state.Type) {
      case 'Succeed':
        return end({ kind: 'ended' }, 'succeeded');
      case 'Fail':
        return end({ kind: 'ended' }, 'failed');
      case 'Pass':
        return next({ kind: 'succeeded' }, state.Next, money);
      case 'Choice':
        for (const target of new Set([...state.Choices.map((rule) => rule.Next), ...(state.Default ? [state.Default] : [])])) next({ kind: 'chose' }, target, money);
        if (!state.Default) end({ kind: 'no choice matched' }, 'failed');
        return;
      case 'Task':
        next({ kind: 'succeeded' }, state.Next, moneyAfter(state, money), ticketed || state.Resource === arns.IssueTicket);
        return fail(errors.map((error) => ({ error, money: moneyAfter(state, money, error) })), state.Catch);
      case 'Parallel': {
        const branches = state.Branches.map((branch) => ({ branch, paths: sagaPaths(branch, { activityArns: arns, manualReviewQueueUrl }, money) }));
        for (const combo of combinations(branches.map(({ paths: inside }) => inside.filter((path) => path.result === 'succeeded')))) {
          const moved = combo.find((path) => path.money !== money)?.money ?? money;
          next({ kind: 'succeeded' }, state.Next, moved, ticketed || combo.some((path) => path.ticketed), branches);
        }
        const failures = branches.flatMap(({ paths: inside }, index) => {
          const othersMayCharge = branches.some((other, j) => j !== index && other.paths.some((path) => path.money === 'charged'));
          return inside.flatMap((path) => {
            const last = path.steps.at(-1)!.outcome;
            if (last.kind !== 'uncaught') return [];
            const failedMoney = othersMayCharge && path.money === money && money !== 'charged' ? 'maybe charged' : path.money;
            return last.errors.map((error) => ({ error, money: failedMoney }));
          });
        });
        return fail(failures, state.Catch, branches);
      }
    }
  };
  walk(definition.StartAt, startMoney, false, [], new Set());
  return paths;
}

/**
 * The paths that break the saga's promise about money: a confirmed booking was charged
 * and ticketed; a failed one was never charged, was refunded, or went to manual review
 * after the refund was tried.
 */
function moneyViolations(paths: SagaPath[]): SagaPath[] {
  return paths.filter((path) =>
    path.result === 'succeeded' ? !(path.money === 'charged' && path.ticketed) : !['none', 'refunded', 'escalated'].includes(path.money),
  );
}

/** A path as one readable line, e.g. `ValidatePayment (succeeded) → ReserveSeat (fails: OutOfStock|…) → BookingFailed`. */
function describePath(path: SagaPath): string {
  const how = (outcome: Outcome): string => {
    switch (outcome.kind) {
      case 'caught':
      case 'uncaught':
        return ` (fails: ${outcome.errors.join('|')}${outcome.kind === 'uncaught' ? ', uncaught' : ''})`;
      case 'ended':
      case 'chose':
        return '';
      default:
        return ` (${outcome.kind})`;
    }
  };
  return `${path.steps.map((step) => step.state + how(step.outcome)).join(' → ')} ⇒ ${path.result}, money ${path.money}`;
}

/** The worst case of a path, reckoned attempt by attempt: every attempt times out, every back-off is waited; a Parallel takes its slowest branch path. */
function pathWorstCaseSeconds(definition: Branch, path: SagaPath): number {
  let seconds = 0;
  for (const { state: name, branches } of path.steps) {
    const state = definition.States[name]!;
    if (branches) seconds += Math.max(...branches.flatMap(({ branch, paths }) => paths.map((inside) => pathWorstCaseSeconds(branch, inside))));
    if (state.Type !== 'Task') continue;
    seconds += state.TimeoutSeconds!;
    for (const retrier of state.Retry ?? []) {
      let wait = retrier.IntervalSeconds;
      for (let retry = 0; retry < retrier.MaxAttempts; retry++) {
        seconds += wait + state.TimeoutSeconds!;
        wait *= retrier.BackoffRate;
      }
    }
  }
  return seconds;
}

/** The fields a path has written into the execution's document before each step, the input's included. */
function fieldsBeforeSteps(definition: StateMachineDefinition, path: SagaPath): Array<Set<string>> {
  const fields = new Set(Object.keys(bookingInput));
  return path.steps.map(({ state: name, outcome }) => {
    const before = new Set(fields);
    const state = definition.States[name]!;
    const resultPath = outcome.kind === 'caught' ? outcome.catcher.ResultPath : outcome.kind === 'succeeded' && 'ResultPath' in state ? state.ResultPath : undefined;
    if (typeof resultPath === 'string') fields.add(resultPath.replace(/^\$\./, '').split('.')[0]!);
    return before;
  });
}

/** The top-level fields of the execution's document a Parameters block reads (`$.x…` paths; `$$` is the context object). */
function fieldsRead(parameters: unknown): string[] {
  if (typeof parameters !== 'object' || parameters === null) return [];
  return Object.entries(parameters).flatMap(([key, value]) =>
    key.endsWith('.$') && typeof value === 'string' && value.startsWith('$.') ? [value.slice(2).split(/[.[]/)[0]!] : fieldsRead(value),
  );
}

describe.each(timingProfiles)('the %s saga definition', (profile) => {
  const definition = sagaDefinition(profile, resources);
  const paths = sagaPaths(definition, resources);

  it('when validated as CreateStateMachine validates it, it passes asl-validator with ARN and path checks', () => {
    const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(errorsText('; ')).toBe('');
    expect(isValid).toBe(true);
  });

  it('when a step is an activity, its Resource is the ARN it was given, and every other task escalates to the manual-review queue', () => {
    for (const task of sagaTasks) expect(definition.States[task]).toMatchObject({ Type: 'Task', Resource: activityArns[task] });
    const others = tasksOf(definition).filter(([, state]) => !Object.values(activityArns).includes(state.Resource));
    expect(others.map(([name]) => name).sort()).toEqual(['EscalateRefund', 'EscalateRelease']);
    for (const [, state] of others) {
      expect(state).toMatchObject({ Resource: 'arn:aws:states:::sqs:sendMessage', ResultPath: null, Parameters: { QueueUrl: resources.manualReviewQueueUrl } });
      expect(Object.keys((state.Parameters!.MessageBody as object)).sort()).toEqual(['amount.$', 'bookingId.$', 'executionArn.$', 'reason.$', 'seatId.$', 'stage']);
    }
  });

  it('when a task runs, it has a TimeoutSeconds, and a heartbeat at most a third of it so that a crashed worker is noticed early', () => {
    for (const [name, state] of tasksOf(definition)) {
      expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
      if (state.HeartbeatSeconds !== undefined) expect(state.HeartbeatSeconds, name).toBeLessThanOrEqual(state.TimeoutSeconds! / 3);
    }
    for (const task of sagaTasks) expect(definition.States[task], task).toHaveProperty('HeartbeatSeconds');
  });

  it('when every task on the slowest path uses up every attempt, the execution TimeoutSeconds still covers it', () => {
    const worst = Math.max(...paths.map((path) => pathWorstCaseSeconds(definition, path)));
    expect(worst).toBeGreaterThan(0);
    expect(definition.TimeoutSeconds).toBeGreaterThan(worst);
  });

  it('when a Retry or Catch names States.HeartbeatTimeout, it names States.Timeout too (LocalStack reports one as the other)', () => {
    const lists = tasksOf(definition).flatMap(([, state]) => errorListsOf(state));
    expect(lists.some((list) => list.includes('States.HeartbeatTimeout'))).toBe(true);
    for (const list of lists) if (list.includes('States.HeartbeatTimeout')) expect(list).toContain('States.Timeout');
  });

  it('when any task fails for good, a States.ALL catcher decides where the saga goes: no task failure ends the execution unplanned', () => {
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task' || state.Type === 'Parallel') expect(state.Catch?.at(-1)?.ErrorEquals, name).toEqual(['States.ALL']);
    }
    expect(paths.filter((path) => path.steps.some((step) => step.outcome.kind === 'uncaught')).map(describePath)).toEqual([]);
  });

  it('when a booking is VIP by tier or by amount, Route sends it to the FastPath Parallel, whose branches validate and reserve under the fast-path timings', () => {
    expect(definition.StartAt).toBe('Route');
    expect(definition.States.Route).toMatchObject({
      Type: 'Choice',
      Choices: [{ Or: [{ Variable: '$.tier', StringEquals: 'VIP' }, { Variable: '$.amount', NumericGreaterThanEquals: vipAmountThresholdCents }], Next: 'FastPath' }],
      Default: 'ValidatePayment',
    });
    const fastPath = definition.States.FastPath;
    if (fastPath?.Type !== 'Parallel') throw new Error('FastPath is not a Parallel state');
    const branchTasks = fastPath.Branches.flatMap((branch) => tasksOf(branch));
    expect(branchTasks.map(([, state]) => state.Resource)).toEqual([activityArns.ValidatePayment, activityArns.ReserveSeat]);
    const timings = timingProfile(profile);
    for (const [name, state] of branchTasks) {
      const task = fastPathTasks.find((candidate) => state.Resource === activityArns[candidate])!;
      expect(state, name).toMatchObject({ TimeoutSeconds: timings.fastPath[task].timeoutSeconds, HeartbeatSeconds: timings.fastPath[task].heartbeatSeconds });
      expect(state.TimeoutSeconds, name).toBeLessThan((definition.States[task] as TaskState).TimeoutSeconds!);
    }
  });

  it('when a worker runs a fast-path task, its heartbeats (every third of the activity’s own heartbeat) come at least twice per fast-path heartbeat', () => {
    const timings = timingProfile(profile);
    for (const task of fastPathTasks) expect(timings.fastPath[task].heartbeatSeconds, task).toBeGreaterThanOrEqual((2 * timings.activities[task].heartbeatSeconds) / 3);
  });

  it('when the saga runs any way it can, money is never left charged: a failed booking was declined, refunded, or escalated after its refund was tried', () => {
    expect(moneyViolations(paths).map(describePath)).toEqual([]);
    expect(new Set(paths.flatMap((path) => path.steps.map((step) => step.state)))).toEqual(new Set(Object.keys(definition.States)));
    expect(new Set(paths.map((path) => path.money))).toEqual(new Set(['charged', 'none', 'refunded', 'escalated']));
  });

  it('when the saga runs any way it can, it visits no state twice, so its worst case is bounded', () => {
    for (const path of paths) expect(new Set(path.steps.map((step) => step.state)).size, describePath(path)).toBe(path.steps.length);
  });

  it('when a state’s Parameters read a field of the execution, every path into it has written that field (a missing one is an uncatchable States.Runtime)', () => {
    let checked = 0;
    for (const path of paths) {
      fieldsBeforeSteps(definition, path).forEach((fields, index) => {
        const state = definition.States[path.steps[index]!.state]!;
        if (state.Type !== 'Task') return;
        for (const field of fieldsRead(state.Parameters)) {
          checked += 1;
          expect(fields.has(field), `${field} before ${state.Resource} on ${describePath(path)}`).toBe(true);
        }
      });
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('the path walker', () => {
  const broken = (change: (definition: StateMachineDefinition) => void): SagaPath[] => {
    const definition = structuredClone(sagaDefinition('fast', resources));
    change(definition);
    return moneyViolations(sagaPaths(definition, resources));
  };
  const task = (definition: StateMachineDefinition, name: string) => definition.States[name] as TaskState;
  const parallel = (definition: StateMachineDefinition, name: string) => definition.States[name] as ParallelState;

  const route = (path: SagaPath) => [...path.steps.map((step) => step.state), path.money];

  it.each([
    {
      mistake: 'ReserveSeat fails straight to BookingFailed',
      change: (d: StateMachineDefinition) => (task(d, 'ReserveSeat').Catch![0]!.Next = 'BookingFailed'),
      route: ['Route', 'ValidatePayment', 'ReserveSeat', 'BookingFailed', 'charged'],
    },
    {
      mistake: 'an uncertain charge is treated as a decline',
      change: (d: StateMachineDefinition) => (task(d, 'ValidatePayment').Catch![1]!.Next = 'ReleaseSeat'),
      route: ['Route', 'ValidatePayment', 'ReleaseSeat', 'FailureReason', 'BookingFailed', 'maybe charged'],
    },
    {
      mistake: 'a refund that gives up is not escalated',
      change: (d: StateMachineDefinition) => (task(d, 'RefundPayment').Catch![0]!.Next = 'ReleaseSeat'),
      route: ['Route', 'ValidatePayment', 'ReserveSeat', 'RefundPayment', 'ReleaseSeat', 'FailureReason', 'BookingFailed', 'refund failed'],
    },
    {
      mistake: 'Notify has no Catch, so a lost notification fails a paid booking',
      change: (d: StateMachineDefinition) => delete task(d, 'Notify').Catch,
      route: ['Route', 'ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify', 'charged'],
    },
    {
      mistake: 'a failed ticket is confirmed anyway',
      change: (d: StateMachineDefinition) => (task(d, 'IssueTicket').Catch![0]!.Next = 'Notify'),
      route: ['Route', 'ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify', 'BookingConfirmed', 'charged'],
    },
    {
      mistake: 'a Catch loops back to the charge, where a decline hides the first charge',
      change: (d: StateMachineDefinition) => (task(d, 'ReserveSeat').Catch![0]!.Next = 'ValidatePayment'),
      route: ['Route', 'ValidatePayment', 'ReserveSeat', 'ValidatePayment', 'ReleaseSeat', 'FailureReason', 'PaymentDeclined', 'charged'],
    },
    {
      mistake: 'the fast path treats every failed payment as a decline',
      change: (d: StateMachineDefinition) => (parallel(d, 'FastPath').Catch![1]!.Next = 'ReleaseSeat'),
      route: ['Route', 'FastPath', 'ReleaseSeat', 'FailureReason', 'BookingFailed', 'maybe charged'],
    },
    {
      mistake: 'the fast path releases a seat it could not reserve without refunding',
      change: (d: StateMachineDefinition) => ((d.States.FastPathReservationFailed as PassState).Next = 'ReleaseSeat'),
      route: ['Route', 'FastPath', 'FastPathReserved', 'FastPathReservationFailed', 'ReleaseSeat', 'FailureReason', 'BookingFailed', 'charged'],
    },
  ])('when $mistake, it reports the path that keeps the money', ({ change, route: expected }) => {
    expect(broken(change).map(route)).toContainEqual(expected);
  });
});

describe('the sabotaged saga definitions (deploy --sabotage)', () => {
  const correct = sagaDefinition('fast', resources);
  const lostWorker = ['States.HeartbeatTimeout', 'States.Timeout'];
  /** The correct definition with only the sabotage's change made by hand: what the sabotaged one must equal. */
  const expected: Partial<Record<Sabotage, (definition: StateMachineDefinition) => void>> = {
    'no-heartbeat': (definition) => tasksOf(definition).forEach(([, state]) => delete state.HeartbeatSeconds),
    'no-task-timeout': (definition) => {
      for (const [, state] of tasksOf(definition)) if (Object.values(activityArns).includes(state.Resource)) delete state.TimeoutSeconds;
      delete definition.TimeoutSeconds;
    },
    'skip-compensation-on-timeout': (definition) => {
      for (const name of ['FastPath', 'ValidatePayment', 'ReserveSeat', 'IssueTicket']) {
        const state = definition.States[name] as TaskState | ParallelState;
        state.Catch = [{ ErrorEquals: lostWorker, ResultPath: '$.error', Next: 'BookingTimedOut' }, ...state.Catch!];
      }
      definition.States.BookingTimedOut = { Type: 'Fail', Error: 'BookingTimedOut', Cause: 'A step timed out; the execution failed without refunding or releasing the seat.' };
    },
  };

  it.each(deployedSabotages)('when deployed with %s, it differs from the correct definition only by the sabotage and its Comment, and passes asl-validator', (sabotage) => {
    const definition = sagaDefinition('fast', resources, [sabotage]);
    const want = structuredClone(correct);
    expected[sabotage]!(want);
    expect(definition).toEqual({ ...want, Comment: `booksim seat-booking saga; timing profile fast; sabotage ${sabotage}` });
    const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(errorsText('; ')).toBe('');
    expect(isValid).toBe(true);
  });

  it.each(deployedSabotages)('when deployed with %s, every Task state keeps its name and activity, so step timings read its histories alike', (sabotage) => {
    const shape = (definition: Branch) => tasksOf(definition).map(([name, state]) => [name, state.Resource]);
    expect(shape(sagaDefinition('fast', resources, [sabotage]))).toEqual(shape(correct));
  });

  it('when several are deployed, the Comment names them in catalog order, once each, and both readers read it back', () => {
    const text = JSON.stringify(sagaDefinition('realistic', resources, ['skip-compensation-on-timeout', 'no-heartbeat', 'no-heartbeat']));
    expect(JSON.parse(text).Comment).toBe('booksim seat-booking saga; timing profile realistic; sabotage no-heartbeat, skip-compensation-on-timeout');
    expect(profileOfDefinition(text)).toBe('realistic');
    expect(sabotageOfDefinition(text)).toEqual(['no-heartbeat', 'skip-compensation-on-timeout']);
    expect(sabotageOfDefinition(JSON.stringify(correct))).toEqual([]);
  });

  it('when asked for a sabotage of the functions’ code, it refuses: the definition cannot carry it', () => {
    expect(() => sagaDefinition('fast', resources, ['ack-before-work'])).toThrow("ack-before-work is not a sabotage of the saga's definition");
  });

  it('when the correct saga fails, it ends in one of the Fail states that verify takes for a compensated end', () => {
    const fails = Object.values(correct.States).flatMap((state) => (state.Type === 'Fail' ? [state.Error] : []));
    expect(fails.sort()).toEqual([...compensatedFailErrors].sort());
  });

  it('when skip-compensation-on-timeout is deployed, the path walker finds the timed-out step that fails with the money still charged', () => {
    const paths = sagaPaths(sagaDefinition('fast', resources, ['skip-compensation-on-timeout']), resources);
    const route = (path: SagaPath) => [...path.steps.map((step) => step.state), path.money];
    expect(moneyViolations(paths).map(route)).toEqual(
      expect.arrayContaining([
        ['Route', 'ValidatePayment', 'BookingTimedOut', 'maybe charged'],
        ['Route', 'ValidatePayment', 'ReserveSeat', 'IssueTicket', 'BookingTimedOut', 'charged'],
        ['Route', 'FastPath', 'BookingTimedOut', 'maybe charged'],
      ]),
    );
  });
});

describe('profileOfDefinition', () => {
  it.each(timingProfiles)('when given the deployed %s definition, it names that profile', (profile) => {
    expect(profileOfDefinition(JSON.stringify(sagaDefinition(profile, resources)))).toBe(profile);
  });

  it.each([
    ['another machine', JSON.stringify({ Comment: 'orders workflow', StartAt: 'A', States: { A: { Type: 'Succeed' } } })],
    ['no Comment', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } })],
    ['an unknown profile', JSON.stringify({ ...sagaDefinition('fast', resources), Comment: 'booksim seat-booking saga; timing profile glacial' })],
    ['JSON null', 'null'],
    ['not JSON', '{"Comment":'],
  ])('when given %s, it returns undefined', (_, text) => {
    expect(profileOfDefinition(text)).toBeUndefined();
  });
});

describe('the fast saga on the embedded endpoint', () => {
  const fx = useEndpoint();

  /** Creates the saga's activities, queue and machine, as deploy will. */
  const deploySaga = async () => {
    const { sfn, sqs } = fx.clients;
    const arns = {} as Record<SagaTask, string>;
    for (const task of sagaTasks) arns[task] = await createActivity(sfn, uniqueName(task));
    const manualReviewQueueUrl = await createQueue(sqs, uniqueName('manual-review'));
    const machine = await createMachine(sfn, uniqueName('saga'), sagaDefinition('fast', { activityArns: arns, manualReviewQueueUrl }));
    return { arns, machine };
  };

  /** Takes the next task of an activity, checks the booking is still in its input, and answers it. */
  const answer = async (activityArn: string, reply: { output: object } | { error: string }, input: object = bookingInput) => {
    const { sfn } = fx.clients;
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    expect(JSON.parse(task.input!)).toMatchObject(input);
    if ('output' in reply) await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(reply.output) }));
    else await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: reply.error, cause: 'test' }));
  };

  const scheduledActivities = async (executionArn: string) =>
    (await history(fx.clients.sfn, executionArn)).flatMap((event) => (event.type === 'ActivityScheduled' ? [event.activityScheduledEventDetails!.resource] : []));

  it('when every step succeeds, the booking is confirmed with each result beside the input', async () => {
    const { arns, machine } = await deploySaga();
    const executionArn = await start(fx.clients.sfn, machine, bookingInput);
    for (const task of ['ValidatePayment', 'ReserveSeat', 'IssueTicket', 'Notify'] as const) await answer(arns[task], { output: { done: task } });
    const done = await finished(fx.clients.sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      ...bookingInput,
      payment: { done: 'ValidatePayment' },
      reservation: { done: 'ReserveSeat' },
      ticket: { done: 'IssueTicket' },
      notification: { done: 'Notify' },
    });
  });

  it('when the payment is declined, the seat is released without a refund and the execution fails with PaymentDeclined', async () => {
    const { arns, machine } = await deploySaga();
    const executionArn = await start(fx.clients.sfn, machine, bookingInput);
    await answer(arns.ValidatePayment, { error: 'PaymentDeclined' });
    await answer(arns.ReleaseSeat, { output: { released: true } });
    expect(await finished(fx.clients.sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined' });
    expect(await scheduledActivities(executionArn)).toEqual([arns.ValidatePayment, arns.ReleaseSeat]);
  });

  const vipInput = { ...bookingInput, bookingId: 'B2', tier: 'VIP' };
  const stateTypes = async (executionArn: string) => (await history(fx.clients.sfn, executionArn)).map((event) => event.type!);

  it('when a VIP booking succeeds, it takes the fast path: payment and seat in the FastPath Parallel, then the ticket', async () => {
    const { arns, machine } = await deploySaga();
    const executionArn = await start(fx.clients.sfn, machine, vipInput);
    for (const task of ['ReserveSeat', 'ValidatePayment', 'IssueTicket', 'Notify'] as const) await answer(arns[task], { output: { done: task } }, vipInput);
    const done = await finished(fx.clients.sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ ...vipInput, fastPath: { payment: { done: 'ValidatePayment' }, reservation: { done: 'ReserveSeat' } }, ticket: { done: 'IssueTicket' } });
    expect(await stateTypes(executionArn)).toEqual(expect.arrayContaining(['ChoiceStateEntered', 'ParallelStateEntered', 'ParallelStateSucceeded']));
  });

  it('when a VIP payment is declined while its seat is being reserved, the reservation is stopped, the seat released, and the execution fails with PaymentDeclined', async () => {
    const { arns, machine } = await deploySaga();
    const executionArn = await start(fx.clients.sfn, machine, vipInput);
    const seat = await fx.clients.sfn.send(new GetActivityTaskCommand({ activityArn: arns.ReserveSeat }));
    await answer(arns.ValidatePayment, { error: 'PaymentDeclined' }, vipInput);
    await answer(arns.ReleaseSeat, { output: { released: true } }, vipInput);
    expect(await finished(fx.clients.sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined' });
    await expect(fx.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: seat.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(await stateTypes(executionArn)).toContain('ParallelStateFailed');
  });

  it('when a VIP seat cannot be reserved, the saga waits for the payment to settle, then refunds it and releases the seat', async () => {
    const { arns, machine } = await deploySaga();
    const executionArn = await start(fx.clients.sfn, machine, vipInput);
    await answer(arns.ReserveSeat, { error: 'OutOfStock' }, vipInput);
    await answer(arns.ValidatePayment, { output: { chargeId: 'ch1' } }, vipInput);
    await answer(arns.RefundPayment, { output: { refund: 'refunded' } }, vipInput);
    const release = await fx.clients.sfn.send(new GetActivityTaskCommand({ activityArn: arns.ReleaseSeat }));
    expect(JSON.parse(release.input!).error).toMatchObject({ Error: 'OutOfStock' });
    await fx.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: release.taskToken, output: '{}' }));
    expect(await finished(fx.clients.sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'BookingFailed' });
  });
});
